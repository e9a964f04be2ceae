"""Blueprint registration: one package per area of the site."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from forum.columns import MAX_ID


def digits_up_to(limit: int) -> str:
    """Return a regular expression matching the whole numbers from 0 to `limit`."""
    text = str(limit)
    options = [rf"\d{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for index, digit in enumerate(text):
        if digit != "0":
            rest = len(text) - index - 1
            tail = rf"\d{{{rest}}}" if rest else ""
            options.append(f"{text[:index]}[0-{int(digit) - 1}]{tail}")
    options.append(text)
    return "0*(?:" + "|".join(options) + ")"


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that stops at MAX_ID, so a huge id is a 404, not a database error.

    The bound is in the pattern, not only in `max`: werkzeug checks `max`
    after choosing among a path's rules by method, so PATCH /posts/<huge id>
    would answer 405 (as if only GET existed) where GET answers 404.
    """

    regex = digits_up_to(MAX_ID)

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    """Attach every area of the site to the application."""
    app.url_map.converters["int"] = BoundedIntConverter
    from forum.blueprints import (
        admin,
        api,
        auth,
        feeds,
        forum,
        health,
        library,
        moderation,
        notifications,
        search,
        users,
        workshops,
    )

    app.register_blueprint(forum.bp)
    app.register_blueprint(auth.bp, url_prefix="/auth")
    app.register_blueprint(library.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(users.bp)
    app.register_blueprint(workshops.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(admin.bp, url_prefix="/admin")
    app.register_blueprint(moderation.bp, url_prefix="/mod")
    app.register_blueprint(moderation.member_bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(feeds.bp, url_prefix="/feeds")
    app.register_blueprint(health.bp)
