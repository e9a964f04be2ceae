"""Full-text search over practices, threads and posts, in pure Whoosh.

No Flask or SQLAlchemy here: the service layer maps records to `Document`s and
calls this package after each commit. The index can always be rebuilt from
the database.

    index = SearchIndex("instance/search-index")
    index.add([Document(kind="thread", record_id=1, title=..., body=..., ...)])
    results = index.search('economie "circuits courts" -tourisme',
                           filters={"country": "TN"})
"""

from search_index.analysis import STEMMERS, folding_analyzer, language_analyzer
from search_index.engine import (
    Document,
    Hit,
    IndexBusy,
    IndexCorrupt,
    QuerySyntaxError,
    Results,
    SearchIndex,
    doc_id,
)
from search_index.schema import FACETS, KINDS

__all__ = [
    "FACETS",
    "KINDS",
    "STEMMERS",
    "Document",
    "Hit",
    "IndexBusy",
    "IndexCorrupt",
    "QuerySyntaxError",
    "Results",
    "SearchIndex",
    "doc_id",
    "folding_analyzer",
    "language_analyzer",
]
