"""API endpoint of the site-wide search: the same search as the page, in JSON."""

from __future__ import annotations

from flask import jsonify, request

from forum.blueprints.api import bp
from forum.blueprints.api.serialise import search_result_dict
from forum.services import site_search
from forum.services.site_search import FILTERS, BadQuery


@bp.get("/search")
def search():
    """Search practices, threads and posts; facets count each filter's values."""
    params = site_search.read_params(request.args, strict=True)
    outcome = site_search.run_search(params, external=True)
    if outcome.problem:
        raise BadQuery(outcome.problem)
    return jsonify(
        total=outcome.total,
        page=params.page,
        pages=outcome.pages,
        per_page=params.per_page,
        results=[search_result_dict(result) for result in outcome.results],
        facets={name: outcome.counts(name) for name in ("type", *FILTERS)},
        suggestion=outcome.suggestion,
    )
