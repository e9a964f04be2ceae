"""Atom feeds: new threads and practices by country and theme; a thread's posts."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _

from forum.blueprints.api.inputs import ID
from forum.blueprints.feeds import bp
from forum.blueprints.feeds.entries import (
    newest_updated,
    post_entries,
    practice_entries,
    thread_entries,
    xml_text,
)
from forum.i18n import current_locale_code
from forum.services import reference, threads

ATOM = "application/atom+xml"


def _atom(*, title: str, **feed) -> Response:
    # The feed's title may be a thread's title, as written by a member.
    body = render_template(
        "feeds/feed.xml", self_url=request.url, title=xml_text(title), **feed
    )
    return Response(body, mimetype=ATOM)


@bp.route("/c/<code>.atom")
@bp.route("/t/<slug>.atom")
@bp.route("/c/<code>/t/<slug>.atom")
def threads_feed(code: str | None = None, slug: str | None = None):
    """Publish the newest public threads of a country, a theme, or both."""
    locale = current_locale_code()
    country = reference.get_country(code) if code else None
    theme = reference.get_theme(slug) if slug else None
    place = " · ".join(
        item.name_in(locale) for item in (country, theme) if item is not None
    )
    where = {
        "code": country.code if country else None,
        "slug": theme.slug if theme else None,
    }
    entries = thread_entries(where["code"], where["slug"])
    return _atom(
        feed_id=url_for("feeds.threads_feed", **where, _external=True),
        title=_("%(place)s: new discussions", place=place),
        page_url=url_for("forum.list_threads", **where, _external=True),
        updated=newest_updated(entries),
        entries=entries,
    )


@bp.route(f"/threads/<{ID}:thread_id>.atom")
def thread_feed(thread_id: int):
    """Publish a public thread's public posts, newest first."""
    # No viewer: only a thread everyone may see has a feed.
    thread = threads.get_thread(None, thread_id)
    entries = post_entries(thread)
    return _atom(
        feed_id=url_for("feeds.thread_feed", thread_id=thread.id, _external=True),
        title=thread.title,
        page_url=url_for("forum.view_thread", thread_id=thread.id, _external=True),
        updated=newest_updated(entries, thread.last_activity_at),
        entries=entries,
        language=thread.language,
    )


@bp.route("/practices.atom")
@bp.route("/practices/c/<code>.atom")
@bp.route("/practices/t/<slug>.atom")
@bp.route("/practices/c/<code>/t/<slug>.atom")
def practices_feed(code: str | None = None, slug: str | None = None):
    """Publish the newest published practices, of a country, a theme, or both."""
    # ?country= and ?theme= work too, as the library's filters write them.
    code = code or request.args.get("country") or None
    slug = slug or request.args.get("theme") or None
    country = reference.get_country(code) if code else None
    theme = reference.get_theme(slug) if slug else None
    locale = current_locale_code()
    place = " · ".join(
        item.name_in(locale) for item in (country, theme) if item is not None
    )
    where = {
        "code": country.code if country else None,
        "slug": theme.slug if theme else None,
    }
    entries = practice_entries(where["code"], where["slug"])
    listing = {"country": where["code"], "theme": where["slug"]}
    return _atom(
        feed_id=url_for("feeds.practices_feed", **where, _external=True),
        title=_("%(place)s: new good practices", place=place)
        if place
        else _("New good practices"),
        page_url=url_for("library.index", **listing, _external=True),
        updated=newest_updated(entries),
        entries=entries,
    )
