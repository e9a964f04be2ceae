"""The JSON API under /api/v1."""

from flask import Blueprint, request

from forum.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)


@bp.before_request
def _csrf_unless_bearer():
    """Require a CSRF token on writes that rely on the session cookie.

    Calls that carry `Authorization: Bearer` cannot be forged by another
    site, so only cookie-authenticated writes need the token.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return
    csrf.protect()


from forum.blueprints.api import views  # noqa: E402,F401
