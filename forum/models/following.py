"""What members watch and follow, and the notifications they receive."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.columns import UTCDateTime, utcnow
from forum.extensions import db
from forum.models.practices import Practice
from forum.models.threads import Post, Thread
from forum.models.users import User
from forum.models.workshops import Workshop


class ThreadWatch(db.Model):
    """A member watches a thread: they hear of every new reply."""

    __tablename__ = "thread_watches"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Follow(db.Model):
    """A member follows a country or a theme: they hear of every new thread there."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "country_code", "theme_slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    country_code: Mapped[str | None] = mapped_column(
        ForeignKey("countries.code", ondelete="CASCADE"), index=True
    )
    theme_slug: Mapped[str | None] = mapped_column(
        ForeignKey("themes.slug", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationKind(enum.StrEnum):
    REPLY = "reply"  # a reply to your post or your thread
    MENTION = "mention"
    WATCHED_REPLY = "watched_reply"  # a reply in a thread you watch
    NEW_THREAD = "new_thread"  # a new thread in what you follow
    ACCEPTED = "accepted"  # your reply was marked as the answer
    MODERATION = "moderation"  # a moderator acted on your content
    PRACTICE_PUBLISHED = "practice_published"  # your practice (or edit) is online
    PRACTICE_CHANGES = "practice_changes"  # a moderator asks for changes
    PRACTICE_REJECTED = "practice_rejected"
    PRACTICE_ADOPTED = "practice_adopted"  # someone adopted or adapted yours
    CHAT_MENTION = "chat_mention"  # mentioned in a workshop room
    WORKSHOP_REMINDER = "workshop_reminder"  # a workshop you joined starts soon


class Notification(db.Model):
    """Something a member should know about, shown in-app and maybe emailed."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE")
    )
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE")
    )
    practice_id: Mapped[int | None] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE")
    )
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE")
    )
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    thread: Mapped[Thread | None] = relationship(lazy="joined")
    post: Mapped[Post | None] = relationship()
    practice: Mapped[Practice | None] = relationship()
    workshop: Mapped[Workshop | None] = relationship()
