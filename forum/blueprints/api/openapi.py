"""The OpenAPI 3.1 document of /api/v1, kept true by tests/api/test_openapi.py."""

from __future__ import annotations

from flask import url_for

from forum.blueprints.api import openapi_forum, openapi_library, openapi_workshops
from forum.blueprints.api.openapi_builders import error_responses, ok, ref

NAMES = {"type": "object", "additionalProperties": {"type": "string"}}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    },
    "Country": {
        "type": "object",
        "required": ["code", "names", "active"],
        "properties": {
            "code": {"type": "string", "examples": ["TN", "MED"]},
            "names": NAMES,
            "active": {"type": "boolean"},
        },
    },
    "Theme": {
        "type": "object",
        "required": ["slug", "names", "descriptions", "active"],
        "properties": {
            "slug": {"type": "string", "examples": ["social-finance"]},
            "names": NAMES,
            "descriptions": NAMES,
            "active": {"type": "boolean"},
        },
    },
    "User": {
        "type": "object",
        "required": ["id", "username", "display_name", "role"],
        "properties": {
            "id": {"type": "integer"},
            "username": {"type": "string"},
            "display_name": {"type": "string"},
            "organisation": {"type": "string"},
            "actor_type": {
                "type": "string",
                "enum": [
                    "sse_enterprise",
                    "training_provider",
                    "public_administration",
                    "support_network",
                    "other",
                ],
            },
            "country": {"type": ["string", "null"]},
            "languages": {"type": "array", "items": {"type": "string"}},
            "role": {"type": "string", "enum": ["member", "moderator", "admin"]},
            "bio_html": {"type": "string"},
        },
    },
    **openapi_forum.SCHEMAS,
    **openapi_library.SCHEMAS,
    **openapi_workshops.SCHEMAS,
}

PATHS = {
    "/countries": {
        "get": {
            "operationId": "listCountries",
            "summary": "List the countries in use",
            "security": [],
            "responses": {
                **ok(
                    {
                        "type": "object",
                        "required": ["countries"],
                        "properties": {
                            "countries": {
                                "type": "array",
                                "items": ref("Country"),
                            }
                        },
                    }
                )
            },
        }
    },
    "/themes": {
        "get": {
            "operationId": "listThemes",
            "summary": "List the themes in use",
            "security": [],
            "responses": {
                **ok(
                    {
                        "type": "object",
                        "required": ["themes"],
                        "properties": {
                            "themes": {
                                "type": "array",
                                "items": ref("Theme"),
                            }
                        },
                    }
                )
            },
        }
    },
    "/me": {
        "get": {
            "operationId": "getMe",
            "summary": "Describe the calling account",
            "responses": {
                **ok(ref("User")),
                **error_responses(401),
            },
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "The OpenAPI document"}},
        }
    },
    **openapi_forum.PATHS,
    **openapi_library.PATHS,
    **openapi_workshops.PATHS,
}


def openapi_document() -> dict:
    """Return the OpenAPI document, with the server URL of this site."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Agora API",
            "version": "1",
            "description": "Forum, library and workshops of the Mediterranean "
            "SSE network. "
            "Authenticate with a personal token: `Authorization: Bearer agora_...`.",
        },
        "servers": [{"url": url_for("api.openapi", _external=False).rsplit("/", 1)[0]}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
