"""Public profiles and each member's settings."""

from flask import Blueprint

bp = Blueprint("users", __name__)

from forum.blueprints.users import views  # noqa: E402,F401
