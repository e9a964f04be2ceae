"""Exporting the practices a search finds, as rows for CSV and JSON."""

from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _
from sqlalchemy import select

from forum.extensions import db
from forum.models import ActorType, Practice
from forum.services.adoptions import adoption_counts
from forum.services.site_search import (
    EXPORT_MAX,
    BadQuery,
    SearchParams,
    index_search,
    page_url,
)
from forum.services.visibility import public_practices
from search_index import QuerySyntaxError


def export_practices(params: SearchParams) -> list[dict]:
    """Return the practices a search finds (up to EXPORT_MAX), as plain rows."""
    params = replace(params, kind="practice")
    try:
        found = index_search(
            params.text,
            filters=params.index_filters(),
            sort=params.sort,
            per_page=EXPORT_MAX,
            facets=(),
            snippets=False,
        )
    except QuerySyntaxError:
        raise BadQuery(_("We could not understand this query.")) from None
    ids = [hit.record_id for hit in found.hits]
    by_id: dict[int, Practice] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(Practice).where(Practice.id.in_(chunk), public_practices())
        by_id.update((p.id, p) for p in db.session.scalars(query))
    practices = [by_id[i] for i in ids if i in by_id]
    adoptions: dict[int, int] = {}
    for start in range(0, len(practices), 500):
        adoptions.update(adoption_counts(practices[start : start + 500]))
    return [_row(practice, adoptions.get(practice.id, 0)) for practice in practices]


def _row(practice: Practice, adoptions: int) -> dict:
    known = {kind.value for kind in ActorType}
    published = practice.published_at
    return {
        "id": practice.id,
        "title": practice.title,
        "url": page_url("practice", practice.id, external=True),
        "summary": practice.summary,
        "country": practice.country_code,
        "place": practice.place,
        "themes": practice.theme_slugs,
        "actor_types": [t for t in practice.actor_types or [] if t in known],
        "language": practice.language,
        "start_year": practice.start_year,
        "end_year": practice.end_year,
        "status": str(practice.project_status),
        "organisation": practice.organisation,
        "published_at": published.isoformat() if published else None,
        "adoptions": adoptions,
    }
