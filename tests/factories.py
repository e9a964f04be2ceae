"""Plain functions that create records for tests."""

from __future__ import annotations

from functools import cache

from forum.columns import utcnow
from forum.extensions import db
from forum.models import AccountStatus, Role, User
from forum.services.passwords import hash_password

DEFAULT_PASSWORD = "olive trees by the sea"


@cache
def _hash(password: str) -> str:
    # scrypt is slow on purpose; hash each test password once per run.
    return hash_password(password)


_counter = iter(range(1, 10**9))


def make_user(
    *, password: str = DEFAULT_PASSWORD, role: str = "member", **overrides
) -> User:
    """Create a confirmed, active member (override any column)."""
    number = next(_counter)
    values = {
        "username": f"member{number}",
        "email": f"member{number}@example.org",
        "display_name": f"Member {number}",
        "password_hash": _hash(password),
        "email_confirmed_at": utcnow(),
        "status": AccountStatus.ACTIVE,
        "role": Role(role),
        "moderates_everywhere": role == "moderator"
        and not overrides.get("scope_countries")
        and not overrides.get("scope_themes"),
    }
    values.update(overrides)
    user = User(**values)
    db.session.add(user)
    db.session.commit()
    return user


def reload(record):
    """Return `record` read again: requests commit through their own session."""
    db.session.refresh(record)
    return record


def fresh_session():
    """Forget what the test's session holds, so that queries read current rows."""
    db.session.expire_all()
    return db.session
