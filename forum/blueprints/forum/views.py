"""Forum pages."""

from __future__ import annotations

from flask import render_template

from forum.blueprints.forum import bp
from forum.services import reference


@bp.route("/")
def index():
    """Show the home page: the countries and themes of the network."""
    return render_template(
        "forum/index.html",
        countries=reference.list_countries(),
        themes=reference.list_themes(),
    )
