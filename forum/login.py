"""Who is asking: session logins for pages, bearer tokens for the API."""

from __future__ import annotations

from flask import Flask, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, current_user

from forum.columns import utcnow
from forum.errors import error_response, wants_json
from forum.extensions import db, login_manager
from forum.models import User
from forum.services.api_tokens import user_for_api_token


class Visitor(AnonymousUserMixin):
    """Someone not logged in."""

    is_admin = False
    is_moderator = False
    is_global_moderator = False
    locale = None
    timezone = None

    def moderates(self, country_code, theme_slugs=()) -> bool:
        return False


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Return the logged-in member, unless their session has been ended."""
    user_id, _, token = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_token != token or not user.can_log_in:
        return None
    return user


@login_manager.request_loader
def load_user_from_token(req) -> User | None:
    """Log an API call in by its `Authorization: Bearer` token."""
    header = req.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not req.path.startswith("/api/"):
        return None
    return user_for_api_token(secret.strip())


@login_manager.unauthorized_handler
def unauthorized():
    """Send visitors to the login page, or answer 401 in JSON under /api."""
    if wants_json():
        return error_response(401, "unauthorized", str(_l("Authentication required.")))
    flash(_l("Please log in to see this page."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _touch_last_seen() -> None:
    if not current_user.is_authenticated:
        return
    now = utcnow()
    seen = current_user.last_seen_at
    if seen is None or (now - seen).total_seconds() > 300:
        current_user.mark_seen(now)
        db.session.commit()


def init_app(app: Flask) -> None:
    """Bind Flask-Login."""
    login_manager.init_app(app)
    login_manager.anonymous_user = Visitor
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    app.before_request(_touch_last_seen)
