"""Password rules and hashing."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from forum.errors import ValidationError

PASSWORD_MAX_LENGTH = 200

# The most common passwords seen in public breach lists, lower-cased.
COMMON_PASSWORDS = frozenset(
    """
    1234567890 12345678910 123456789a 1q2w3e4r5t 1qaz2wsx3edc 0123456789
    qwertyuiop qwerty1234 qwerty12345 azertyuiop password01 password12
    password123 password1234 passw0rd123 iloveyou123 motdepasse motdepasse1
    motdepasse123 contrasena contrasena1 contraseña password1! administrator
    welcome123 welcome1234 letmein123 football123 1111111111 0000000000
    abcdefghij abcd123456 changeme123 secret1234 trustno1234 superman123
    """.split()
)


def validate_password(password: str, *, email: str = "", username: str = "") -> None:
    """Raise ValidationError when a password is too weak or too long."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise ValidationError(
            _("Use at least %(n)d characters.", n=minimum), field="password"
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ValidationError(
            _("Use at most %(n)d characters.", n=PASSWORD_MAX_LENGTH),
            field="password",
        )
    lowered = password.lower()
    too_plain = (
        lowered in COMMON_PASSWORDS
        or len(set(lowered)) < 4
        or (email and lowered == email.lower())
        or (email and lowered == email.split("@")[0].lower())
        or (username and lowered == username.lower())
    )
    if too_plain:
        raise ValidationError(
            _("This password is too easy to guess. Try a short sentence."),
            field="password",
        )


def hash_password(password: str) -> str:
    """Hash a password with scrypt."""
    return generate_password_hash(password, method="scrypt")


def check_password(password_hash: str, password: str) -> bool:
    """Say whether `password` matches the stored hash."""
    return check_password_hash(password_hash, password)


# A valid hash of a random string, checked when no account matches, so that
# a missing account takes as long to refuse as a wrong password.
_DUMMY_HASH: list[str] = []


def burn_password_check(password: str) -> None:
    """Spend the time of one password check against nothing."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("no account has this password"))
    check_password_hash(_DUMMY_HASH[0], password)
