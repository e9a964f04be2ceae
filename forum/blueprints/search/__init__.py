"""The site-wide search page and its exports."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from forum.blueprints.search import exports, views  # noqa: E402,F401
