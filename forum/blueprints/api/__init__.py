"""The JSON API under /api/v1."""

from flask import Blueprint, request
from flask_login import current_user

from forum.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)


@bp.before_request
def _csrf_unless_bearer():
    """Require a CSRF token on writes that rely on the session cookie.

    Calls that carry `Authorization: Bearer` cannot be forged by another
    site, so only cookie-authenticated writes need the token. A call with no
    credentials at all has nothing to forge: it gets the 401 of the endpoint.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return
    if not current_user.is_authenticated:
        return
    csrf.protect()


from forum.blueprints.api import (  # noqa: E402,F401
    moderation,
    practices,
    search,
    threads,
    views,
    workshops,
)
