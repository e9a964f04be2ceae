"""Times as a member types them into a form (UTC, the members' default zone)."""

from __future__ import annotations

from datetime import timedelta

from forum.columns import utcnow


def local_time(days: float) -> str:
    """Return the moment `days` from now as a datetime-local field value."""
    return (utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")
