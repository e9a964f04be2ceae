"""The library of good practices: reading, writing, reviewing, adopting."""

from flask import Blueprint

bp = Blueprint("library", __name__)

from forum.blueprints.library import files, review, views, writing  # noqa: E402,F401
