"""Abuse limits on posting, shared by pages, API and any other entry point."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from limits import parse
from sqlalchemy import select

from forum.columns import utcnow
from forum.errors import ForumError, ValidationError
from forum.extensions import db, limiter
from forum.models import Post, User

DUPLICATE_WINDOW = timedelta(minutes=1)


class RateLimited(ForumError):
    status = 429
    code = "rate_limited"

    def default_message(self) -> str:
        return _("You are posting too fast. Please wait a little and try again.")


def _is_new_account(user: User) -> bool:
    days = current_app.config["NEW_ACCOUNT_DAYS"]
    return user.created_at > utcnow() - timedelta(days=days)


def check_rate(user: User, action: str) -> None:
    """Count one `action` ("threads" or "replies") for `user`, or raise RateLimited.

    Moderators are not limited. New accounts get the stricter limit. The count
    lives in the limiter's storage (Redis when configured), so every worker
    shares it.
    """
    if user.is_moderator or not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    key = f"RATELIMIT_{action.upper()}"
    if _is_new_account(user):
        key += "_NEW_ACCOUNT"
    if not within_limit(current_app.config[key], "posting", action, str(user.id)):
        raise RateLimited()


def within_limit(limit: str, *keys: str) -> bool:
    """Count one hit of `limit` ("20 per minute") for `keys`; say if it is within.

    When the limiter's storage (Redis) does not answer, the hit is not counted
    and the action goes ahead: an outage must not stop every member posting.
    """
    try:
        return limiter.limiter.hit(parse(limit), *keys)
    except limiter.storage.base_exceptions as error:
        current_app.logger.warning(
            "Rate limit storage unreachable, %s not counted: %s", keys[0], error
        )
        return True


def check_not_duplicate(user: User, body: str) -> None:
    """Refuse the same body posted twice by one member within a minute."""
    since = utcnow() - DUPLICATE_WINDOW
    repeated = db.session.scalar(
        select(Post.id)
        .where(
            Post.author_id == user.id,
            Post.created_at >= since,
            Post.body_markdown == body,
        )
        .limit(1)
    )
    if repeated is not None:
        raise ValidationError(
            _("You posted exactly this a moment ago. It is there already."),
            field="body",
        )
