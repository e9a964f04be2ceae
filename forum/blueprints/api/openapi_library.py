"""The library's part of the OpenAPI document: practices, their review, search."""

from __future__ import annotations

from forum.blueprints.api.openapi_builders import (
    body,
    error_responses,
    id_parameter,
    obj,
    ok,
    query_parameter,
    ref,
)
from forum.blueprints.api.practices import PRACTICE_ACTIONS
from forum.models import SECTIONS, ActorType, PracticeState, ProjectStatus
from forum.services.practices import SORTS
from forum.services.site_search import (
    FILTERS,
    PAGE_MAX,
    PER_PAGE,
    PER_PAGE_MAX,
    QUERY_MAX,
)
from forum.services.site_search import (
    SORTS as SEARCH_SORTS,
)

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
INTEGER = {"type": "integer"}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
BOOLEAN = {"type": "boolean"}
URL = {"type": "string", "format": "uri"}
STRINGS = {"type": "array", "items": STRING}
ACTOR_TYPES = {"type": "string", "enum": [kind.value for kind in ActorType]}
PROJECT_STATUS = {"type": "string", "enum": [s.value for s in ProjectStatus]}
SECTION_TEXTS = obj(
    [], **{name: {**STRING, "description": "Markdown"} for name in SECTIONS}
)
COUNTS = {"type": "object", "additionalProperties": INTEGER}

PRACTICE_SUMMARY_FIELDS = [
    "id",
    "title",
    "url",
    "summary",
    "country",
    "place",
    "themes",
    "actor_types",
    "language",
    "start_year",
    "end_year",
    "status",
    "organisation",
    "state",
    "featured",
    "published_at",
    "adoptions",
]

SCHEMAS = {
    "PracticeSummary": obj(
        PRACTICE_SUMMARY_FIELDS,
        id=INTEGER,
        title=STRING,
        url={**URL, "description": "The practice's page"},
        summary={**STRING, "maxLength": 500},
        country={**STRING, "examples": ["TN", "MED"]},
        place={**STRING, "description": "Region or city"},
        themes=STRINGS,
        actor_types={"type": "array", "items": ACTOR_TYPES},
        language=STRING,
        start_year=NULLABLE_INTEGER,
        end_year=NULLABLE_INTEGER,
        status={**PROJECT_STATUS, "description": "The project: ongoing or completed"},
        organisation=STRING,
        state={
            "type": "string",
            "enum": [state.value for state in PracticeState],
            "description": "Where the practice is in its review",
        },
        featured=BOOLEAN,
        original_id={
            **NULLABLE_INTEGER,
            "description": "The practice this one translates; null for an original",
        },
        published_at=NULLABLE_TIME,
        adoptions={**INTEGER, "description": "Organisations that took it up"},
    ),
    "Practice": {
        "allOf": [
            ref("PracticeSummary"),
            obj(
                ["sections", "sections_html", "links", "contact", "author"],
                sections={**SECTION_TEXTS, "description": "Markdown of each section"},
                sections_html={
                    "type": "object",
                    "additionalProperties": STRING,
                    "description": "Each section as sanitised HTML",
                },
                links={"type": "array", "items": URL},
                contact={
                    **NULLABLE_STRING,
                    "description": "Null unless the caller is a logged-in member",
                },
                author=ref("Author"),
                created_at=TIME,
                updated_at=TIME,
                discussion_url={**NULLABLE_STRING, "format": "uri"},
                translations={
                    "type": "array",
                    "items": obj(["id", "language"], id=INTEGER, language=STRING),
                },
                review_comment={
                    **NULLABLE_STRING,
                    "description": "The moderator's latest word (author and "
                    "moderators only)",
                },
                pending_edit={
                    "type": ["string", "null"],
                    "enum": ["pending", "changes_requested", "rejected", None],
                    "description": "State of an edit of the published text "
                    "(author and moderators only)",
                },
            ),
        ]
    },
    "PracticeList": obj(
        ["practices", "total", "page", "pages"],
        practices={"type": "array", "items": ref("PracticeSummary")},
        total=INTEGER,
        page=INTEGER,
        pages=INTEGER,
    ),
    "PracticeInput": obj(
        [],
        title={**STRING, "maxLength": 200},
        summary={**STRING, "maxLength": 500},
        sections=SECTION_TEXTS,
        country=STRING,
        place=STRING,
        themes={**STRINGS, "minItems": 1, "maxItems": 3},
        actor_types={"type": "array", "items": ACTOR_TYPES, "minItems": 1},
        language={**STRING, "examples": ["en", "fr", "ar"]},
        start_year=NULLABLE_INTEGER,
        end_year=NULLABLE_INTEGER,
        status=PROJECT_STATUS,
        organisation=STRING,
        contact={**STRING, "description": "Shown to logged-in members only"},
        links={"type": "array", "items": URL, "maxItems": 10},
    ),
    "NewPractice": {
        "allOf": [
            ref("PracticeInput"),
            obj(
                ["title", "country", "themes", "actor_types", "language"],
                original_id={
                    **INTEGER,
                    "description": "A published practice this one translates",
                },
            ),
        ]
    },
    "PracticeEdit": {
        "allOf": [
            ref("PracticeInput"),
            obj(
                [],
                minor={
                    **BOOLEAN,
                    "description": "A small correction of a published practice, "
                    "published at once",
                },
                note={**STRING, "maxLength": 300, "description": "What changed"},
            ),
        ]
    },
    "SearchResult": obj(
        ["type", "id", "title", "url", "snippet"],
        type={"type": "string", "enum": ["practice", "thread", "post"]},
        id=INTEGER,
        title=STRING,
        url=URL,
        snippet={
            **STRING,
            "description": "HTML: escaped text with <mark> around the words found",
        },
        language=STRING,
        country=NULLABLE_STRING,
        themes=STRINGS,
        date=NULLABLE_TIME,
    ),
    "SearchResults": obj(
        ["total", "page", "pages", "results", "facets", "suggestion"],
        total=INTEGER,
        page=INTEGER,
        pages=INTEGER,
        per_page=INTEGER,
        results={"type": "array", "items": ref("SearchResult")},
        facets={
            **obj([], **{name: COUNTS for name in ("type", *FILTERS)}),
            "description": "For each filter, how many results each value gives; "
            "a filter that is set counts its values as if it were not, since "
            "several values of one filter combine with OR",
        },
        suggestion={
            **NULLABLE_STRING,
            "description": "A corrected query, when nothing matches",
        },
    ),
}

AUTH_ERRORS = (400, 401, 403, 404, 422)


def _filter(name: str, description: str) -> dict:
    return query_parameter(name, STRING, description)


def _review_paths() -> dict:
    paths = {}
    for name, action in PRACTICE_ACTIONS.items():
        fields = {action.field: STRING} if action.field else {}
        request = obj([action.field] if action.required else [], **fields)
        operation_id = "".join(word.capitalize() for word in name.split("-"))
        paths[f"/practices/{{practice_id}}/{name}"] = {
            "post": {
                "operationId": f"{operation_id[0].lower()}{operation_id[1:]}Practice",
                "summary": action.summary,
                "parameters": [id_parameter("practice_id")],
                "requestBody": body(request, required=action.required),
                "responses": {**ok(ref("Practice")), **error_responses(*AUTH_ERRORS)},
            }
        }
    return paths


PATHS = {
    "/practices": {
        "get": {
            "operationId": "listPractices",
            "summary": "List published practices, filtered and sorted as the "
            "library is",
            "security": [],
            "parameters": [
                _filter("country", "A country code (MED included)"),
                _filter("theme", "A theme slug"),
                query_parameter("actor_type", ACTOR_TYPES, "An actor type involved"),
                _filter("lang", "The language of the practice"),
                query_parameter(
                    "sort",
                    {"type": "string", "enum": list(SORTS), "default": "latest"},
                    "Newest published, by title, or most adopted",
                ),
                query_parameter(
                    "page", {"type": "integer", "minimum": 1, "default": 1}, "Page"
                ),
            ],
            "responses": {**ok(ref("PracticeList")), **error_responses(422)},
        },
        "post": {
            "operationId": "createPractice",
            "summary": "Save a new draft practice (submit it when ready)",
            "requestBody": body(ref("NewPractice")),
            "responses": {
                **ok(ref("Practice"), "Created", 201),
                **error_responses(400, 401, 403, 404, 422),
            },
        },
    },
    "/practices/{practice_id}": {
        "get": {
            "operationId": "getPractice",
            "summary": "Read a practice: published ones for all, a draft for its "
            "author, a submitted one for its reviewers too",
            "security": [],
            "parameters": [id_parameter("practice_id")],
            "responses": {**ok(ref("Practice")), **error_responses(404)},
        },
        "patch": {
            "operationId": "editPractice",
            "summary": "Change the fields sent; a substantive edit of a published "
            "practice waits for review",
            "parameters": [id_parameter("practice_id")],
            "requestBody": body(ref("PracticeEdit")),
            "responses": {**ok(ref("Practice")), **error_responses(*AUTH_ERRORS)},
        },
    },
    **_review_paths(),
    "/search": {
        "get": {
            "operationId": "search",
            "summary": "Search practices, threads and posts in every language",
            "description": 'Words, "phrases", OR, -word, and the prefixes title:, '
            "country:, theme:, lang:. Accents and capitals do not matter. "
            "Filters combine with AND; several values of one filter (repeated "
            "or comma-separated) with OR.",
            "security": [],
            "parameters": [
                query_parameter("q", {**STRING, "maxLength": QUERY_MAX}, "The query"),
                query_parameter(
                    "type",
                    {
                        "type": "string",
                        "enum": ["all", "practice", "thread", "post"],
                        "default": "all",
                    },
                    "Only practices, threads or posts",
                ),
                _filter("country", "Country codes"),
                _filter("theme", "Theme slugs"),
                _filter("actor_type", "Actor types (practices)"),
                _filter("lang", "Language codes"),
                _filter("year", "Start years (practices)"),
                _filter("status", "ongoing or completed (practices)"),
                query_parameter(
                    "sort",
                    {
                        "type": "string",
                        "enum": list(SEARCH_SORTS),
                        "default": "relevance",
                    },
                    "Best match first, or newest first",
                ),
                query_parameter(
                    "page",
                    {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": PAGE_MAX,
                        "default": 1,
                    },
                    "Page",
                ),
                query_parameter(
                    "per_page",
                    {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": PER_PAGE_MAX,
                        "default": PER_PAGE,
                    },
                    "Results per page",
                ),
            ],
            "responses": {
                **ok(ref("SearchResults")),
                "400": {
                    "description": "The query or an argument cannot be understood",
                    "content": {"application/json": {"schema": ref("Error")}},
                },
                "503": {
                    "description": "The index cannot be read at the moment",
                    "content": {"application/json": {"schema": ref("Error")}},
                },
            },
        }
    },
}
