"""Personal API tokens: created, listed, revoked, and checked on each API call."""

from __future__ import annotations

import hashlib
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from forum.columns import utcnow
from forum.errors import NotFound, ValidationError
from forum.extensions import db
from forum.models import ApiToken, User

TOKEN_PREFIX = "agora_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown only once."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 80:
        raise ValidationError(_("Name the token in 1 to 80 characters."), field="name")
    if not user.can_log_in:
        raise ValidationError(_("This account cannot use the API."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name, token_hash=_digest(secret), prefix=secret[:12]
    )
    db.session.add(token)
    db.session.commit()
    return token, secret


def list_api_tokens(user: User) -> list[ApiToken]:
    """Return the member's tokens that still work, newest first."""
    query = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def revoke_api_token(user: User, token_id: int) -> None:
    """Revoke one of the member's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.is_revoked:
        raise NotFound(_("There is no such token."))
    token.revoked_at = utcnow()
    db.session.commit()


def user_for_api_token(secret: str) -> User | None:
    """Return the account a token belongs to, if the token is valid and in use."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _digest(secret))
    )
    if token is None or token.is_revoked or not token.user.can_log_in:
        return None
    now = utcnow()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        token.last_used_at = now
        db.session.commit()
    return token.user
