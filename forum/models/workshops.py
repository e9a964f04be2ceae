"""Live workshops: scheduled rooms, who takes part, and what was said.

Every message gets the room's next sequence number in the same transaction
that stores it, so all participants see one order and a client that lost its
connection asks for everything after the last number it saw. Edits and
deletions take a sequence number too (`changed_seq`), so they replay as well.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.columns import UTCDateTime, utcnow
from forum.extensions import db
from forum.models.reference import Country, Theme
from forum.models.users import User, _enum


class WorkshopAccess(enum.StrEnum):
    OPEN = "open"  # every member may come in
    REGISTRATION = "registration"  # members register, up to a cap
    INVITATION = "invitation"  # only those invited


workshop_themes = Table(
    "workshop_themes",
    db.metadata,
    Column(
        "workshop_id", ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "theme_slug", ForeignKey("themes.slug", ondelete="CASCADE"), primary_key=True
    ),
)

workshop_facilitators = Table(
    "workshop_facilitators",
    db.metadata,
    Column(
        "workshop_id", ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Workshop(db.Model):
    """A scheduled, facilitated meeting with its chat room."""

    __tablename__ = "workshops"
    __table_args__ = (Index("ix_workshops_schedule", "starts_at", "ends_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description_markdown: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"))
    languages: Mapped[list] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    access: Mapped[WorkshopAccess] = mapped_column(
        _enum(WorkshopAccess, 20), default=WorkshopAccess.OPEN
    )
    capacity: Mapped[int | None] = mapped_column(Integer)  # for registration
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The room.
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    slow_mode_seconds: Mapped[int] = mapped_column(Integer, default=0)
    # A facilitator may keep the room writable after the end, until then.
    extended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pinned_message_id: Mapped[int | None] = mapped_column(Integer)

    # What outlives the meeting.
    summary_markdown: Mapped[str] = mapped_column(Text, default="")
    summary_thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", ondelete="SET NULL")
    )

    organiser: Mapped[User] = relationship(foreign_keys=[organiser_id])
    country: Mapped[Country] = relationship()
    themes: Mapped[list[Theme]] = relationship(
        secondary=workshop_themes, order_by=Theme.position, lazy="selectin"
    )
    facilitators: Mapped[list[User]] = relationship(
        secondary=workshop_facilitators, lazy="selectin"
    )

    @property
    def theme_slugs(self) -> list[str]:
        return [theme.slug for theme in self.themes]

    @property
    def room(self) -> str:
        """The Socket.IO room of this workshop."""
        return f"workshop:{self.id}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def __repr__(self) -> str:
        return f"<Workshop {self.id} {self.title!r}>"


class Participation(db.Model):
    """A member's place in a workshop: registered or invited, muted or removed."""

    __tablename__ = "workshop_participations"
    __table_args__ = (UniqueConstraint("workshop_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    registered: Mapped[bool] = mapped_column(Boolean, default=False)
    invited: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    muted_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hand_raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class ChatMessage(db.Model):
    """One message of a workshop room."""

    __tablename__ = "chat_messages"
    __table_args__ = (
        UniqueConstraint("workshop_id", "seq", name="uq_chat_messages_seq"),
        # A client retrying a message it sent gets the stored one back.
        UniqueConstraint(
            "workshop_id", "author_id", "client_id", name="uq_chat_messages_client_id"
        ),
        Index("ix_chat_messages_changed", "workshop_id", "changed_seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(Integer)
    # The sequence number of its latest change (creation, edit or deletion).
    changed_seq: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    client_id: Mapped[str] = mapped_column(String(64))
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat_messages.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    reply_to: Mapped[ChatMessage | None] = relationship(remote_side=[id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class RoomPresence(db.Model):
    """One open connection to a room, so every server process sees who is there."""

    __tablename__ = "room_presences"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Refreshed by the connection's heartbeat; rows left by a dead process expire.
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
