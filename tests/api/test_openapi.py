"""The OpenAPI document describes exactly the routes under /api/v1."""

from __future__ import annotations

import re

import pytest

from forum.blueprints.api.openapi import openapi_document
from tests.forum.factories import make_reply, make_thread, old_member

PREFIX = "/api/v1"
IGNORED = {"HEAD", "OPTIONS"}


def rule_to_path(rule: str) -> str:
    """Turn /api/v1/things/<int:id> into /things/{id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.removeprefix(PREFIX))


@pytest.fixture
def document(app):
    with app.test_request_context():
        return openapi_document()


@pytest.fixture
def routes(app) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            methods = {m.lower() for m in rule.methods - IGNORED}
            found.setdefault(rule_to_path(rule.rule), set()).update(methods)
    return found


def test_rule_to_path_names_parameters_as_openapi_does():
    assert rule_to_path("/api/v1/threads/<int:thread_id>") == "/threads/{thread_id}"
    assert rule_to_path("/api/v1/u/<name>/posts") == "/u/{name}/posts"


def test_every_api_route_is_documented_with_its_methods(document, routes):
    assert routes, "no routes under /api/v1"
    for path, methods in routes.items():
        assert path in document["paths"], f"{path} is not documented"
        assert set(document["paths"][path]) >= methods, path


def test_every_documented_path_and_method_exists(document, routes):
    for path, operations in document["paths"].items():
        assert path in routes, f"{path} is documented but has no route"
        assert set(operations) <= routes[path], path


def test_served_document_is_the_same(client, document):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json == document
    assert response.json["servers"] == [{"url": PREFIX}]


def required_fields(document: dict, name: str) -> set[str]:
    """Return the required properties of a schema, following allOf."""
    schema = document["components"]["schemas"][name]
    parts = schema.get("allOf", [schema])
    found = set()
    for part in parts:
        if "$ref" in part:
            found |= required_fields(document, part["$ref"].rsplit("/", 1)[1])
        found |= set(part.get("required", []))
    return found


def test_forum_answers_carry_the_fields_the_document_requires(
    document, api_as, visitor
):
    thread = make_thread()
    reply = make_reply(thread)
    thread_answer = visitor.get(f"/threads/{thread.id}").json
    listing = visitor.get("/threads").json
    flag = (
        api_as(old_member())
        .post(f"/posts/{reply.id}/flag", json={"reason": "spam"})
        .json
    )

    assert required_fields(document, "Thread") <= set(thread_answer)
    assert required_fields(document, "ThreadList") <= set(listing)
    assert required_fields(document, "ThreadSummary") <= set(listing["threads"][0])
    opening = thread_answer["posts"][0]
    for post in (opening, *opening["replies"]):
        assert required_fields(document, "Post") <= set(post)
    assert required_fields(document, "Flag") <= set(flag)
