"""Profiles and what administrators and moderators do to accounts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from forum.columns import utcnow
from forum.errors import PermissionDenied, ValidationError
from forum.extensions import db
from forum.i18n import is_valid_timezone
from forum.markup import render_markdown
from forum.models import AccountStatus, ActorType, Country, Role, Theme, User
from forum.models.users import new_session_token
from forum.services.audit import record_action
from forum.services.notifications import EMAIL_FREQUENCIES
from forum.services.passwords import check_password
from forum.services.permissions import require_admin, require_moderator

BIO_MAX_LENGTH = 2000
MODERATOR_SUSPENSION_LIMIT = timedelta(days=30)
# The suspension forms' limit too; the API and the CLI meet it here.
SUSPENSION_REASON_MAX = 2000
LANGUAGE_CODE_LENGTH = 3


def update_profile(
    user: User,
    *,
    display_name: str,
    organisation: str = "",
    actor_type: str = ActorType.OTHER.value,
    country_code: str | None = None,
    languages: Iterable[str] = (),
    bio: str = "",
    locale: str | None = None,
    timezone: str = "UTC",
    email_notifications: str | None = None,
) -> User:
    """Save a member's own profile and preferences (None leaves emails as they are)."""
    display_name = (display_name or "").strip()
    if not 1 <= len(display_name) <= 80:
        raise ValidationError(
            _("Enter a name of 1 to 80 characters."), field="display_name"
        )
    if len(organisation or "") > 150:
        raise ValidationError(
            _("Use at most %(n)d characters.", n=150), field="organisation"
        )
    if len(bio or "") > BIO_MAX_LENGTH:
        raise ValidationError(
            _("Use at most %(n)d characters.", n=BIO_MAX_LENGTH), field="bio"
        )
    user.display_name = display_name
    user.organisation = (organisation or "").strip()
    user.actor_type = _actor_type(actor_type)
    user.country_code = _country_code(country_code)
    user.languages = _language_codes(languages)
    user.bio_markdown = bio or ""
    user.bio_html = render_markdown(bio or "")
    user.locale = _ui_locale(locale)
    user.timezone = _timezone(timezone)
    if email_notifications is not None:
        user.email_notifications = _email_frequency(email_notifications)
    db.session.commit()
    return user


def set_ui_locale(user: User, locale: str) -> None:
    """Remember the UI language a member picked in the switcher."""
    user.locale = _ui_locale(locale)
    db.session.commit()


def _actor_type(value: str) -> ActorType:
    try:
        return ActorType(value)
    except ValueError as error:
        raise ValidationError(
            _("Choose a type of organisation."), field="actor_type"
        ) from error


def _country_code(code: str | None) -> str | None:
    if not code:
        return None
    if db.session.get(Country, code) is None:
        raise ValidationError(_("Choose a country from the list."), field="country")
    return code


def _language_codes(codes: Iterable[str]) -> list[str]:
    cleaned = []
    for code in codes:
        code = (code or "").strip().lower()
        if not code.isalpha() or len(code) > LANGUAGE_CODE_LENGTH:
            raise ValidationError(
                _("Choose languages from the list."), field="languages"
            )
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _ui_locale(locale: str | None) -> str | None:
    if not locale:
        return None
    if locale not in current_app.config["LANGUAGES"]:
        raise ValidationError(_("Choose a language from the list."), field="locale")
    return locale


def _email_frequency(value: str) -> str:
    if value not in EMAIL_FREQUENCIES:
        raise ValidationError(
            _("Choose how often to get emails."), field="email_notifications"
        )
    return value


def _timezone(name: str) -> str:
    name = name or "UTC"
    if not is_valid_timezone(name):
        raise ValidationError(_("Choose a time zone from the list."), field="timezone")
    return name


# Administration -----------------------------------------------------------


def user_query(
    *,
    search: str = "",
    role: str | None = None,
    status: str | None = None,
    country_code: str | None = None,
    actor_type: str | None = None,
) -> Select:
    """Return a query of accounts matching the admin list's filters."""
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(
                User.email.ilike(pattern),
                User.username.ilike(pattern),
                User.display_name.ilike(pattern),
                User.organisation.ilike(pattern),
            )
        )
    for column, value, kind in (
        (User.role, role, Role),
        (User.status, status, AccountStatus),
        (User.actor_type, actor_type, ActorType),
    ):
        if value in {member.value for member in kind}:
            query = query.where(column == kind(value))
    if country_code:
        query = query.where(User.country_code == country_code)
    return query


def approve_user(admin: User, user: User) -> None:
    """Let a pending account in."""
    require_admin(admin)
    if user.status is not AccountStatus.PENDING:
        raise ValidationError(_("This account is not waiting for approval."))
    user.status = AccountStatus.ACTIVE
    record_action(admin, "user.approve", **_target(user))
    db.session.commit()


def _suspension_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Give a reason; the member will see it."), field="reason"
        )
    if len(reason) > SUSPENSION_REASON_MAX:
        raise ValidationError(
            _("Too long: at most %(n)d characters.", n=SUSPENSION_REASON_MAX),
            field="reason",
        )
    return reason


def suspend_user(
    actor: User, user: User, *, until: datetime | None, reason: str
) -> None:
    """Suspend an account until a date (moderators: at most 30 days)."""
    require_moderator(actor)
    reason = _suspension_reason(reason)
    if user.id == actor.id or user.is_admin or user.is_deleted:
        raise PermissionDenied(_("This account cannot be suspended."))
    now = utcnow()
    if until is not None and until <= now:
        raise ValidationError(_("Choose an end date in the future."), field="until")
    if not actor.is_admin:
        if until is None or until - now > MODERATOR_SUSPENSION_LIMIT:
            raise PermissionDenied(_("Moderators can suspend for at most 30 days."))
        if user.is_moderator:
            raise PermissionDenied(_("Only administrators can suspend a moderator."))
    user.status = AccountStatus.SUSPENDED
    user.suspended_until = until
    user.suspension_reason = reason
    record_action(
        actor,
        "user.suspend",
        reason=reason,
        details={"until": until.isoformat() if until else None},
        **_target(user),
    )
    db.session.commit()


def lift_suspension(actor: User, user: User, *, reason: str = "") -> None:
    """End a suspension early."""
    require_moderator(actor)
    if user.status is not AccountStatus.SUSPENDED:
        raise ValidationError(_("This account is not suspended."))
    user.status = AccountStatus.ACTIVE
    user.suspended_until = None
    user.suspension_reason = ""
    record_action(actor, "user.unsuspend", reason=reason, **_target(user))
    db.session.commit()


def set_role(
    admin: User,
    user: User,
    *,
    role: str,
    everywhere: bool = False,
    country_codes: Iterable[str] = (),
    theme_slugs: Iterable[str] = (),
    can_organise: bool = False,
    reason: str = "",
) -> None:
    """Change an account's role, moderator scope and organiser right."""
    require_admin(admin)
    try:
        new_role = Role(role)
    except ValueError as error:
        raise ValidationError(
            _("Choose a role from the list."), field="role"
        ) from error
    if user.id == admin.id and new_role is not Role.ADMIN:
        raise PermissionDenied(_("You cannot remove your own administrator role."))
    countries = _rows(Country, Country.code, country_codes, "countries")
    themes = _rows(Theme, Theme.slug, theme_slugs, "themes")
    moderator = new_role is Role.MODERATOR
    if moderator and not (everywhere or countries or themes):
        raise ValidationError(
            _("Give the moderator a scope: countries, themes, or everywhere."),
            field="everywhere",
        )
    before = _role_summary(user)
    user.role = new_role
    user.moderates_everywhere = moderator and everywhere
    user.scope_countries = countries if moderator else []
    user.scope_themes = themes if moderator else []
    user.can_organise = can_organise
    record_action(
        admin,
        "user.set_role",
        reason=reason,
        details={"before": before, "after": _role_summary(user)},
        **_target(user),
    )
    db.session.commit()


def _rows(model, key_column, keys: Iterable[str], field: str) -> list:
    keys = list(dict.fromkeys(k for k in keys if k))
    if not keys:
        return []
    rows = db.session.scalars(select(model).where(key_column.in_(keys))).all()
    if len(rows) != len(keys):
        raise ValidationError(_("Choose items from the list."), field=field)
    return rows


def _role_summary(user: User) -> dict:
    return {
        "role": user.role.value,
        "everywhere": user.moderates_everywhere,
        "countries": [c.code for c in user.scope_countries],
        "themes": [t.slug for t in user.scope_themes],
        "organiser": user.can_organise,
    }


def erase_account(actor: User, user: User, *, reason: str = "") -> None:
    """Erase an account's personal data; its content stays under "former member"."""
    if actor.id != user.id:
        require_admin(actor)
    if user.is_admin and actor.id == user.id:
        raise PermissionDenied(_("An administrator cannot erase their own account."))
    record_action(actor, "user.erase", reason=reason, **_target(user))
    user.status = AccountStatus.DELETED
    user.deleted_at = utcnow()
    user.email = f"erased-{user.id}@erased.invalid"
    user.username = f"former-{user.id}"
    user.display_name = ""
    user.organisation = ""
    user.bio_markdown = user.bio_html = ""
    user.country_code = None
    user.languages = []
    user.password_hash = "!"
    user.session_token = new_session_token()
    user.role = Role.MEMBER
    user.moderates_everywhere = user.can_organise = False
    user.scope_countries, user.scope_themes = [], []
    user.api_tokens = []
    db.session.commit()


def erase_own_account(user: User, *, password: str) -> None:
    """Erase one's own account once the password is confirmed."""
    if not check_password(user.password_hash, password or ""):
        raise ValidationError(_("Your password is not correct."), field="password")
    erase_account(user, user)


def _target(user: User) -> dict:
    return {"target_type": "user", "target_id": user.id, "target_label": user.username}
