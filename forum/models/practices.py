"""Good practices: structured case studies, their review, versions and echoes.

A practice is written as a draft, submitted, and published by a moderator of
its country or themes. Its published content lives on the `Practice` row;
each published version is kept as a `PracticeRevision`, and a substantive
edit of a published practice waits as a pending revision while the published
text stays online. Translations of one practice share a `root_id`.
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
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.columns import UTCDateTime, utcnow
from forum.extensions import db
from forum.models.reference import Country, Theme
from forum.models.threads import Thread
from forum.models.users import User, _enum


class PracticeState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for a moderator
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    REJECTED = "rejected"


class ProjectStatus(enum.StrEnum):
    ONGOING = "ongoing"
    COMPLETED = "completed"


class AdoptionKind(enum.StrEnum):
    ADOPTED = "adopted"  # taken up as it is
    ADAPTED = "adapted"  # taken up with changes


class RevisionState(enum.StrEnum):
    PUBLISHED = "published"  # a version that was (or is) online
    PENDING = "pending"  # an edit waiting for review
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"


# The structured sections of a practice, in reading order.
SECTIONS = (
    "context",  # context and problem
    "actions",  # what was done
    "actors",  # actors involved and their roles
    "resources",  # budget, staff, funding sources
    "results",  # results and evidence of success, with figures
    "difficulties",  # difficulties met
    "transfer",  # what another region needs to transfer it
)

practice_themes = Table(
    "practice_themes",
    db.metadata,
    Column(
        "practice_id", ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "theme_slug", ForeignKey("themes.slug", ondelete="CASCADE"), primary_key=True
    ),
    Index("ix_practice_themes_theme_practice", "theme_slug", "practice_id"),
)


class Practice(db.Model):
    """A good practice in one language: what a member documented and how it fared."""

    __tablename__ = "practices"
    __table_args__ = (
        Index("ix_practices_state_published", "state", "published_at"),
        Index("ix_practices_country_state", "country_code", "state"),
        Index("ix_practices_author", "author_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The first language version; translations point to it (itself: None).
    original_id: Mapped[int | None] = mapped_column(
        ForeignKey("practices.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[PracticeState] = mapped_column(
        _enum(PracticeState), default=PracticeState.DRAFT
    )

    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    # Markdown of each section (SECTIONS) and its sanitised HTML.
    sections: Mapped[dict] = mapped_column(JSON, default=dict)
    sections_html: Mapped[dict] = mapped_column(JSON, default=dict)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"))
    place: Mapped[str] = mapped_column(String(120), default="")  # region or city
    actor_types: Mapped[list] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(10))
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    project_status: Mapped[ProjectStatus] = mapped_column(
        _enum(ProjectStatus, 20), default=ProjectStatus.ONGOING
    )
    organisation: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(500), default="")  # members only
    links: Mapped[list] = mapped_column(JSON, default=list)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The latest moderator's word: what to change, or why it was rejected.
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    # The discussion about it, and the thread it was promoted from.
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", ondelete="SET NULL"), index=True
    )
    source_thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", ondelete="SET NULL")
    )
    # An edit of the published version, waiting for review.
    pending_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice_revisions.id", ondelete="SET NULL", use_alter=True)
    )

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    country: Mapped[Country] = relationship()
    themes: Mapped[list[Theme]] = relationship(
        secondary=practice_themes, order_by=Theme.position, lazy="selectin"
    )
    thread: Mapped[Thread | None] = relationship(foreign_keys=[thread_id])
    source_thread: Mapped[Thread | None] = relationship(foreign_keys=[source_thread_id])
    pending_revision: Mapped[PracticeRevision | None] = relationship(
        foreign_keys=[pending_revision_id], post_update=True
    )
    attachments: Mapped[list[PracticeAttachment]] = relationship(
        back_populates="practice",
        order_by="PracticeAttachment.id",
        cascade="all, delete-orphan",
    )

    @property
    def root_id(self) -> int:
        """The id shared by every language version of this practice."""
        return self.original_id or self.id

    @property
    def theme_slugs(self) -> list[str]:
        return [theme.slug for theme in self.themes]

    @property
    def is_published(self) -> bool:
        return self.state == PracticeState.PUBLISHED

    def __repr__(self) -> str:
        return f"<Practice {self.id} {self.state} {self.title!r}>"


class PracticeRevision(db.Model):
    """A full copy of a practice's content: a published version or a pending edit."""

    __tablename__ = "practice_revisions"
    __table_args__ = (Index("ix_practice_revisions_practice", "practice_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE")
    )
    editor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    state: Mapped[RevisionState] = mapped_column(_enum(RevisionState, 20))
    minor: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(300), default="")  # the editor's
    review_comment: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[dict] = mapped_column(JSON)  # the practice's fields
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor: Mapped[User | None] = relationship(lazy="joined")


class PracticeAttachment(db.Model):
    """A file attached to a practice, stored by content hash in the instance folder."""

    __tablename__ = "practice_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    uploader_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    filename: Mapped[str] = mapped_column(String(200))  # as shown, made safe
    media_type: Mapped[str] = mapped_column(String(120))  # found from the content
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Added to a published practice by its author: waits for a moderator,
    # seen until then only by the author and the practice's moderators.
    pending: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    practice: Mapped[Practice] = relationship(back_populates="attachments")

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


class PracticeAdoption(db.Model):
    """A member says their organisation adopted or adapted a practice."""

    __tablename__ = "practice_adoptions"
    # Adoptions count for every language version: they point at the root.
    __table_args__ = (UniqueConstraint("practice_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[AdoptionKind] = mapped_column(_enum(AdoptionKind, 20))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
