"""Small builders of OpenAPI 3.1 objects, shared by every part of the document."""

from __future__ import annotations

from forum.blueprints.api.inputs import MAX_ID


def ref(name: str) -> dict:
    """Point to a schema of the components."""
    return {"$ref": f"#/components/schemas/{name}"}


def error_responses(*codes: int) -> dict:
    """Describe the JSON error answers with these status codes."""
    descriptions = {
        400: "Bad request: the body is not a JSON object",
        401: "Authentication required",
        403: "Forbidden: outside the caller's rights or moderation scope",
        404: "Not found or not visible to the caller",
        409: "Conflicts with the current state",
        422: "Invalid input: a field is missing, of the wrong type or refused",
        429: "Posting too fast",
    }
    return {
        str(code): {
            "description": descriptions[code],
            "content": {"application/json": {"schema": ref("Error")}},
        }
        for code in codes
    }


def ok(schema: dict, description: str = "OK", status: int = 200) -> dict:
    """Describe a JSON answer."""
    return {
        str(status): {
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    }


def body(schema: dict, required: bool = True) -> dict:
    """Describe a JSON request body."""
    return {
        "required": required,
        "content": {"application/json": {"schema": schema}},
    }


def id_parameter(name: str) -> dict:
    """Describe an id in the path."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    }


def query_parameter(name: str, schema: dict, description: str) -> dict:
    """Describe an optional query-string parameter."""
    return {"name": name, "in": "query", "schema": schema, "description": description}


def obj(required: list[str], **properties) -> dict:
    """Describe a JSON object."""
    return {"type": "object", "required": required, "properties": properties}
