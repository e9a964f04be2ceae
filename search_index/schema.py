"""The fields of the index."""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from search_index.analysis import STEMMERS, folding_analyzer, language_analyzer

KINDS = ("practice", "thread", "post")
FACETS = ("kind", "country", "themes", "actor_types", "language", "year", "status")


def content_field(language: str) -> str:
    """Return the name of the stemmed field for `language`."""
    return f"content_{language}"


def build_schema() -> Schema:
    """Return the schema: neutral fields, one stemmed field per language, facets."""
    fields = {
        "doc_id": ID(stored=True, unique=True),
        "kind": ID(stored=True),
        "record_id": STORED(),
        "url": STORED(),
        # The title shown with a result; a post shows its thread's title, but
        # only a thread's own title is searched (else every reply would match).
        "heading": STORED(),
        "title": TEXT(analyzer=folding_analyzer(), field_boost=3.0),
        "content": TEXT(analyzer=folding_analyzer(), spelling=True),
        "excerpt": STORED(),
        "language": ID(stored=True),
        "country": KEYWORD(stored=True, lowercase=True, commas=True),
        "themes": KEYWORD(stored=True, lowercase=True, commas=True),
        "actor_types": KEYWORD(stored=True, lowercase=True, commas=True),
        "status": ID(stored=True),
        "year": NUMERIC(stored=True, sortable=True),
        "date": DATETIME(stored=True, sortable=True),
    }
    for language in STEMMERS:
        fields[content_field(language)] = TEXT(
            analyzer=language_analyzer(language), field_boost=1.5
        )
    return Schema(**fields)
