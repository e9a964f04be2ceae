"""Permission checks shared by every service."""

from __future__ import annotations

from flask_babel import gettext as _

from forum.errors import PermissionDenied
from forum.models import User


def require_admin(actor: User | None) -> None:
    """Raise PermissionDenied unless `actor` is an administrator."""
    if actor is None or not actor.is_admin:
        raise PermissionDenied(_("Only administrators can do this."))


def require_moderator(actor: User | None) -> None:
    """Raise PermissionDenied unless `actor` moderates somewhere (or is an admin)."""
    if actor is None or not actor.is_moderator:
        raise PermissionDenied(_("Only moderators can do this."))


def require_scope(actor: User | None, country_code: str | None, theme_slugs=()) -> None:
    """Raise PermissionDenied unless `actor` moderates that country or theme."""
    if actor is None or not actor.moderates(country_code, theme_slugs):
        raise PermissionDenied(_("This is outside the area you moderate."))
