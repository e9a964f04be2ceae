"""The site-wide search: request arguments in, an index query out, hits mapped back.

The search page, its exports and the JSON API all call this module, so they
read the same arguments and return the same results. The index holds only
public content (forum.services.search keeps it so); the one thing it may
still know of removed content is a spelling word, so suggestions are checked
against live results before anyone sees them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import current_app, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from forum.errors import ForumError
from forum.services import search
from search_index import Hit, IndexBusy, IndexCorrupt, QuerySyntaxError, Results

# What ?type= may say, and the kind of index document it keeps.
TYPES = {
    "all": None,
    "practices": "practice",
    "practice": "practice",
    "discussions": "thread",
    "discussion": "thread",
    "threads": "thread",
    "thread": "thread",
    "posts": "post",
    "post": "post",
}
# The names the search page uses in its links, by kind.
PAGE_TYPES = {"practice": "practices", "thread": "discussions", "post": "posts"}
# Query-string filters and the index fields they restrict.
FILTERS = {
    "country": "country",
    "theme": "themes",
    "actor_type": "actor_types",
    "lang": "language",
    "year": "year",
    "status": "status",
}
SORTS = ("relevance", "date")
QUERY_MAX = 500
PER_PAGE = 20
PER_PAGE_MAX = 100
# Deeper than this, refining the search helps more than paging.
PAGE_MAX = 1000
VALUES_MAX = 20
VALUE_MAX = 40
EXPORT_MAX = 5000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_YEAR = re.compile(r"^[0-9]{4}$")


class BadSearch(ForumError):
    """The arguments of a search cannot be used as given."""

    status = 400
    code = "bad_request"


class BadQuery(BadSearch):
    """The query text cannot be understood."""

    code = "bad_query"


class SearchUnavailable(ForumError):
    """The index cannot be read at the moment."""

    status = 503
    code = "search_unavailable"

    def default_message(self) -> str:
        return _("Search is not available at the moment. Please try again shortly.")


# Reading the arguments --------------------------------------------------------


@dataclass(frozen=True)
class SearchParams:
    """A search as the arguments asked for it, cleaned."""

    text: str = ""
    kind: str | None = None
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    shortened: bool = False

    @property
    def is_empty(self) -> bool:
        """Say whether nothing at all was asked for."""
        return not self.text and not self.kind and not self.active_filters

    @property
    def active_filters(self) -> list[str]:
        return [name for name in FILTERS if self.filters.get(name)]

    @property
    def page_type(self) -> str:
        return PAGE_TYPES.get(self.kind, "all")

    def index_filters(self, *, without: str | None = None) -> dict:
        """Return the filters for the index, maybe leaving one out."""
        wanted = {
            FILTERS[name]: list(self.filters[name])
            for name in self.active_filters
            if name != without
        }
        if self.kind and without != "type":
            wanted["kind"] = self.kind
        return wanted

    def args(self, **changes) -> dict:
        """Return the query-string arguments of this search, with some changed."""
        values = {
            "q": self.text or None,
            "type": self.page_type if self.kind else None,
            **{name: list(self.filters.get(name, ())) for name in FILTERS},
            "sort": self.sort if self.sort != "relevance" else None,
            "page": self.page if self.page > 1 else None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in (None, "")}

    def args_without_filters(self) -> dict:
        """Return the arguments of the same query with no type or filter."""
        return self.args(type=None, page=None, **dict.fromkeys(FILTERS))

    def toggled(self, name: str, value: str) -> dict:
        """Return the arguments with one filter value added or taken away."""
        values = list(self.filters.get(name, ()))
        values = (
            [v for v in values if v != value] if value in values else [*values, value]
        )
        return self.args(**{name: values, "page": None})


def clean_text(raw: str) -> tuple[str, bool]:
    """Return the query without control characters, and whether it was cut."""
    text = " ".join(_CONTROL.sub(" ", raw or "").split())
    if len(text) <= QUERY_MAX:
        return text, False
    return text[:QUERY_MAX].rsplit(" ", 1)[0] or text[:QUERY_MAX], True


def _number(raw: str | None, *, default: int, high: int, strict: bool, name: str):
    raw = (raw or "").strip()
    digits = raw.isascii() and raw.isdigit()
    # int() refuses strings of over 4,300 digits: anything that long is too big.
    number = int(raw) if digits and len(raw) < 10 else (high + 1 if digits else 0)
    if 0 < number <= high:
        return number
    if strict and raw:
        raise BadSearch(
            _("“%(name)s” must be a whole number from 1 to %(n)d.", name=name, n=high)
        )
    # The page forgives: past the end means the end, nonsense the default.
    return high if number > high else default


def _values(args, name: str, *, strict: bool) -> tuple[str, ...]:
    found: list[str] = []
    for raw in args.getlist(name):
        for value in str(raw).split(","):
            value = _CONTROL.sub("", value).strip()[:VALUE_MAX]
            if not value:
                continue
            value = value.upper() if name == "country" else value.lower()
            if name == "year" and not _YEAR.match(value):
                if strict:
                    raise BadSearch(_("A year is written with four digits."))
                continue
            if value not in found:
                found.append(value)
    return tuple(found[:VALUES_MAX])


def read_params(args, *, strict: bool = False) -> SearchParams:
    """Turn query-string arguments into a search.

    The page forgives (nonsense becomes the default); the API (`strict`)
    answers 400 instead, so that a program learns of its mistake.
    """
    text, shortened = clean_text(args.get("q", ""))
    if shortened and strict:
        raise BadSearch(
            _("The query is too long: at most %(n)d characters.", n=QUERY_MAX)
        )
    kind_name = args.get("type", "").strip().lower() or "all"
    sort = args.get("sort", "").strip().lower() or "relevance"
    if strict and (kind_name not in TYPES or sort not in SORTS):
        raise BadSearch(_("Unknown type or sort."))
    return SearchParams(
        text=text,
        kind=TYPES.get(kind_name),
        filters={name: _values(args, name, strict=strict) for name in FILTERS},
        sort=sort if sort in SORTS else "relevance",
        page=_number(
            args.get("page"), default=1, high=PAGE_MAX, strict=strict, name="page"
        ),
        per_page=_number(
            args.get("per_page"),
            default=PER_PAGE,
            high=PER_PAGE_MAX,
            strict=strict,
            name="per_page",
        )
        if strict
        else PER_PAGE,
        shortened=shortened,
    )


# Searching --------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One hit, with the address of its page."""

    kind: str
    id: int
    title: str
    url: str
    snippet: Markup
    language: str
    country: str
    themes: tuple[str, ...]
    date: datetime | None


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass
class SearchOutcome:
    """What a search found, or why it found nothing."""

    params: SearchParams
    results: list[Result] = field(default_factory=list)
    total: int = 0
    # By argument name ("type", "country", "theme"...): values with counts.
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None
    problem: str | None = None  # the query could not be understood
    beyond: bool = False  # the page asked for comes after the last one

    @property
    def page(self) -> int:
        return self.params.page

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.params.per_page))

    @property
    def has_facets(self) -> bool:
        return any(self.facets.get(name) for name in FILTERS)

    def counts(self, name: str) -> dict[str, int]:
        """Return {value: count} of a facet (for the JSON answer)."""
        return {item.value: item.count for item in self.facets.get(name, [])}


def index_search(text: str, **options) -> Results:
    try:
        return search.search_index().search(text, **options)
    except IndexCorrupt as error:
        # Files gone or damaged under the open index: the next search
        # reopens it, and rebuilds it from the database if need be.
        current_app.logger.error("Search index unusable: %s", error)
        search.forget_index()
        raise SearchUnavailable() from error
    except (IndexBusy, OSError) as error:
        current_app.logger.error("Search failed: %s", error)
        raise SearchUnavailable() from error


def page_url(kind: str, record_id: int, *, external: bool = False) -> str:
    """Return the address of the page of an indexed record."""
    endpoint, argument = {
        "practice": ("library.view_practice", "practice_id"),
        "thread": ("forum.view_thread", "thread_id"),
        "post": ("forum.permalink", "post_id"),
    }[kind]
    return url_for(endpoint, **{argument: record_id}, _external=external)


def _result(hit: Hit, *, external: bool) -> Result:
    return Result(
        kind=hit.kind,
        id=hit.record_id,
        title=hit.title,
        url=page_url(hit.kind, hit.record_id, external=external),
        # Built by search_index from escaped text, with <mark> around matches.
        snippet=Markup(hit.snippet),
        language=hit.language,
        country=hit.country,
        themes=hit.themes,
        date=hit.date.replace(tzinfo=UTC) if hit.date else None,
    )


def run_search(params: SearchParams, *, external: bool = False) -> SearchOutcome:
    """Search the index as `params` say; facets count what each choice would give."""
    fields = ("kind", *FILTERS.values())
    try:
        found = index_search(
            params.text,
            filters=params.index_filters(),
            sort=params.sort,
            page=params.page,
            per_page=params.per_page,
            facets=fields,
        )
    except QuerySyntaxError:
        return SearchOutcome(
            params,
            problem=_(
                "We could not understand this query. Write at least one word to "
                "look for, and check that quotes and brackets go in pairs."
            ),
        )
    outcome = SearchOutcome(params, total=found.total)
    outcome.beyond = found.total > 0 and params.page > found.pages
    if not outcome.beyond:
        outcome.results = [_result(hit, external=external) for hit in found.hits]
    counts = {"type": found.facets.get("kind", {})}
    counts.update({name: found.facets.get(FILTERS[name], {}) for name in FILTERS})
    # Values of one filter combine with OR: count each filter's values as if
    # it were not set, so that the other values show what adding them gives.
    for name in [*params.active_filters, *(["type"] if params.kind else [])]:
        index_field = FILTERS.get(name, "kind")
        counts[name] = index_search(
            params.text,
            filters=params.index_filters(without=name),
            per_page=1,
            facets=(index_field,),
        ).facets.get(index_field, {})
    outcome.facets = {name: _facet(params, name, counts[name]) for name in counts}
    if found.suggestion:
        outcome.suggestion = _checked_suggestion(params, found.suggestion)
    return outcome


def _facet(params: SearchParams, name: str, counts: dict) -> list[FacetValue]:
    if name == "type":
        chosen = {params.kind} if params.kind else set()
    else:
        chosen = set(params.filters.get(name, ()))
    values = [
        FacetValue(value, count, value in chosen) for value, count in counts.items()
    ]
    values += [FacetValue(value, 0, True) for value in sorted(chosen - set(counts))]
    if name == "year":
        # Whoosh fills the year column of documents without one (threads,
        # posts) with its largest number: only real years are offered.
        values = [item for item in values if _YEAR.match(item.value)]
        values.sort(key=lambda item: item.value, reverse=True)
    return values


def _checked_suggestion(params: SearchParams, suggestion: str) -> str | None:
    """Keep only corrections that find something now.

    Whoosh keeps the words of removed documents until it merges segments, so
    a suggested word may come from a hidden post: each one must match live
    content (under the same filters) to be offered.
    """
    words = params.text.split()
    proposed = suggestion.split()
    if len(words) != len(proposed):
        return None
    kept = []
    for word, correction in zip(words, proposed, strict=True):
        if correction != word:
            try:
                live = index_search(
                    f'"{correction}"',
                    filters=params.index_filters(),
                    per_page=1,
                    facets=(),
                ).total
            except QuerySyntaxError:
                live = 0
            correction = correction if live else word
        kept.append(correction)
    return " ".join(kept) if kept != words else None


def latest_practices(limit: int = 5) -> list[Result]:
    """Return the newest published practices, from the index."""
    found = index_search(
        "", filters={"kind": "practice"}, sort="date", per_page=limit, facets=()
    )
    return [_result(hit, external=False) for hit in found.hits]
