"""The fast search path gives Whoosh's own results: totals, order, scores, facets.

search_index.evaluation counts and ranks with bitsets and cached postings;
these tests check it against Whoosh's collectors on a small index written in
several segments, with deletions, in the languages the analysers know.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from whoosh import sorting

from search_index import Document, SearchIndex
from search_index.engine import _filter_query
from search_index.schema import FACETS

SENTENCES = [
    ("en", "Cooperative olive oil mills share a press and sell to shops."),
    ("en", "The municipality reserved cleaning contracts for social cooperatives."),
    ("fr", "Les coopératives d'huile d'olive partagent un pressoir à Sfax."),
    ("fr", "La mairie réserve des marchés de nettoyage aux entreprises d'insertion."),
    ("es", "Las cooperativas de aceite de oliva comparten una almazara."),
    ("it", "Le cooperative sociali gestiscono il frantoio del comune."),
    ("ar", "تتقاسم تعاونيات زيت الزيتون معصرة واحدة في صفاقس."),
    ("ar", "خصّصت البلدية صفقات التنظيف للتعاونيات الاجتماعية."),
]
COUNTRIES = ["TN", "FR", "ES", "IT", "MA", "JO"]
THEMES = ["agriculture-food", "social-finance", "employment-inclusion"]

QUERIES = [
    "cooperative",
    "olive oil",
    "coopérative",
    "cooperatives -municipality",
    "olive OR contracts",
    '"olive oil"',
    "زيت الزيتون",
    "coop*",
    "title:cooperative",
    "NOT olive",
    "",
]


def documents(count: int, start: int = 0) -> list[Document]:
    made = []
    for number in range(start, start + count):
        language, sentence = SENTENCES[number % len(SENTENCES)]
        made.append(
            Document(
                kind=("practice", "thread", "post")[number % 3],
                record_id=number,
                title=f"{sentence.split()[1]} {number}",
                body=sentence + (" Solidarity." * (number % 4)),
                url=f"/things/{number}",
                language=language,
                country=COUNTRIES[number % len(COUNTRIES)],
                themes=THEMES[: 1 + number % 3],
                actor_types=["sse_enterprise"] if number % 2 else [],
                status="ongoing" if number % 5 else "completed",
                year=2010 + number % 7 if number % 3 == 0 else None,
                date=datetime(2024, 1 + number % 12, 1 + number % 28),
            )
        )
    return made


@pytest.fixture
def index(tmp_path) -> SearchIndex:
    """An index of three segments, with deletions in the first one."""
    search_index = SearchIndex(tmp_path / "index")
    search_index.add(documents(60))
    search_index.add(documents(50, start=60))
    search_index.add(documents(40, start=110))
    search_index.delete([f"thread:{n}" for n in range(1, 40, 3)])
    return search_index


def whoosh_search(index: SearchIndex, text: str, filters: dict, page: int = 1):
    """Search with Whoosh's own collectors and facets (the reference)."""
    parsed = index.parse(text)
    options = {
        "filter": _filter_query(filters),
        "groupedby": {
            name: sorting.FieldFacet(
                name, allow_overlap=name in ("themes", "actor_types")
            )
            for name in FACETS
        },
        "maptype": sorting.Count,
    }
    with index._index.searcher() as searcher:
        results = searcher.search_page(parsed, page, pagelen=10, **options)
        hits = [(hit["doc_id"], round(hit.score, 9)) for hit in results]
        facets = {}
        for name in FACETS:
            groups = results.results.groups(name)
            facets[name] = {
                str(key).upper() if name == "country" else str(key): count
                for key, count in groups.items()
                # Whoosh counts documents without a year under the column's
                # default (2**31 - 1); the engine leaves them out.
                if key not in (None, "", 2**31 - 1)
            }
        return results.total, hits, facets


@pytest.mark.parametrize("text", [q for q in QUERIES if q])
@pytest.mark.parametrize(
    "filters", [{}, {"country": "TN"}, {"kind": "practice", "themes": "social-finance"}]
)
def test_same_results_as_whoosh(index, text, filters):
    total, hits, facets = whoosh_search(index, text, filters)
    for page in (1, 2):
        found = index.search(text, filters=filters, per_page=10, page=page)
        if page == 1:
            assert found.total == total
            assert [(hit.doc_id, round(hit.score, 9)) for hit in found.hits] == hits
            assert found.facets == {
                name: dict(sorted(counts.items(), key=lambda i: (-i[1], i[0])))
                for name, counts in facets.items()
            }
        else:
            assert [(h.doc_id, round(h.score, 9)) for h in found.hits] == (
                whoosh_search(index, text, filters, page=2)[1]
            )


def test_empty_query_lists_newest_first(index):
    found = index.search("", filters={"country": "TN"}, per_page=200)
    dates = [hit.date for hit in found.hits]
    assert dates == sorted(dates, reverse=True)
    assert found.total == whoosh_search(index, "", {"country": "TN"})[0]


def test_writes_are_seen_by_the_next_search(index):
    assert index.search("halloumi").total == 0
    index.add(
        [Document("post", 999, "Cheese", "Halloumi from Cyprus.", "/p/999", "en")]
    )
    assert index.search("halloumi").total == 1
    index.delete(["post:999"])
    assert index.search("halloumi").total == 0
    # Deleting from an old, already cached segment is seen too.
    before = index.search("olive").total
    index.delete(["practice:0"])
    assert index.search("olive").total == before - 1


def test_page_past_the_end_shows_the_last_page(index):
    last = index.search("cooperative", per_page=10, page=999)
    assert last.page == 999 and last.hits
    assert last.hits == index.search("cooperative", per_page=10, page=last.pages).hits


def _phrase_matchers_opened(index, monkeypatch, text: str) -> int:
    from whoosh.query import Phrase

    opened = []
    original = Phrase.matcher

    def counting(self, searcher, context=None):
        opened.append(self.fieldname)
        return original(self, searcher, context)

    monkeypatch.setattr(Phrase, "matcher", counting)
    index.search(text)
    monkeypatch.setattr(Phrase, "matcher", original)
    return len(opened)


def test_a_repeated_phrase_is_answered_from_what_was_kept(index, monkeypatch):
    first = index.search('"olive oil"')
    assert _phrase_matchers_opened(index, monkeypatch, '"olive oil"') == 0
    assert index.search('"olive oil"').total == first.total > 0


def test_kept_phrases_stay_within_their_memory_the_oldest_going_first(
    index, monkeypatch
):
    from search_index import evaluation

    index.search('"olive oil"')
    index.search('"social cooperatives"')
    kept = index._cache._generic_bytes
    assert kept > 0
    # Room for about one phrase: the older one goes, the newer one stays.
    monkeypatch.setattr(evaluation, "MAX_CACHED_OTHER_BYTES", kept // 2)
    index.search('"cleaning contracts"')
    assert index._cache._generic_bytes <= kept // 2 or len(index._cache._generic) == 1
    assert _phrase_matchers_opened(index, monkeypatch, '"cleaning contracts"') == 0
    assert _phrase_matchers_opened(index, monkeypatch, '"olive oil"') > 0
