"""Naughty strings and XSS payloads through the JSON API's text fields.

A string a field cannot take gets a 4xx JSON error (`error`, `message`),
never a 5xx; a string it takes reads back as written through the API, with
only sanitised HTML beside it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum.columns import utcnow
from forum.extensions import db
from forum.models import Post
from forum.services.api_tokens import create_api_token
from tests.api.conftest import ApiClient
from tests.factories import make_user
from tests.hostile.markup import dangerous_markup
from tests.hostile.payloads import FILLER, LONE_SURROGATE, Field, hostile_strings, rows

TITLE = Field("title", 200)
BODY = Field("body", 50_000, markdown=True)
THREAD_CHOICES = {"country": "TN", "themes": ["social-finance"], "language": "en"}


@pytest.fixture
def api(app) -> ApiClient:
    """The API as an organiser calls it, with a personal token."""
    user = make_user(username="hostileapi", can_organise=True)
    return ApiClient(app, create_api_token(user, name="hostile")[1])


def assert_clear_refusal(response, where: str) -> None:
    assert 400 <= response.status_code < 500, (where, response.status_code)
    assert set(response.json) >= {"error", "message"}, where


def assert_sanitised(html: str | None, where: str) -> None:
    assert dangerous_markup(html or "") == [], where


def test_threads_read_back_as_written(api):
    for row in rows(TITLE, BODY):
        where = f"thread {row!r}"
        created = api.post("/threads", {**THREAD_CHOICES, **row})
        assert created.status_code == 201, (where, created.json)
        thread = api.get(f"/threads/{created.json['id']}").json
        assert thread["title"] == TITLE.stored(row["title"]), where
        opening = thread["posts"][0]
        assert_sanitised(opening["body_html"], where)
        stored = db.session.get(Post, opening["id"])
        assert stored.body_markdown == BODY.stored(row["body"]), where


def test_replies_read_back_as_written(api):
    created = api.post("/threads", {**THREAD_CHOICES, "title": "T", "body": "B"})
    thread_id = created.json["id"]
    for body in BODY.values():
        reply = api.post(f"/threads/{thread_id}/posts", {"body": body})
        assert reply.status_code == 201, (body, reply.json)
        assert api.get(f"/posts/{reply.json['id']}").json == reply.json
        assert_sanitised(reply.json["body_html"], body)


def test_thread_fields_refuse_what_does_not_fit(api):
    for field, other in ((TITLE, BODY), (BODY, TITLE)):
        for text in [*field.refused(), LONE_SURROGATE]:
            data = {**THREAD_CHOICES, field.name: text, other.name: "Fine words."}
            assert_clear_refusal(api.post("/threads", data), f"{field.name} {text!r}")
    assert api.get("/threads").json["total"] == 0


def test_post_edits_read_back_as_written(api):
    created = api.post("/threads", {**THREAD_CHOICES, "title": "T", "body": "B"})
    post_id = created.json["posts"][0]["id"]
    for row in rows(TITLE, BODY):
        edited = api.patch(f"/posts/{post_id}", row)
        assert edited.status_code == 200, (row, edited.json)
        assert_sanitised(edited.json["body_html"], repr(row))
        thread = api.get(f"/threads/{created.json['id']}").json
        assert thread["title"] == TITLE.stored(row["title"]), row
        assert db.session.get(Post, post_id).body_markdown == BODY.stored(row["body"])
    for text in [*BODY.refused(), LONE_SURROGATE]:
        assert_clear_refusal(api.patch(f"/posts/{post_id}", {"body": text}), text)


PRACTICE_TEXT = (
    Field("title", 200),
    Field("summary", 500, required=False),
    Field("place", 120, required=False),
    Field("organisation", 200, required=False),
    Field("contact", 500, required=False),
)
SECTION = Field("context", 20_000, markdown=True, required=False)
PRACTICE_CHOICES = {
    "country": "TN",
    "themes": ["social-finance"],
    "actor_types": ["sse_enterprise"],
    "language": "en",
}


def practice_input(row: dict) -> dict:
    text = {field.name: row[field.name] for field in PRACTICE_TEXT}
    sections = {"context": row["context"], "results": row["context"]}
    return {**PRACTICE_CHOICES, **text, "sections": sections}


def test_practices_read_back_as_written(api):
    for row in rows(*PRACTICE_TEXT, SECTION):
        where = f"practice {row!r}"
        created = api.post("/practices", practice_input(row))
        assert created.status_code == 201, (where, created.json)
        practice = api.get(f"/practices/{created.json['id']}").json
        for field in PRACTICE_TEXT:
            assert practice[field.name] == field.stored(row[field.name]), where
        for name in ("context", "results"):
            assert practice["sections"][name] == SECTION.stored(row["context"])
            assert_sanitised(practice["sections_html"][name], where)


def test_practice_fields_refuse_what_does_not_fit(api):
    for field in (*PRACTICE_TEXT, SECTION):
        for text in [*field.refused(), LONE_SURROGATE]:
            row = {f.name: FILLER for f in (*PRACTICE_TEXT, SECTION)}
            response = api.post("/practices", practice_input({**row, field.name: text}))
            assert_clear_refusal(response, f"{field.name} {text!r}")
    links = Field("links", 500, required=False)
    for text in [*links.values(), *links.refused()]:
        data = {**PRACTICE_CHOICES, "title": "Links", "links": [text]}
        response = api.post("/practices", data)
        if response.status_code != 201:
            assert_clear_refusal(response, f"links {text!r}")


WORKSHOP_TITLE = Field("title", 200)
DESCRIPTION = Field("description", 20_000, markdown=True, required=False)


def workshop_input(**text) -> dict:
    start = utcnow() + timedelta(days=2)
    return {
        "country": "TN",
        "themes": ["social-finance"],
        "language": "fr",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        **text,
    }


def test_workshops_read_back_as_written(api):
    for row in rows(WORKSHOP_TITLE, DESCRIPTION):
        created = api.post("/workshops", workshop_input(**row))
        assert created.status_code == 201, (row, created.json)
        workshop = api.get(f"/workshops/{created.json['id']}").json
        assert workshop["title"] == WORKSHOP_TITLE.stored(row["title"]), row
        assert workshop["description"] == DESCRIPTION.stored(row["description"])
        assert_sanitised(workshop["description_html"], repr(row))
    for field in (WORKSHOP_TITLE, DESCRIPTION):
        for text in [*field.refused(), LONE_SURROGATE]:
            data = workshop_input(**{"title": "Fine", field.name: text})
            assert_clear_refusal(api.post("/workshops", data), f"{field.name} {text!r}")


def test_search_answers_every_hostile_query(api):
    for query in hostile_strings():
        response = api.get("/search", query_string={"q": query})
        where = f"search {query!r}"
        if response.status_code != 200:
            assert_clear_refusal(response, where)
            continue
        for result in response.json["results"]:
            assert_sanitised(result.get("snippet"), where)
