"""Workshops made through the services."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from forum.columns import utcnow
from forum.models import User, Workshop
from forum.services import workshops
from tests.factories import make_user

_numbers = count(1)


def workshop_data(*, starts_in: timedelta = timedelta(minutes=10), **overrides) -> dict:
    """Return valid workshop input starting `starts_in` from now, lasting 2 hours."""
    start = utcnow() + starts_in
    data = {
        "title": f"Workshop {next(_numbers)}: public procurement and cooperatives",
        "description": "Regional councils meet **social cooperatives**.",
        "country": "TN",
        "themes": ["public-procurement-partnerships"],
        "language": ["fr", "ar"],
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "access": "open",
    }
    data.update(overrides)
    return data


def make_workshop(organiser: User | None = None, **overrides) -> Workshop:
    """Schedule a workshop (by default open, starting in ten minutes)."""
    organiser = organiser or make_user(can_organise=True)
    return workshops.create_workshop(organiser, workshop_data(**overrides))
