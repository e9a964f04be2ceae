"""Threads and their posts: the tree of a discussion, revisions, reactions, reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.columns import UTCDateTime, utcnow
from forum.extensions import db
from forum.models.reference import Country, Theme
from forum.models.users import User

# Width of one level of a post's materialised path: a zero-padded post id.
PATH_WIDTH = 10
# The WHERE of the listings' partial indexes, for each engine that has them.
NOT_DELETED = {
    "sqlite_where": text("deleted_at IS NULL"),
    "postgresql_where": text("deleted_at IS NULL"),
}

thread_themes = Table(
    "thread_themes",
    db.metadata,
    Column("thread_id", ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "theme_slug", ForeignKey("themes.slug", ondelete="CASCADE"), primary_key=True
    ),
    # Listings by theme walk this index instead of the whole table.
    Index("ix_thread_themes_theme_thread", "theme_slug", "thread_id"),
)


class Thread(db.Model):
    """A discussion in one country (or Mediterranean-wide) and one to three themes."""

    __tablename__ = "threads"
    # Listings sort public threads pinned first, then by latest activity; the
    # home page lists the latest and the featured ones and counts them per
    # country. Partial indexes (deleted threads left out) that start with
    # `approved` serve both engines: PostgreSQL reads no order from an index
    # whose leading column is matched by IS NULL, and SQLite walks an index in
    # order when its leading column is matched by equality.
    __table_args__ = (
        Index(
            "ix_threads_public_latest",
            "approved",
            "last_activity_at",
            "id",
            **NOT_DELETED,
        ),
        Index(
            "ix_threads_public_pinned",
            "approved",
            "pinned",
            "last_activity_at",
            "id",
            **NOT_DELETED,
        ),
        Index(
            "ix_threads_public_country",
            "approved",
            "country_code",
            "pinned",
            "last_activity_at",
            "id",
            **NOT_DELETED,
        ),
        Index(
            "ix_threads_public_featured",
            "approved",
            "featured",
            "last_activity_at",
            **NOT_DELETED,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"))
    language: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Counts only what everyone may see: approved, not hidden, not deleted.
    reply_count: Mapped[int] = mapped_column(Integer, default=0)

    approved: Mapped[bool] = mapped_column(Boolean, default=True)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    lock_reason: Mapped[str] = mapped_column(Text, default="")
    accepted_post_id: Mapped[int | None] = mapped_column(Integer)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delete_reason: Mapped[str] = mapped_column(Text, default="")
    # Set when a moderator merged this thread into another: old links follow it.
    merged_into_id: Mapped[int | None] = mapped_column(Integer)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")
    last_poster: Mapped[User | None] = relationship(foreign_keys=[last_poster_id])
    country: Mapped[Country] = relationship()
    themes: Mapped[list[Theme]] = relationship(
        secondary=thread_themes, order_by=Theme.position, lazy="selectin"
    )

    @property
    def theme_slugs(self) -> list[str]:
        return [theme.slug for theme in self.themes]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_public(self) -> bool:
        """Visible to everyone: approved and not deleted."""
        return self.approved and self.deleted_at is None

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.title!r}>"


class Post(db.Model):
    """A post: the thread's opening post, or a reply to the thread or to a post."""

    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_thread_path", "thread_id", "path"),
        Index("ix_posts_thread_created", "thread_id", "created_at"),
        Index("ix_posts_author_created", "author_id", "created_at"),
        # The few posts waiting for approval (the moderators' queue and count).
        Index(
            "ix_posts_waiting",
            "thread_id",
            sqlite_where=text("approved IS 0"),
            postgresql_where=text("approved IS false"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL"), index=True
    )
    is_first: Mapped[bool] = mapped_column(Boolean, default=False)
    # Ids of the ancestors and of the post, zero-padded and joined by "/":
    # ordering by it gives the reply tree in one query.
    path: Mapped[str] = mapped_column(String(2000), default="")
    depth: Mapped[int] = mapped_column(Integer, default=0)

    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edit_count: Mapped[int] = mapped_column(Integer, default=0)

    approved: Mapped[bool] = mapped_column(Boolean, default=True)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    helpful_count: Mapped[int] = mapped_column(Integer, default=0)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User] = relationship(lazy="joined")

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_public(self) -> bool:
        """Readable by everyone who can see the thread."""
        return self.approved and self.hidden_at is None and self.deleted_at is None

    def __repr__(self) -> str:
        return f"<Post {self.id} in {self.thread_id}>"


def path_segment(post_id: int) -> str:
    """Return the path segment of a post id."""
    return str(post_id).zfill(PATH_WIDTH)


class PostRevision(db.Model):
    """An earlier version of a post, kept when it is edited."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body_markdown: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor: Mapped[User | None] = relationship()


class PostReaction(db.Model):
    """A member found a post helpful."""

    __tablename__ = "post_reactions"
    __table_args__ = (UniqueConstraint("post_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="helpful")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadRead(db.Model):
    """How far a member has read a thread, for unread markers."""

    __tablename__ = "thread_reads"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True
    )
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
