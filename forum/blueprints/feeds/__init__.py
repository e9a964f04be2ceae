"""Atom feeds of the forum: per country, theme, both, and per thread."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)

from forum.blueprints.feeds import views  # noqa: E402,F401
