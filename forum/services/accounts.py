"""Registration, email confirmation, login and passwords."""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select

from forum.columns import utcnow
from forum.errors import ValidationError
from forum.extensions import db
from forum.mail import send_template_mail
from forum.models import AccountStatus, User
from forum.models.users import new_session_token
from forum.services import passwords, tokens

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,29}$")
CONFIRM_PURPOSE = "confirm-email"
RESET_PURPOSE = "reset-password"


class LoginRefused(ValidationError):
    """Login failed; the message never says whether the account exists."""

    status = 401
    code = "login_refused"


def normalise_email(email: str) -> str:
    """Return the address in the form it is stored, or raise ValidationError."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(
            _("Enter a valid email address."), field="email"
        ) from error
    return result.normalized.lower()


def validate_username(username: str) -> str:
    """Return the username lower-cased, or raise ValidationError."""
    username = (username or "").strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise ValidationError(
            _(
                "Use 3 to 30 letters, digits, dots, dashes or underscores, "
                "starting with a letter or digit."
            ),
            field="username",
        )
    return username


def find_user_by_email(email: str) -> User | None:
    """Return the account with that address, if any."""
    return db.session.scalar(
        select(User).where(func.lower(User.email) == email.strip().lower())
    )


@dataclass
class Registration:
    """What registration produced: a new account, or nothing (address taken)."""

    user: User | None


def register_user(
    *,
    email: str,
    username: str,
    display_name: str,
    password: str,
    locale: str | None = None,
    timezone: str = "UTC",
) -> Registration:
    """Create an account waiting for email confirmation and send the link.

    When the address already has an account, nothing is created and its owner
    is told by email instead, so the form never reveals who is registered.
    """
    email = normalise_email(email)
    username = validate_username(username)
    display_name = (display_name or "").strip()
    if not 1 <= len(display_name) <= 80:
        raise ValidationError(
            _("Enter a name of 1 to 80 characters."), field="display_name"
        )
    passwords.validate_password(password, email=email, username=username)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise ValidationError(_("This username is taken."), field="username")
    existing = find_user_by_email(email)
    if existing is not None:
        _send_already_registered(existing)
        return Registration(user=None)
    approval = current_app.config["REGISTRATION_MODE"] == "approval"
    user = User(
        email=email,
        username=username,
        display_name=display_name,
        password_hash=passwords.hash_password(password),
        locale=locale,
        timezone=timezone or "UTC",
        status=AccountStatus.PENDING if approval else AccountStatus.ACTIVE,
    )
    db.session.add(user)
    db.session.commit()
    send_confirmation(user)
    return Registration(user=user)


def _send_already_registered(user: User) -> None:
    if user.is_deleted:
        return
    send_template_mail(
        to=user.email,
        locale=user.locale,
        template="already_registered",
        user=user,
        reset_url=url_for("auth.request_reset", _external=True),
    )


def send_confirmation(user: User) -> None:
    """Email the link that confirms the address."""
    token = tokens.make_token(CONFIRM_PURPOSE, {"uid": user.id, "email": user.email})
    send_template_mail(
        to=user.email,
        locale=user.locale,
        template="confirm_email",
        user=user,
        confirm_url=url_for("auth.confirm_email", token=token, _external=True),
    )


def resend_confirmation(email: str) -> None:
    """Send the confirmation link again to an unconfirmed account, if there is one."""
    user = find_user_by_email(email)
    if user is not None and not user.email_confirmed and not user.is_deleted:
        send_confirmation(user)


def confirm_email(token: str) -> User:
    """Mark the address of the token's account as confirmed."""
    payload = tokens.read_token(
        CONFIRM_PURPOSE, token, max_age=current_app.config["EMAIL_TOKEN_MAX_AGE"]
    )
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.is_deleted or user.email != payload.get("email"):
        raise ValidationError(_("This link is not valid or has already been used."))
    if not user.email_confirmed:
        user.email_confirmed_at = utcnow()
        db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    """Return the account for these credentials, or raise LoginRefused."""
    refused = _("Wrong email address or password.")
    user = find_user_by_email(email or "")
    if user is None or user.is_deleted:
        passwords.burn_password_check(password or "")
        raise LoginRefused(refused)
    if not passwords.check_password(user.password_hash, password or ""):
        raise LoginRefused(refused)
    _lift_expired_suspension(user)
    if user.is_suspended:
        raise LoginRefused(_suspension_message(user))
    if not user.email_confirmed:
        raise LoginRefused(
            _("Please confirm your email address first: we sent you a link.")
        )
    if user.status is AccountStatus.PENDING:
        raise LoginRefused(
            _("Your account is waiting for approval by an administrator.")
        )
    user.mark_seen(utcnow())
    db.session.commit()
    return user


def _suspension_message(user: User) -> str:
    reason = user.suspension_reason or _("no reason given")
    if user.suspended_until is None:
        return _("Your account is suspended. Reason: %(reason)s", reason=reason)
    return _(
        "Your account is suspended until %(until)s. Reason: %(reason)s",
        until=format_datetime(user.suspended_until, "medium"),
        reason=reason,
    )


def _lift_expired_suspension(user: User) -> None:
    if user.status is AccountStatus.SUSPENDED and not user.is_suspended:
        user.status = AccountStatus.ACTIVE
        user.suspended_until = None
        user.suspension_reason = ""
        db.session.commit()


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    """Replace the password after checking the current one; ends other sessions."""
    if not passwords.check_password(user.password_hash, current_password or ""):
        raise ValidationError(
            _("Your current password is not correct."), field="current_password"
        )
    passwords.validate_password(new_password, email=user.email, username=user.username)
    _set_password(user, new_password)
    db.session.commit()


def _set_password(user: User, password: str) -> None:
    user.password_hash = passwords.hash_password(password)
    user.session_token = new_session_token()


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account; say nothing either way."""
    user = find_user_by_email(email or "")
    if user is None or user.is_deleted:
        return
    token = tokens.make_token(
        RESET_PURPOSE,
        {"uid": user.id, "state": tokens.fingerprint(user.password_hash)},
    )
    send_template_mail(
        to=user.email,
        locale=user.locale,
        template="reset_password",
        user=user,
        reset_url=url_for("auth.reset_password", token=token, _external=True),
    )


def user_for_reset_token(token: str) -> User:
    """Return the account a reset token is for, or raise ValidationError.

    The token carries a fingerprint of the password hash, so it stops working
    once the password has changed: each link works once.
    """
    payload = tokens.read_token(
        RESET_PURPOSE, token, max_age=current_app.config["RESET_TOKEN_MAX_AGE"]
    )
    user = db.session.get(User, payload.get("uid"))
    valid = (
        user is not None
        and not user.is_deleted
        and payload.get("state") == tokens.fingerprint(user.password_hash)
    )
    if not valid:
        raise ValidationError(_("This link is not valid or has already been used."))
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link then stops working."""
    user = user_for_reset_token(token)
    passwords.validate_password(new_password, email=user.email, username=user.username)
    _set_password(user, new_password)
    # Following the emailed link proves the address too.
    if not user.email_confirmed:
        user.email_confirmed_at = utcnow()
    db.session.commit()
    return user


def create_confirmed_user(
    *,
    email: str,
    display_name: str,
    password: str,
    username: str | None = None,
    password_hash: str | None = None,
    **profile,
) -> User:
    """Create an active account whose address is taken as confirmed (CLI, demo).

    `password_hash` lets a caller that creates many accounts with one password
    (the demo) hash it once; the password is then taken as already checked.
    """
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise ValidationError(
            _("This email address already has an account."), field="email"
        )
    username = validate_username(username or free_username(email.split("@")[0]))
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise ValidationError(_("This username is taken."), field="username")
    if password_hash is None:
        passwords.validate_password(password, email=email, username=username)
        password_hash = passwords.hash_password(password)
    user = User(
        email=email,
        username=username,
        display_name=display_name.strip() or username,
        password_hash=password_hash,
        email_confirmed_at=utcnow(),
        status=AccountStatus.ACTIVE,
        **profile,
    )
    db.session.add(user)
    db.session.commit()
    return user


def free_username(wish: str) -> str:
    """Return `wish` made valid, with a number added if it is taken."""
    base = re.sub(r"[^a-z0-9_.-]", "", wish.lower())[:26].strip("._-") or "member"
    base = base if len(base) >= 3 else f"{base}-member"
    candidate, number = base, 1
    while db.session.scalar(select(User.id).where(User.username == candidate)):
        number += 1
        candidate = f"{base}{number}"
    return candidate
