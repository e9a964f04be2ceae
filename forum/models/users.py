"""Members, their roles and states, and their personal API tokens."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Enum,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.columns import UTCDateTime, utcnow
from forum.extensions import db
from forum.models.reference import Country, Theme


class Role(enum.StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class AccountStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for an administrator's approval
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DELETED = "deleted"  # personal data erased; content kept


class ActorType(enum.StrEnum):
    SSE_ENTERPRISE = "sse_enterprise"
    TRAINING_PROVIDER = "training_provider"
    PUBLIC_ADMINISTRATION = "public_administration"
    SUPPORT_NETWORK = "support_network"
    OTHER = "other"


def _enum(kind: type[enum.Enum], length: int = 30) -> Enum:
    return Enum(
        kind,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


moderator_countries = Table(
    "moderator_countries",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "country_code",
        ForeignKey("countries.code", ondelete="CASCADE"),
        primary_key=True,
    ),
)

moderator_themes = Table(
    "moderator_themes",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "theme_slug", ForeignKey("themes.slug", ondelete="CASCADE"), primary_key=True
    ),
)


# After this long without a request, the next one starts a new visit (as in
# Discourse): what appeared since the end of the previous visit is "new".
VISIT_TIMEOUT = timedelta(hours=1)


def new_session_token() -> str:
    """Return a fresh random value that identifies a user's login sessions."""
    return secrets.token_urlsafe(24)


class User(db.Model):
    """A member of the network, whatever their role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(30), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Changing it (new password, erased account) ends every login session.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    display_name: Mapped[str] = mapped_column(String(80))
    organisation: Mapped[str] = mapped_column(String(150), default="")
    actor_type: Mapped[ActorType] = mapped_column(
        _enum(ActorType), default=ActorType.OTHER
    )
    country_code: Mapped[str | None] = mapped_column(
        ForeignKey("countries.code", ondelete="SET NULL")
    )
    languages: Mapped[list] = mapped_column(JSON, default=list)
    bio_markdown: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")

    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.MEMBER)
    moderates_everywhere: Mapped[bool] = mapped_column(Boolean, default=False)
    can_organise: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[AccountStatus] = mapped_column(
        _enum(AccountStatus), default=AccountStatus.ACTIVE
    )
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str] = mapped_column(Text, default="")

    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Last request of the previous visit (see mark_seen): threads newer are "new".
    previous_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "none", "immediate" or "daily" (a digest).
    email_notifications: Mapped[str] = mapped_column(
        String(10), default="immediate", server_default="immediate"
    )
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    country: Mapped[Country | None] = relationship(lazy="joined")
    scope_countries: Mapped[list[Country]] = relationship(
        secondary=moderator_countries, order_by=Country.position
    )
    scope_themes: Mapped[list[Theme]] = relationship(
        secondary=moderator_themes, order_by=Theme.position
    )
    api_tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login protocol -------------------------------------------------
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.can_log_in

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    # Derived state --------------------------------------------------------
    @property
    def is_deleted(self) -> bool:
        return self.status is AccountStatus.DELETED

    @property
    def is_suspended(self) -> bool:
        if self.status is not AccountStatus.SUSPENDED:
            return False
        return self.suspended_until is None or self.suspended_until > utcnow()

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def can_log_in(self) -> bool:
        if self.status in (AccountStatus.PENDING, AccountStatus.DELETED):
            return False
        return self.email_confirmed and not self.is_suspended

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_moderator(self) -> bool:
        """True for moderators of any scope and for admins."""
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_global_moderator(self) -> bool:
        return self.is_admin or (
            self.role is Role.MODERATOR and self.moderates_everywhere
        )

    def moderates(self, country_code: str | None, theme_slugs=()) -> bool:
        """Say whether this user may moderate content in that country and themes.

        A scoped moderator covers every thread of the countries and every
        thread of the themes in their scope (the union of both).
        """
        if self.is_global_moderator:
            return True
        if self.role is not Role.MODERATOR:
            return False
        if country_code and country_code in {c.code for c in self.scope_countries}:
            return True
        return bool(set(theme_slugs) & {t.slug for t in self.scope_themes})

    def mark_seen(self, now: datetime) -> None:
        """Note activity at `now`; after an hour away, a new visit begins."""
        if self.last_seen_at is not None and now - self.last_seen_at > VISIT_TIMEOUT:
            self.previous_visit_at = self.last_seen_at
        self.last_seen_at = now

    @property
    def public_name(self) -> str:
        """The name shown next to the member's content."""
        if self.is_deleted:
            return str(_l("Former member"))
        return self.display_name

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class ApiToken(db.Model):
    """A personal API token; only a hash of the secret is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="api_tokens")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
