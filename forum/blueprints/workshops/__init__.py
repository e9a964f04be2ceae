"""Live workshops: schedule, registration, rooms (pages here, sockets in events)."""

from flask import Blueprint

bp = Blueprint("workshops", __name__)

from forum.blueprints.workshops import events, outcomes, views  # noqa: E402,F401
