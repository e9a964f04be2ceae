"""Reading what members were notified of, and making a member follow things."""

from __future__ import annotations

from sqlalchemy import select

from forum.models import Notification, User
from forum.services import following
from tests.factories import fresh_session
from tests.forum.factories import old_member


def notifications_of(user: User) -> list[Notification]:
    """Return the notifications `user` got, oldest first, read afresh."""
    return list(
        fresh_session().scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def received(user: User) -> list[tuple[str, int | None]]:
    """Return (kind, post id) of each notification `user` got, oldest first."""
    return [(row.kind, row.post_id) for row in notifications_of(user)]


def notified_ids() -> set[int]:
    """Return the ids of every member who got any notification."""
    return set(fresh_session().scalars(select(Notification.user_id)))


def follower(*, country: str | None = None, theme: str | None = None, **overrides):
    """Create a member following a country and/or a theme."""
    user = old_member(**overrides)
    if country:
        following.follow(user, country_code=country)
    if theme:
        following.follow(user, theme_slug=theme)
    return user
