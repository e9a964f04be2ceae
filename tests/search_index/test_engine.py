"""The search index: real sentences in several languages, filters, facets, safety."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from datetime import datetime

import psycopg
import pytest

from search_index import (
    Document,
    IndexBusy,
    IndexCorrupt,
    QuerySyntaxError,
    SearchIndex,
)
from search_index.postgres import PostgresSearchIndex
from tests.search_index.backends import index_database
from tests.services_available import requires_postgres

DOCUMENTS = [
    Document(
        "practice", 1,
        "Microcrédit pour les coopératives de femmes à Kairouan",
        "L'économie sociale et solidaire aide les coopératives féminines de "
        "Kairouan à obtenir des prêts sans garantie.",
        "/practices/1", "fr", "TN", ["social-finance", "women-youth-entrepreneurship"],
        ["sse_enterprise"], "completed", 2019, datetime(2020, 1, 10),
    ),
    Document(
        "thread", 2,
        "Social clauses in public procurement",
        "Barcelona reserved contracts for social enterprises and cooperatives "
        "that employ people far from work.",
        "/threads/2", "en", "ES", ["public-procurement-partnerships"],
        date=datetime(2024, 5, 1),
    ),
    Document(
        "post", 3,
        "التعاونيات النسائية في القيروان",
        "الاقتصادُ الاجتماعيّ والتضامني يدعم التعاونيـــات النسائية بالقروض الصغيرة.",
        "/posts/3", "ar", "TN", ["social-finance"], date=datetime(2024, 6, 1),
    ),
    Document(
        "practice", 4,
        "Comunità energetiche in Puglia",
        "Le cooperative energetiche di comunità producono energia solare per "
        "le famiglie e i comuni.",
        "/practices/4", "it", "IT", ["renewable-energy"],
        ["sse_enterprise", "public_administration"], "ongoing", 2021,
        datetime(2022, 3, 1),
    ),
    Document(
        "practice", 5,
        "Cooperativas de habitação em Lisboa",
        "A habitação cooperativa oferece casas a preços justos a famílias jovens.",
        "/practices/5", "pt", "PT", ["governance-cooperatives"], ["sse_enterprise"],
        "ongoing", 2018, datetime(2019, 4, 2),
    ),
    Document(
        "thread", 6,
        "Συνεταιρισμοί ελαιολάδου στην Κρήτη",
        "Η κοινωνική οικονομία στηρίζει τους μικρούς παραγωγούς ελαιολάδου.",
        "/threads/6", "el", "GR", ["agriculture-food"], date=datetime(2023, 9, 9),
    ),
    Document(
        "practice", 7,
        "Cláusulas sociales en la contratación pública de Valencia",
        "El ayuntamiento reserva contratos a las empresas de inserción.",
        "/practices/7", "es", "ES", ["public-procurement-partnerships"],
        ["public_administration"], "completed", 2017, datetime(2018, 2, 2),
    ),
]  # fmt: skip


@pytest.fixture
def index(make_index) -> SearchIndex:
    search_index = make_index()
    search_index.add(DOCUMENTS)
    return search_index


def found(results) -> list[str]:
    return [hit.doc_id for hit in results.hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("economie solidaire", "practice:1"),  # no accents, French
        ("coopérative féminine", "practice:1"),  # singular finds plural
        ("prets", "practice:1"),
        ("اقتصاد", "post:3"),  # without the article
        ("تعاونية", "post:3"),  # singular finds the plural
        ("القروض", "post:3"),
        ("الاقتصادُ الاجتماعيّ", "post:3"),  # with vowel marks
        ("comunita energetica", "practice:4"),
        ("habitacao", "practice:5"),  # Portuguese without accents
        ("οικονομια", "thread:6"),  # Greek without accents
        ("ελαιόλαδο", "thread:6"),
        ("contratacion publica", "practice:7"),
        ("procurement", "thread:2"),
    ],
)
def test_query_finds_documents_in_their_language(index, query, expected):
    assert expected in found(index.search(query))


def test_one_query_finds_documents_in_every_language(index):
    # Each language's stemmer analyses the query: one word matches the
    # Italian plural and the Portuguese singular and plural.
    assert {"practice:4", "practice:5"} <= set(found(index.search("cooperativa")))
    mixed = index.search("solidaire OR التعاونيات OR energetica OR οικονομία")
    assert {"practice:1", "post:3", "practice:4", "thread:6"} <= set(found(mixed))


def test_phrase_or_minus_and_field_prefixes(index):
    assert found(index.search('"reserved contracts"')) == ["thread:2"]
    assert found(index.search('"contracts reserved"')) == []
    assert set(found(index.search("Valencia OR Barcelona"))) == {
        "thread:2",
        "practice:7",
    }
    assert "thread:2" not in found(index.search("social -barcelona"))
    assert found(index.search("title:kairouan")) == ["practice:1"]
    assert set(found(index.search("country:tn"))) == {"practice:1", "post:3"}
    assert set(found(index.search("theme:social-finance"))) == {"practice:1", "post:3"}


def test_filters_facets_and_their_combination(index):
    results = index.search("", filters={"country": "ES"})
    assert set(found(results)) == {"thread:2", "practice:7"}
    assert results.facets["kind"] == {"practice": 1, "thread": 1}
    combined = index.search("", filters={"country": "ES", "kind": "practice"})
    assert found(combined) == ["practice:7"]
    assert combined.facets["actor_types"] == {"public_administration": 1}
    themes = index.search(
        "", filters={"themes": ["social-finance", "renewable-energy"]}
    )
    assert set(found(themes)) == {"practice:1", "post:3", "practice:4"}
    assert index.search("", filters={"year": 2021}).total == 1


def test_facet_counts_cover_all_matches_not_just_the_page(index):
    results = index.search("", per_page=2)
    assert len(results.hits) == 2
    assert sum(results.facets["kind"].values()) == len(DOCUMENTS)
    assert results.facets["country"]["TN"] == 2


def test_sort_by_date_and_pagination(index):
    newest = index.search("", sort="date", per_page=3)
    assert found(newest) == ["post:3", "thread:2", "thread:6"]
    assert newest.pages == 3
    assert found(index.search("", sort="date", per_page=3, page=3)) == ["practice:7"]


def test_a_page_past_the_end_shows_the_last_page(index):
    past = index.search("", sort="date", per_page=3, page=99)
    assert found(past) == ["practice:7"]
    assert past.total == len(DOCUMENTS)
    by_rank = index.search("cooperative", per_page=1, page=99)
    assert len(by_rank.hits) == 1
    assert by_rank.hits[0].doc_id == found(index.search("cooperative"))[-1]


def test_snippets_mark_matches_and_escape_html(make_index):
    search_index = make_index()
    search_index.add(
        [
            Document(
                "post", 9, "Hostile",
                "<script>alert(1)</script> formation des élus <b>locaux</b>",
                "/posts/9", "fr",
            )
        ]
    )  # fmt: skip
    snippet = search_index.search("formation").hits[0].snippet
    assert "<mark" in snippet and "formation</mark>" in snippet
    assert "<script" not in snippet and "<b>" not in snippet
    assert "&lt;b&gt;locaux" in snippet


def test_spelling_suggestion_when_nothing_matches(index):
    results = index.search("cooperativs")
    assert results.total == 0
    assert results.suggestion in {"cooperatives", "cooperative"}
    assert index.search("cooperative").suggestion is None


@pytest.mark.parametrize(
    "query", ["(((", "NOT", "title:", '"', "AND OR", ")", "*", "?"]
)
def test_odd_queries_answer_or_raise_the_syntax_error_only(index, query):
    with contextlib.suppress(QuerySyntaxError):
        index.search(query)


def test_update_replaces_and_delete_removes(index):
    index.add(
        [Document("thread", 2, "Renamed", "nothing about contracts", "/t/2", "en")]
    )
    assert index.doc_count() == len(DOCUMENTS)
    assert found(index.search("barcelona")) == []
    index.delete(["thread:2"])
    assert found(index.search("renamed")) == []


def test_rebuild_in_several_processes_replaces_everything(index):
    extra = Document("thread", 99, "Nouveau", "formation continue", "/t/99", "fr")
    count = index.rebuild([*DOCUMENTS[:3], extra], procs=2)
    assert count == 4
    assert index.doc_count() == 4
    assert found(index.search("formation")) == ["thread:99"]


def test_rebuild_in_parts_writes_every_part_and_reports_progress(index):
    def first(report):
        report(2)
        return DOCUMENTS[:2]

    def second(report):
        report(5)
        yield from DOCUMENTS[2:]

    reported = []
    count = index.rebuild_in_parts(
        [first, second, lambda report: []], progress=reported.append
    )
    assert count == len(DOCUMENTS)
    assert sorted(reported) == [2, 5]
    assert index.doc_count() == len(DOCUMENTS)
    assert found(index.search("barcelona")) == ["thread:2"]  # the first part
    assert found(index.search("puglia")) == ["practice:4"]  # the second
    # The lock is free again and later writes work as usual.
    index.delete(["practice:1"])
    assert index.doc_count() == len(DOCUMENTS) - 1


def test_each_part_is_one_segment_written_by_its_own_process(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.add(DOCUMENTS)

    def own_process(report):
        yield Document("thread", os.getpid(), "pid", "", "/t", "en")

    assert index.rebuild_in_parts([own_process, own_process]) == 2
    writers = {hit.record_id for hit in index.search("pid").hits}
    assert len(writers) == 2 and os.getpid() not in writers
    assert len(list(index.path.glob("*.seg"))) == 2


def test_a_failing_part_leaves_the_old_index_whole(index):
    def broken(report):
        yield DOCUMENTS[0]
        raise ValueError("the database went away")

    # Whoosh reports the part's failure from its process, PostgreSQL raises it.
    with pytest.raises((RuntimeError, ValueError), match="the database went away"):
        index.rebuild_in_parts([lambda report: DOCUMENTS[:1], broken])
    assert index.doc_count() == len(DOCUMENTS)
    assert found(index.search("barcelona")) == ["thread:2"]
    index.rebuild(DOCUMENTS[:1])
    assert index.doc_count() == 1


def test_a_part_whose_process_dies_is_reported(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.add(DOCUMENTS)

    def dies(report):
        os._exit(3)

    with pytest.raises(RuntimeError, match="exit code 3"):
        index.rebuild_in_parts([dies, lambda report: DOCUMENTS[:1]])
    assert index.doc_count() == len(DOCUMENTS)


def test_missing_folder_is_created_and_corrupt_index_is_reported(tmp_path):
    assert SearchIndex(tmp_path / "new").doc_count() == 0
    broken = tmp_path / "broken"
    SearchIndex(broken).add(DOCUMENTS)
    for segment in broken.glob("*.seg"):
        segment.write_bytes(b"garbage")
    for toc in broken.glob("*.toc"):
        toc.write_bytes(b"garbage")
    with pytest.raises(IndexCorrupt):
        SearchIndex(broken)
    assert SearchIndex.recreate(broken).doc_count() == 0


def test_a_held_lock_makes_a_second_writer_wait_then_give_up(tmp_path):
    first = SearchIndex(tmp_path / "index")
    held = first._index.writer()
    try:
        with pytest.raises(IndexBusy):
            SearchIndex(tmp_path / "index", lock_timeout=0.3).add(DOCUMENTS[:1])
    finally:
        held.cancel()


def _write_many(path: str, start: int) -> None:
    search_index = SearchIndex(path, lock_timeout=30)
    for number in range(start, start + 20):
        search_index.add(
            [Document("post", number, f"Post {number}", "texte commun", "/p", "fr")]
        )


def test_two_processes_can_write_at_once(tmp_path):
    path = str(tmp_path / "index")
    SearchIndex(path)
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_many, args=(path, s)) for s in (0, 100)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(60)
        assert process.exitcode == 0
    assert SearchIndex(path).doc_count() == 40


def test_hits_without_snippets_for_exports(index):
    results = index.search("cooperatives", snippets=False)
    assert results.hits and all(hit.snippet == "" for hit in results.hits)
    assert index.search("cooperatives").hits[0].snippet


def test_files_lost_under_an_open_index_raise_index_corrupt(tmp_path):
    lost = SearchIndex(tmp_path / "lost")
    lost.add(DOCUMENTS)
    for path in (tmp_path / "lost").iterdir():
        path.unlink()
    with pytest.raises(IndexCorrupt):
        lost.search("cooperatives")


# PostgreSQL backend: what replaces the Whoosh folder, its lock and its files ---


def _write_many_to_postgres(url: str, start: int) -> None:
    search_index = PostgresSearchIndex(url)
    for number in range(start, start + 20):
        search_index.add(
            [Document("post", number, f"Post {number}", "texte commun", "/p", "fr")]
        )
    search_index.close()


@requires_postgres
def test_two_processes_write_to_postgres_at_once():
    with index_database() as url:
        PostgresSearchIndex(url).close()
        context = multiprocessing.get_context("spawn")
        writers = [
            context.Process(target=_write_many_to_postgres, args=(url, start))
            for start in (0, 100)
        ]
        for process in writers:
            process.start()
        for process in writers:
            process.join(60)
            assert process.exitcode == 0
        search_index = PostgresSearchIndex(url)
        assert search_index.doc_count() == 40
        assert search_index.search("commun").total == 40
        search_index.close()


@requires_postgres
def test_postgres_index_makes_its_tables_and_reports_foreign_ones():
    with index_database() as url:
        first = PostgresSearchIndex(url)
        assert first.created and first.doc_count() == 0
        second = PostgresSearchIndex(url)
        assert not second.created
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("COMMENT ON TABLE search_documents IS 'other code'")
        with pytest.raises(IndexCorrupt):
            PostgresSearchIndex(url)
        healed = PostgresSearchIndex.recreate(url)
        assert healed.created and healed.doc_count() == 0
        for search_index in (first, second, healed):
            search_index.close()


@requires_postgres
def test_postgres_tables_dropped_under_an_open_index_raise_index_corrupt():
    with index_database() as url:
        lost = PostgresSearchIndex(url)
        lost.add(DOCUMENTS)
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("DROP TABLE search_documents")
        with pytest.raises(IndexCorrupt):
            lost.search("cooperatives")
        lost.close()


@requires_postgres
def test_postgres_suggests_only_words_of_documents_still_indexed():
    with index_database() as url:
        search_index = PostgresSearchIndex(url)
        search_index.add(DOCUMENTS)
        assert search_index.search("barcelonna").suggestion == "barcelona"
        search_index.delete(["thread:2"])
        assert search_index.search("barcelonna").suggestion is None
        search_index.close()
