"""The forum: home page, countries and themes."""

from flask import Blueprint

bp = Blueprint("forum", __name__)

from forum.blueprints.forum import views  # noqa: E402,F401
