"""The search index in PostgreSQL: full-text search that several machines can share.

The same API as `SearchIndex` (Whoosh): add, replace, delete, rebuild, search.
Text is folded in Python as the Whoosh analysers fold it, then stored as
tsvectors: a language-neutral one (folded words, `agora_simple`) joined with
one stemmed by the document's language (`agora_french`...: the stock Snowball
dictionaries after `unaccent`). A query word matches its folded form, or its
stem in a document of that stem's language, as Whoosh searches each
language's field with that language's analyser.
The index makes its extensions, text search configurations and tables itself
when they are missing. Only psycopg here: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from itertools import islice

import psycopg
from psycopg import errors, sql

from search_index import highlighting, parallel
from search_index.analysis import (
    STEMMERS,
    base_analyzer,
    folding_analyzer,
    language_analyzer,
    plain_text,
)
from search_index.engine import (
    _HIGHLIGHTER,
    EXCERPT_LENGTH,
    SNIPPET_LENGTH,
    Document,
    Hit,
    IndexBusy,
    IndexCorrupt,
    QuerySyntaxError,
    Results,
)
from search_index.evaluation import SegmentCache
from search_index.pg_query import (
    ARRAY_FACETS,
    analysed,
    match_condition,
    rank_expression,
    searchable,
)
from search_index.pg_schema import (
    CONFIGS,
    DOCUMENTS,
    SIMPLE,
    TABLES,
    WORDS,
    create_schema,
    drop_schema,
)
from search_index.pg_spelling import suggest
from search_index.query_syntax import ParseError, parse, positive_leaves
from search_index.schema import FACETS

WRITE_BATCH = 500
_RETRIED = (
    errors.DeadlockDetected,
    errors.UniqueViolation,
    errors.SerializationFailure,
)


class IndexUnavailable(IndexBusy):
    """The database of the index cannot be reached."""


class PostgresSearchIndex:
    """A full-text index in PostgreSQL tables."""

    def __init__(self, url: str, *, lock_timeout: float = 10.0):
        self.url = url
        self.lock_timeout = lock_timeout
        self._lock = threading.Lock()
        self._connection: psycopg.Connection | None = None
        self._cache = SegmentCache()  # remembers how words analyse, for snippets
        weakref.finalize(self, _close, self.__dict__)
        with self._session() as connection:
            # True when this call made the tables (there was no index).
            self.created = create_schema(connection)

    # Connecting ---------------------------------------------------------------

    def _connect(self) -> psycopg.Connection:
        connection = self._connection
        if connection is None or connection.closed or connection.broken:
            if connection is not None:
                connection.close()
            connection = psycopg.connect(self.url, autocommit=True)
            timeout = max(1, int(self.lock_timeout * 1000))
            connection.execute(f"SET lock_timeout = {timeout}")
            self._connection = connection
        return connection

    def _session(self):
        return _Session(self)

    def close(self) -> None:
        """Close the connection to the database."""
        _close(self.__dict__)

    @classmethod
    def recreate(cls, url: str, **options) -> PostgresSearchIndex:
        """Drop the index tables and start an empty index."""
        with psycopg.connect(url, autocommit=True) as connection:
            drop_schema(connection)
        return cls(url, **options)

    def doc_count(self) -> int:
        """Return how many documents the index holds."""
        with self._session() as connection:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(DOCUMENTS))
            return connection.execute(query).fetchone()[0]

    # Writing ------------------------------------------------------------------

    def add(self, documents: Iterable[Document]) -> int:
        """Add documents, replacing any with the same kind and record id."""
        documents = list(documents)
        self.replace([], documents)
        return len(documents)

    def delete(self, doc_ids: Iterable[str]) -> None:
        """Remove documents by their doc_id ("thread:12")."""
        self.replace(doc_ids, [])

    def replace(self, doc_ids: Iterable[str], documents: Iterable[Document]) -> None:
        """Delete some documents and add others in one transaction."""
        documents = list(documents)
        stale = sorted({*doc_ids, *(document.doc_id for document in documents)})
        rows = [_row(document) for document in documents]
        for attempt in range(5):
            try:
                with self._session() as connection, connection.transaction():
                    _remove(connection, stale)
                    _insert(connection, rows)
                return
            except _RETRIED:
                # Another writer touched the same documents or words: again.
                if attempt == 4:
                    raise

    def rebuild(self, documents: Iterable[Document], **_options) -> int:
        """Replace the whole index with `documents`; return how many were written.

        One transaction: searches see the old index until the new one is whole.
        Whoosh's `procs` and `limitmb` are accepted and mean nothing here.
        """
        count = 0
        with self._session() as connection, connection.transaction():
            connection.execute(_sql("DELETE FROM {documents}"))
            connection.execute(_sql("DELETE FROM {words}"))
            iterator = iter(documents)
            while batch := [_row(d) for d in islice(iterator, WRITE_BATCH)]:
                _insert(connection, batch, count_words=False)
                count += len(batch)
            connection.execute(
                _sql(
                    "INSERT INTO {words} (word, documents) SELECT word, count(*) "
                    "FROM {documents}, unnest(tsvector_to_array(words_vector)) word "
                    "GROUP BY word"
                )
            )
        # Fresh statistics, or the planner takes the new tables for empty ones.
        self.optimise()
        return count

    def rebuild_in_parts(self, parts, *, progress=None, **_options) -> int:
        """Replace the whole index with the documents of every part, in turn.

        The same call as Whoosh's; PostgreSQL does the indexing, so the parts
        run one after another in this process, in one transaction.
        """
        report = progress or parallel.no_report
        return self.rebuild(document for part in parts for document in part(report))

    def optimise(self) -> None:
        """Refresh the planner's statistics of the index tables."""
        with self._session() as connection:
            for table in TABLES:
                connection.execute(
                    sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table))
                )

    # Searching ----------------------------------------------------------------

    def parse(self, text: str):
        """Parse a query: words, "phrases", OR, -word, title:, country:, theme:."""
        text = (text or "").strip()
        if not text:
            return None
        try:
            tree = parse(text)
        except ParseError as error:
            raise QuerySyntaxError(str(error)) from error
        if tree is None or not searchable(tree):
            raise QuerySyntaxError("nothing to search for")
        return tree

    def search(
        self,
        text: str,
        *,
        filters: Mapping[str, str | Sequence[str]] | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
        facets: Sequence[str] = FACETS,
        snippets: bool = True,
    ) -> Results:
        """Search; filters keep documents whose field has (one of) the values."""
        tree = self.parse(text)
        condition = match_condition(tree, filters or {})
        rank = rank_expression(tree)
        by_date = sort == "date" or tree is None
        page = max(1, page)
        with self._session() as connection:
            first = (page - 1) * per_page
            counts, found = _matches(
                connection, condition, rank, by_date, facets, first, per_page
            )
            total = counts.pop("", {}).get("", 0)
            if first >= total > 0:  # past the end, show the last page
                first = (math.ceil(total / per_page) - 1) * per_page
                found = _matches(
                    connection, condition, rank, by_date, (), first, per_page
                )[1]
            rows = _documents_in_order(connection, found)
            suggestion = suggest(connection, text) if total == 0 else None
        words = _QueryWords(tree) if snippets else None
        return Results(
            total=total,
            page=page,
            per_page=per_page,
            hits=[self._hit(row, words) for row in rows],
            facets={name: counts.get(name, {}) for name in facets},
            suggestion=suggestion,
        )

    def _hit(self, row: tuple, words) -> Hit:
        doc, kind, record_id, heading, url, excerpt, language, country = row[:8]
        themes, date, score = row[8:]
        return Hit(
            doc_id=doc,
            kind=kind,
            record_id=record_id,
            title=heading,
            url=url,
            snippet="" if words is None else self._snippet(excerpt, language, words),
            language=language,
            country=country.upper(),
            themes=tuple(themes),
            date=date,
            score=float(score),
        )

    def _snippet(self, excerpt: str, language: str, words) -> str:
        for name in [language, ""] if language in STEMMERS else [""]:
            wanted = words[name]
            if not wanted:
                continue
            marked = highlighting.highlight(
                self._cache, _HIGHLIGHTER, _analyzer(name), excerpt, wanted, top=2
            )
            if marked:
                return marked
        return escape(excerpt[:SNIPPET_LENGTH])


def _analyzer(language: str):
    """Return the analyser of a language, or the folding one for ''."""
    return language_analyzer(language) if language else folding_analyzer()


class _Session:
    """Hold the index's connection for one operation, mapping database errors."""

    def __init__(self, index: PostgresSearchIndex):
        self.index = index

    def __enter__(self) -> psycopg.Connection:
        self.index._lock.acquire()
        try:
            return self.index._connect()
        except psycopg.OperationalError as error:
            self.index._lock.release()
            raise IndexUnavailable(f"search database: {error}") from error

    def __exit__(self, kind, error, traceback) -> None:
        self.index._lock.release()
        if isinstance(error, errors.LockNotAvailable):
            raise IndexBusy(f"index locked for over {self.index.lock_timeout}s")
        if isinstance(error, errors.UndefinedTable | errors.UndefinedObject):
            raise IndexCorrupt(f"{type(error).__name__}: {error}") from error
        if isinstance(error, psycopg.OperationalError):
            raise IndexUnavailable(f"search database: {error}") from error


def _close(state: dict) -> None:
    connection = state.get("_connection")
    if connection is not None:
        connection.close()
        state["_connection"] = None


def _sql(text: str) -> sql.Composed:
    return sql.SQL(text).format(
        documents=sql.Identifier(DOCUMENTS), words=sql.Identifier(WORDS)
    )


# Writing ------------------------------------------------------------------------


def _row(document: Document) -> dict:
    body = document.body or ""
    own_title = "" if document.kind == "post" else document.title
    text = f"{own_title}\n{body}"
    return {
        "doc_id": document.doc_id,
        "kind": document.kind,
        "record_id": document.record_id,
        "url": document.url,
        "heading": document.title,
        "excerpt": plain_text(body[:EXCERPT_LENGTH]),
        "language": document.language or "",
        "country": (document.country or "").lower(),
        "themes": [theme.lower() for theme in document.themes],
        "actor_types": [actor.lower() for actor in document.actor_types],
        "status": document.status or "",
        "year": None if document.year is None else int(document.year),
        "date": None if document.date is None else document.date.replace(tzinfo=None),
        "title": analysed(folding_analyzer(), own_title),
        "folded": analysed(folding_analyzer(), text),
        "stemmed": analysed(base_analyzer(), text),
        "config": CONFIGS.get(document.language, SIMPLE),
    }


_INSERT = """
INSERT INTO {documents} (
    doc_id, kind, record_id, url, heading, excerpt, language, country, themes,
    actor_types, status, year, date, title_vector, words_vector, content_vector
) VALUES (
    %(doc_id)s, %(kind)s, %(record_id)s, %(url)s, %(heading)s, %(excerpt)s,
    %(language)s, %(country)s, %(themes)s, %(actor_types)s, %(status)s, %(year)s,
    %(date)s, to_tsvector('agora_simple', %(title)s),
    to_tsvector('agora_simple', %(folded)s),
    to_tsvector('agora_simple', %(folded)s)
        || to_tsvector(%(config)s::regconfig, %(stemmed)s)
)
"""


def _insert(connection, rows: list[dict], *, count_words: bool = True) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(_sql(_INSERT), rows)
    if count_words:
        connection.execute(
            _sql(
                "INSERT INTO {words} (word, documents) SELECT word, count(*) "
                "FROM {documents}, unnest(tsvector_to_array(words_vector)) word "
                "WHERE doc_id = ANY(%s) GROUP BY word ORDER BY word "
                "ON CONFLICT (word) DO UPDATE "
                "SET documents = {words}.documents + excluded.documents"
            ),
            [[row["doc_id"] for row in rows]],
        )


def _remove(connection, doc_ids: list[str]) -> None:
    """Delete documents and forget the words only they held."""
    if not doc_ids:
        return
    connection.execute(
        _sql(
            "WITH gone AS (DELETE FROM {documents} WHERE doc_id = ANY(%s) "
            "RETURNING words_vector), "
            "counted AS (SELECT word, count(*) AS n FROM gone, "
            "unnest(tsvector_to_array(words_vector)) word GROUP BY word) "
            "UPDATE {words} SET documents = {words}.documents - counted.n "
            "FROM counted WHERE {words}.word = counted.word"
        ),
        [doc_ids],
    )
    connection.execute(_sql("DELETE FROM {words} WHERE documents <= 0"))


# Searching ----------------------------------------------------------------------


# The matches' columns read once: facet values, and what ranks and orders hits.
_MATCH_COLUMNS = sql.SQL(", ").join(map(sql.Identifier, (*FACETS, "doc_id", "date")))
_HIT_COLUMNS = (
    "doc_id, kind, record_id, heading, url, excerpt, language, country, themes, date"
)


def _matches(connection, condition, rank, by_date, facets, first: int, count: int):
    """Count the matches per facet value and pick one page of them, in one pass.

    Return ({facet: {value: count}} with the total under '', [(doc_id, score)]
    of the page in order). Ranking reads every match's words, the slow part
    of a common word: one query reads them once for the counts and the page.
    """
    parts = [sql.SQL("SELECT '', '', count(*), NULL::float8 FROM matches")]
    for name in facets:
        column = sql.Identifier(name)
        if name in ARRAY_FACETS:
            value = sql.SQL("unnest({})").format(column)
        elif name in FACETS:
            value = sql.SQL("{}::text").format(column)
        else:
            continue
        parts.append(
            sql.SQL(
                "SELECT {name}, value, count(*), NULL FROM "
                "(SELECT {value} AS value FROM matches) v "
                "WHERE value <> '' GROUP BY value"
            ).format(name=sql.Literal(name), value=value)
        )
    order = "date DESC NULLS LAST, seq" if by_date else "score DESC, seq"
    parts.append(
        sql.SQL(
            "(SELECT NULL, doc_id, NULL, score FROM matches "
            "ORDER BY {order} LIMIT {count} OFFSET {first})"
        ).format(
            order=sql.SQL(order), count=sql.Literal(count), first=sql.Literal(first)
        )
    )
    # Only these columns: the text and its vectors are read for the rank alone.
    query = sql.SQL(
        "WITH matches AS MATERIALIZED "
        "(SELECT {columns}, seq, {rank} AS score FROM {documents} WHERE {condition}) "
        "{parts}"
    ).format(
        columns=_MATCH_COLUMNS,
        rank=rank,
        documents=sql.Identifier(DOCUMENTS),
        condition=condition,
        parts=sql.SQL(" UNION ALL ").join(parts),
    )
    counts: dict[str, dict[str, int]] = {}
    page: list[tuple[str, float]] = []
    for name, value, number, score in connection.execute(query):
        if name is None:
            page.append((value, score))
            continue
        shown = value.upper() if name == "country" else value
        counts.setdefault(name, {})[shown] = number
    ordered = {
        name: dict(sorted(found.items(), key=lambda item: (-item[1], item[0])))
        for name, found in counts.items()
    }
    return ordered, page


def _documents_in_order(connection, page: list[tuple[str, float]]) -> list[tuple]:
    """Return the stored fields of the page's documents, in its order, with scores."""
    if not page:
        return []
    query = sql.SQL("SELECT {} FROM {} WHERE doc_id = ANY(%s)").format(
        sql.SQL(_HIT_COLUMNS), sql.Identifier(DOCUMENTS)
    )
    rows = {row[0]: row for row in connection.execute(query, [[d for d, _ in page]])}
    return [(*rows[doc], score) for doc, score in page if doc in rows]


class _QueryWords(dict):
    """By language ('' for none), the words the positive part of a query seeks."""

    def __init__(self, tree):
        super().__init__()
        self.raws = [leaf[2] for leaf in positive_leaves(tree) if not leaf[3]]

    def __missing__(self, language: str) -> frozenset:
        analyzer = _analyzer(language)
        words = frozenset(
            token.text for raw in self.raws for token in analyzer(raw) if token.text
        )
        self[language] = words
        return words
