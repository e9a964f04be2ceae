"""Moderation: the queue, the log, and the forms that act on threads and posts.

`bp` (under /mod) is for moderators only; `member_bp` holds the page where
any member flags a post.
"""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
member_bp = Blueprint("flags", __name__)

from forum.blueprints.moderation import views  # noqa: E402,F401
