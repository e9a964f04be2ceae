"""The search index: add, update, delete, search, rebuild. Pure Whoosh.

The database is the truth; this index is a copy that can always be rebuilt
from it. Whoosh allows one writer at a time per index: writers wait for the
lock up to `lock_timeout` seconds, so several processes can write in turn.
"""

from __future__ import annotations

import gc
import math
import os
import re
import shutil
import threading
import warnings
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from html import escape
from pathlib import Path

from whoosh import highlight, query
from whoosh.filedb.filestore import FileStorage
from whoosh.index import IndexError as WhooshIndexError
from whoosh.index import LockError
from whoosh.qparser import FieldAliasPlugin, MultifieldParser

from search_index import evaluation, highlighting, parallel
from search_index.analysis import STEMMERS, folding_analyzer, plain_text
from search_index.schema import FACETS, build_schema, content_field

_LEADING_MINUS = re.compile(r"(?:(?<=\s)|^)-(?=[^\s-])")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}

EXCERPT_LENGTH = 1500
SNIPPET_LENGTH = 220
FACET_FIELDS_MULTI = {"themes", "actor_types"}


class IndexError_(Exception):  # noqa: N801 (avoid shadowing the builtin)
    """Base of the errors this package raises."""


class IndexBusy(IndexError_):
    """Another writer held the index lock for longer than the timeout."""


class IndexCorrupt(IndexError_):
    """The index folder exists but cannot be read: rebuild it."""


class QuerySyntaxError(IndexError_, ValueError):
    """The query could not be understood."""


@dataclass(frozen=True)
class Document:
    """What the index keeps of a practice, thread or post.

    A post's `title` is its thread's: shown with the result, not searched.
    """

    kind: str
    record_id: int
    title: str
    body: str
    url: str
    language: str
    country: str = ""
    themes: Sequence[str] = ()
    actor_types: Sequence[str] = ()
    status: str = ""
    year: int | None = None
    date: datetime | None = None

    @property
    def doc_id(self) -> str:
        return doc_id(self.kind, self.record_id)


def doc_id(kind: str, record_id: int) -> str:
    """Return the index key of a record."""
    return f"{kind}:{record_id}"


@dataclass(frozen=True)
class Hit:
    """One search result."""

    doc_id: str
    kind: str
    record_id: int
    title: str
    url: str
    snippet: str  # HTML: escaped text with <mark> around matches
    language: str
    country: str
    themes: tuple[str, ...]
    date: datetime | None
    score: float


@dataclass(frozen=True)
class Results:
    """A page of results, the facet counts of all matches, and a suggestion."""

    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


class SearchIndex:
    """A Whoosh index in one folder."""

    def __init__(self, path: str | os.PathLike, *, lock_timeout: float = 10.0):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        # True when this call made a new, empty index (the folder had none).
        self.created = False
        self._index = self._open_or_create()
        self._parser = self._make_parser()
        # One searcher per index object, refreshed when the index changes and
        # used by one search at a time: opening one costs hundreds of ms on a
        # large index, and what it learnt (evaluation.SegmentCache) is reused.
        self._lock = threading.Lock()
        self._open = _OpenSearcher()
        self._cache = evaluation.SegmentCache()
        weakref.finalize(self, self._open.close)

    # Opening -----------------------------------------------------------------

    def _open_or_create(self):
        self.path.mkdir(parents=True, exist_ok=True)
        if not any(self.path.glob("*.toc")):
            self.created = True
            return self._storage().create_index(build_schema())
        # Whoosh leaves a file open when it fails to read a damaged table of
        # contents; silence that handle's warning, the index is replaced anyway.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                opened = self._storage().open_index()
                opened.doc_count()
                if _shape(opened.schema) == _shape(build_schema()):
                    return opened
                problem = "the index was built with other fields"
            except (WhooshIndexError, OSError, ValueError, EOFError) as error:
                problem = f"{type(error).__name__}: {error}"
            gc.collect()  # the failed reader's frames are gone: close its file now
        raise IndexCorrupt(problem)

    def _storage(self) -> FileStorage:
        # Files are read, not memory-mapped: Whoosh copies each mapped file
        # into memory when a searcher opens, which takes hundreds of ms on a
        # large index and would be paid again after every write.
        return FileStorage(self.path, supports_mmap=False)

    @classmethod
    def recreate(cls, path: str | os.PathLike, **options) -> SearchIndex:
        """Delete whatever is in the folder and start an empty index."""
        shutil.rmtree(path, ignore_errors=True)
        return cls(path, **options)

    def doc_count(self) -> int:
        """Return how many documents the index holds."""
        return self._index.refresh().doc_count()

    # Writing -----------------------------------------------------------------

    def _writer(self, **options):
        try:
            return self._index.writer(timeout=self.lock_timeout, **options)
        except LockError as error:
            raise IndexBusy(f"index locked for over {self.lock_timeout}s") from error

    def add(self, documents: Iterable[Document]) -> int:
        """Add documents, replacing any with the same kind and record id."""
        writer = self._writer()
        count = 0
        try:
            for document in documents:
                writer.update_document(**_fields(document))
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def replace(self, doc_ids: Iterable[str], documents: Iterable[Document]) -> None:
        """Delete some documents and add others in one write (one lock, one commit)."""
        writer = self._writer()
        try:
            for key in doc_ids:
                writer.delete_by_term("doc_id", key)
            for document in documents:
                writer.update_document(**_fields(document))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def delete(self, doc_ids: Iterable[str]) -> None:
        """Remove documents by their doc_id ("thread:12")."""
        writer = self._writer()
        try:
            for key in doc_ids:
                writer.delete_by_term("doc_id", key)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def rebuild(
        self, documents: Iterable[Document], *, procs: int = 1, limitmb: int = 256
    ) -> int:
        """Replace the whole index with `documents`; return how many were written.

        With `procs` > 1 the documents are dealt out in turn to that many
        processes, each writing its own segment (see `rebuild_in_parts`).
        """
        if procs <= 1:
            return self._rebuild_here(documents, limitmb)
        documents = documents if isinstance(documents, Sequence) else list(documents)
        shares = [
            partial(_every_nth, documents, start, procs) for start in range(procs)
        ]
        return self.rebuild_in_parts(shares, limitmb=limitmb)

    def rebuild_in_parts(
        self,
        parts: Sequence[parallel.Part],
        *,
        limitmb: int = 256,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Replace the whole index, each part written by a forked process.

        A part is a function called as `part(report)` in its own process; it
        returns the documents to write and may call `report(n)` as it goes,
        which calls `progress(n)` here. Each part becomes one segment, so
        several cores share the work with nothing handed between processes.
        """
        if not parallel.can_fork():
            report = progress or parallel.no_report
            chained = (doc for part in parts for doc in part(report))
            return self._rebuild_here(chained, limitmb)
        writer = self._writer(limitmb=limitmb)
        try:
            segments, count = parallel.write_parts(
                self._index,
                writer,
                parts,
                to_fields=_fields,
                limitmb=limitmb,
                progress=progress,
            )
        except BaseException:
            writer.cancel()
            raise
        # What `commit` does, with the parts' segments instead of the writer's
        # own (it added nothing) and every older segment dropped.
        writer._close_segment()
        writer._commit_toc(segments)
        writer._finish()
        return count

    def _rebuild_here(self, documents: Iterable[Document], limitmb: int) -> int:
        writer = self._writer(limitmb=limitmb)
        count = 0
        try:
            writer.mergetype = _clear_segments
            for document in documents:
                writer.add_document(**_fields(document))
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def optimise(self) -> None:
        """Merge all segments into one (faster searches after a big rebuild)."""
        self._writer().commit(optimize=True)

    # Searching ---------------------------------------------------------------

    def _make_parser(self) -> MultifieldParser:
        fields = ["title", "content"] + [content_field(lang) for lang in STEMMERS]
        parser = MultifieldParser(fields, schema=self._index.schema)
        parser.add_plugin(
            FieldAliasPlugin(
                {"themes": ["theme"], "kind": ["type"], "language": ["lang"]}
            )
        )
        return parser

    def parse(self, text: str):
        """Parse a query: words, "phrases", OR, -word, title:, country:, theme:."""
        text = (text or "").strip()
        if not text:
            return query.Every()
        # "-word" excludes a word (as in web search engines); a dash inside
        # a word, as in "social-finance", stays part of it.
        text = _LEADING_MINUS.sub("NOT ", text)
        try:
            parsed = self._parser.parse(text)
        except Exception as error:  # Whoosh raises assorted errors on odd input
            raise QuerySyntaxError(str(error)) from error
        if parsed is query.NullQuery:
            raise QuerySyntaxError("nothing to search for")
        return parsed

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
        """Search; filters keep documents whose field has (one of) the values.

        Without `snippets`, hits carry no highlighted excerpt (much faster for
        long exports). Raises IndexCorrupt when the files went missing or bad
        under an open index.
        """
        parsed = self.parse(text)
        with self._lock:
            try:
                return self._search(
                    parsed, text, filters, sort, page, per_page, facets, snippets
                )
            except (WhooshIndexError, OSError, EOFError) as error:
                self._open.close()
                raise IndexCorrupt(f"{type(error).__name__}: {error}") from error

    def _searcher(self):
        """Return a searcher of the latest version of the index."""
        # Not Searcher.refresh(): when reusing segment readers it keeps the
        # deletions (and even the segments) of the previous version.
        searcher = self._open.searcher
        if searcher is None or not searcher.up_to_date():
            self._open.close()
            searcher = self._open.searcher = self._index.searcher()
        return searcher

    def _search(self, parsed, text, filters, sort, page, per_page, facets, snippets):
        searcher = self._searcher()
        page = max(1, page)
        options = {
            "by_date": sort == "date" or isinstance(parsed, query.Every),
            "facets": facets,
            "count": per_page,
        }
        restrict = _filter_query(filters or {})
        found = evaluation.run(
            self._cache,
            searcher,
            parsed,
            restrict,
            first=(page - 1) * per_page,
            **options,
        )
        if page > 1 and not found.hits and found.total:
            # Past the end, Whoosh's pages show the last one: so do we.
            last = math.ceil(found.total / per_page)
            found.hits = evaluation.run(
                self._cache,
                searcher,
                parsed,
                restrict,
                first=(last - 1) * per_page,
                **{**options, "facets": ()},
            ).hits
        words = highlighting.QueryWords(searcher, parsed) if snippets else None
        return Results(
            total=found.total,
            page=page,
            per_page=per_page,
            hits=[
                self._hit(searcher, docnum, score, words)
                for docnum, score in found.hits
            ],
            facets={name: _facet_counts(name, found.facets[name]) for name in facets},
            suggestion=_suggest(searcher, text) if found.total == 0 else None,
        )

    def _hit(self, searcher, docnum: int, score: float, words) -> Hit:
        stored = searcher.stored_fields(docnum)
        return Hit(
            doc_id=stored["doc_id"],
            kind=stored["kind"],
            record_id=stored["record_id"],
            title=stored["heading"],
            url=stored["url"],
            snippet="" if words is None else self._snippet(searcher, stored, words),
            language=stored.get("language", ""),
            country=stored.get("country", "").upper(),
            themes=tuple(filter(None, stored.get("themes", "").split(","))),
            date=stored.get("date"),
            score=score,
        )

    def _snippet(self, searcher, stored, words) -> str:
        excerpt = stored.get("excerpt", "")
        language = stored.get("language")
        names = [content_field(language)] if language in STEMMERS else []
        for name in [*names, "content"]:
            wanted = words[name]
            if not wanted:
                continue
            marked = highlighting.highlight(
                self._cache,
                _HIGHLIGHTER,
                searcher.schema[name].analyzer,
                excerpt,
                wanted,
                top=2,
            )
            if marked:
                return marked
        return escape(excerpt[:SNIPPET_LENGTH])


class _OpenSearcher:
    """Holds an index's open searcher, so that it is closed with the index."""

    searcher = None

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None


def _shape(schema) -> dict[str, tuple]:
    """Describe a schema's fields, to notice an index built by older code."""
    return {
        name: (type(field).__name__, field.stored, field.column_type is not None)
        for name, field in schema.items()
    }


def _clear_segments(writer, segments):
    """A merge policy that drops every existing segment (used by rebuild)."""
    return []


def _every_nth(documents: Sequence[Document], start: int, step: int, report):
    return documents[start::step]


def _fields(document: Document) -> dict:
    body = document.body or ""
    own_title = "" if document.kind == "post" else document.title
    text = f"{own_title}\n{body}"
    values = {
        "doc_id": document.doc_id,
        "kind": document.kind,
        "record_id": document.record_id,
        "url": document.url,
        "heading": document.title,
        "title": own_title,
        "content": text,
        "excerpt": plain_text(body[:EXCERPT_LENGTH]),
        "language": document.language or "",
        "country": (document.country or "").lower(),
        "themes": ",".join(document.themes).lower(),
        "actor_types": ",".join(document.actor_types).lower(),
        "status": document.status or "",
    }
    if document.year is not None:
        values["year"] = int(document.year)
    if document.date is not None:
        values["date"] = document.date.replace(tzinfo=None)
    if document.language in STEMMERS:
        values[content_field(document.language)] = text
    return values


def _filter_query(filters: Mapping[str, str | Sequence[str]]):
    clauses = []
    for name, wanted in filters.items():
        values = [wanted] if isinstance(wanted, str | int) else list(wanted)
        values = [str(v).lower() if name != "year" else v for v in values if v != ""]
        if not values:
            continue
        if name == "year":
            clauses.append(query.Or([query.Term("year", int(v)) for v in values]))
        else:
            clauses.append(query.Or([query.Term(name, v) for v in values]))
    return query.And(clauses) if clauses else None


_HIGHLIGHTER = highlight.Highlighter(
    fragmenter=highlight.ContextFragmenter(maxchars=SNIPPET_LENGTH, surround=60),
    formatter=highlight.HtmlFormatter(tagname="mark", between=" … "),
)


def _facet_counts(name: str, found: dict[str, int]) -> dict[str, int]:
    counts = {
        (value.upper() if name == "country" else value): count
        for value, count in found.items()
        if value
    }
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _suggest(searcher, text: str) -> str | None:
    """Return the query with misspelt words replaced, if any word changes."""
    words = text.split()
    changed = False
    corrected = []
    for word in words:
        folded = [token.text for token in folding_analyzer()(word.strip("\"'()"))]
        if word in _OPERATORS or ":" in word or len(folded) != 1 or len(folded[0]) < 4:
            corrected.append(word)
            continue
        bare = folded[0]
        if searcher.doc_frequency("content", bare) == 0:
            # Keeping the first letter, as most spellers do, spares comparing
            # the word with every word of the index (100 ms at 300,000 docs).
            options = searcher.suggest("content", bare, limit=1, maxdist=2, prefix=1)
            if options:
                corrected.append(options[0])
                changed = True
                continue
        corrected.append(word)
    return " ".join(corrected) if changed else None
