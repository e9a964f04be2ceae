"""The workshops' part of the OpenAPI document."""

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
from forum.models import WorkshopAccess
from forum.services.workshops import WHEN

STRING = {"type": "string"}
STRINGS = {"type": "array", "items": STRING}
TIME = {"type": "string", "format": "date-time"}
ACCESS = {"type": "string", "enum": [a.value for a in WorkshopAccess]}

SCHEMAS = {
    "Workshop": obj(
        [
            "id",
            "title",
            "description",
            "country",
            "themes",
            "language",
            "access",
            "starts_at",
            "ends_at",
            "room",
            "url",
        ],
        id={"type": "integer"},
        title=STRING,
        description={**STRING, "description": "Markdown"},
        description_html=STRING,
        country=STRING,
        themes=STRINGS,
        language=STRINGS,
        access=ACCESS,
        capacity={"type": ["integer", "null"]},
        starts_at=TIME,
        ends_at=TIME,
        cancelled={"type": "boolean"},
        phase={"type": "string", "enum": list(WHEN)},
        room_state={
            "type": "string",
            "enum": ["scheduled", "open", "closed", "cancelled"],
        },
        room={**STRING, "description": "The Socket.IO room (namespace /chat)"},
        facilitators=STRINGS,
        registered={"type": "integer"},
        url={"type": "string", "format": "uri"},
    ),
    "WorkshopInput": obj(
        ["title", "country", "themes", "language", "starts_at", "ends_at"],
        title=STRING,
        description={**STRING, "description": "Markdown"},
        country=STRING,
        themes=STRINGS,
        language={"oneOf": [STRING, STRINGS]},
        access=ACCESS,
        capacity={"type": ["integer", "null"], "minimum": 1},
        starts_at={**TIME, "description": "ISO 8601 with a time zone"},
        ends_at={**TIME, "description": "ISO 8601 with a time zone"},
        facilitators={**STRINGS, "description": "Usernames"},
    ),
}

_ONE = [id_parameter("workshop_id")]
_ANSWER = {**ok(ref("Workshop")), **error_responses(401, 403, 404, 409, 422)}

PATHS = {
    "/workshops": {
        "get": {
            "operationId": "listWorkshops",
            "summary": "List upcoming, live or past workshops",
            "security": [{}, {"bearerAuth": []}],
            "parameters": [
                query_parameter("when", {"type": "string", "enum": list(WHEN)}, "When"),
                query_parameter("country", STRING, "Country code"),
                query_parameter("theme", STRING, "Theme slug"),
                query_parameter("page", {"type": "integer", "minimum": 1}, "Page"),
            ],
            "responses": {
                **ok(
                    obj(
                        ["workshops", "total", "page", "pages"],
                        workshops={"type": "array", "items": ref("Workshop")},
                        total={"type": "integer"},
                        page={"type": "integer"},
                        pages={"type": "integer"},
                    )
                ),
                **error_responses(422),
            },
        },
        "post": {
            "operationId": "createWorkshop",
            "summary": "Schedule a workshop (organisers, moderators, admins)",
            "requestBody": body(ref("WorkshopInput")),
            "responses": {
                **ok(ref("Workshop"), "Scheduled", 201),
                **error_responses(400, 401, 403, 422),
            },
        },
    },
    "/workshops/{workshop_id}": {
        "get": {
            "operationId": "getWorkshop",
            "summary": "Read a workshop, with its Socket.IO room",
            "security": [{}, {"bearerAuth": []}],
            "parameters": _ONE,
            "responses": {**ok(ref("Workshop")), **error_responses(404)},
        },
        "patch": {
            "operationId": "editWorkshop",
            "summary": "Change a workshop (facilitators); missing fields are kept",
            "parameters": _ONE,
            "requestBody": body({**ref("WorkshopInput"), "required": []}),
            "responses": {**_ANSWER, **error_responses(400)},
        },
    },
    "/workshops/{workshop_id}/cancel": {
        "post": {
            "operationId": "cancelWorkshop",
            "summary": "Cancel a workshop (facilitators)",
            "parameters": _ONE,
            "requestBody": body(obj([], reason=STRING), required=False),
            "responses": {**_ANSWER, **error_responses(400)},
        }
    },
    "/workshops/{workshop_id}/registration": {
        "post": {
            "operationId": "registerForWorkshop",
            "summary": "Register the caller (within the number of places)",
            "parameters": _ONE,
            "responses": _ANSWER,
        },
        "delete": {
            "operationId": "unregisterFromWorkshop",
            "summary": "Cancel the caller's registration",
            "parameters": _ONE,
            "responses": _ANSWER,
        },
    },
}
