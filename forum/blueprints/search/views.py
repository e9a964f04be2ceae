"""The search page: one box, a type filter, facets, sorted and paged results."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from forum.blueprints.search import bp
from forum.i18n import SPOKEN_LANGUAGES
from forum.labels import ACTOR_TYPE_LABELS, PROJECT_STATUS_LABELS
from forum.models import ActorType, ProjectStatus
from forum.services import site_search
from forum.services.site_search import SearchParams, SearchUnavailable
from forum.templating import country_name, theme_name

KIND_LABELS = {
    "practice": _l("Good practice"),
    "thread": _l("Discussion"),
    "post": _l("Reply"),
}
TYPE_LABELS = {
    "all": _l("Everything"),
    "practice": _l("Good practices"),
    "thread": _l("Discussions"),
    "post": _l("Replies"),
}
FACET_TITLES = {
    "country": _l("Country"),
    "theme": _l("Theme"),
    "actor_type": _l("Actors involved"),
    "lang": _l("Language"),
    "year": _l("Start year"),
    "status": _l("Project status"),
}
ACTOR_TYPES = {kind.value for kind in ActorType}
PROJECT_STATUSES = {status.value for status in ProjectStatus}
# Facets list this many values, then the others under "more".
FACET_SHOWN = 8


def facet_label(name: str, value: str) -> str:
    """Return what a facet value is called in the page's language."""
    if name == "country":
        return country_name(value)
    if name == "theme":
        return theme_name(value)
    if name == "actor_type" and value in ACTOR_TYPES:
        return str(ACTOR_TYPE_LABELS[ActorType(value)])
    if name == "lang":
        return SPOKEN_LANGUAGES.get(value, value)
    if name == "status" and value in PROJECT_STATUSES:
        return str(PROJECT_STATUS_LABELS[ProjectStatus(value)])
    if name == "type":
        return str(TYPE_LABELS.get(value, value))
    return value


def feed_arguments(params: SearchParams) -> dict:
    """Return the practices feed that matches the filters, if one does."""
    countries, themes = params.filters["country"], params.filters["theme"]
    where = {}
    if len(countries) == 1:
        where["code"] = countries[0]
    if len(themes) == 1:
        where["slug"] = themes[0]
    return where


@bp.context_processor
def _search_helpers():
    return {
        "facet_label": facet_label,
        "facet_titles": FACET_TITLES,
        "kind_labels": KIND_LABELS,
        "type_labels": TYPE_LABELS,
        "facet_shown": FACET_SHOWN,
        "query_max": site_search.QUERY_MAX,
    }


@bp.errorhandler(SearchUnavailable)
def _unavailable(error: SearchUnavailable):
    return render_template("search/unavailable.html", message=error.message), 503


@bp.route("/search")
def search_page():
    """Search practices, discussions and replies across the site."""
    params = site_search.read_params(request.args)
    outcome = site_search.run_search(params)
    latest = site_search.latest_practices() if params.is_empty else []
    return render_template(
        "search/results.html",
        params=params,
        outcome=outcome,
        latest=latest,
        feed=feed_arguments(params),
    )
