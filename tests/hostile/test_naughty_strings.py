"""Naughty strings and XSS payloads through the forum's and the library's forms.

For each text field: a string the field cannot take gets a clear 4xx with the
text still in the form (nothing lost), never a 5xx; the strings it takes are
stored as written and shown escaped, or as sanitised Markdown, with no
script, event handler or active URL from them in the page.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, Practice, Thread
from tests.factories import fresh_session
from tests.hostile.forms import (
    assert_refused_and_kept,
    created_id,
    safe_page,
    shown,
)
from tests.hostile.markup import dangerous_markup
from tests.hostile.payloads import Field, rows

THREAD_CHOICES = {
    "country": "TN",
    "themes": "social-finance",
    "language": "en",
    "submit": "Start the discussion",
}
TITLE = Field("title", 200)
BODY = Field("body", 50_000, markdown=True)


def count(model) -> int:
    return fresh_session().scalar(select(func.count()).select_from(model))


def test_thread_titles_and_bodies_read_back_as_written(poster, client):
    for row in rows(TITLE, BODY):
        where = f"thread {row!r}"
        response = poster.post("/threads/new", {**THREAD_CHOICES, **row})
        thread = db.session.get(Thread, created_id(response))
        opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
        assert thread.title == TITLE.stored(row["title"]), where
        assert opening.body_markdown == BODY.stored(row["body"]), where
        page = safe_page(client.get(f"/threads/{thread.id}"), where)
        assert shown(thread.title) in page, where
        assert opening.body_html in page, where
        assert dangerous_markup(opening.body_html) == [], where
        feed = client.get(f"/feeds/threads/{thread.id}.atom")
        assert feed.status_code == 200, where
        ElementTree.fromstring(feed.get_data())


def test_thread_form_refuses_what_does_not_fit_and_keeps_it(poster):
    before = count(Thread)
    for field, other in ((TITLE, BODY), (BODY, TITLE)):
        for text in field.refused():
            data = {**THREAD_CHOICES, field.name: text, other.name: "Fine words."}
            response = poster.post("/threads/new", data)
            assert_refused_and_kept(response, text, f"{field.name} {text!r}")
    assert count(Thread) == before


def test_replies_read_back_as_written(poster, client):
    response = poster.post(
        "/threads/new", {**THREAD_CHOICES, "title": "Replies", "body": "Answer me."}
    )
    thread_id = created_id(response)
    replies = []
    for body in BODY.values():
        response = poster.post(f"/threads/{thread_id}/reply", {"body": body})
        post = db.session.get(Post, int(response.location.rsplit("/", 1)[1]))
        assert post.body_markdown == BODY.stored(body), body
        replies.append(post)
    for text in BODY.refused():
        response = poster.post(f"/threads/{thread_id}/reply", {"body": text})
        assert_refused_and_kept(response, text, f"reply {text!r}")
    page = safe_page(client.get(f"/threads/{thread_id}"), "thread of replies")
    for post in replies:
        assert post.body_html in page, post.body_markdown
    assert count(Post) == len(replies) + 1


PRACTICE_TEXT = (
    Field("title", 200),
    Field("summary", 500, required=False),
    Field("place", 120, required=False),
    Field("organisation", 200, required=False),
    Field("contact", 500, required=False),
)
SECTIONS = tuple(
    Field(name, 20_000, markdown=True, required=False)
    for name in ("context", "actions", "actors", "resources", "results")
) + (
    Field("difficulties", 20_000, markdown=True, required=False),
    Field("transfer", 20_000, markdown=True, required=False),
)
PRACTICE_CHOICES = {
    "country": "TN",
    "themes": "social-finance",
    "actor_types": "sse_enterprise",
    "language": "en",
    "status": "ongoing",
    "save": "Save draft",
}


def test_practice_fields_read_back_as_written(poster, client):
    for row in rows(*PRACTICE_TEXT, *SECTIONS):
        where = f"practice {row!r}"
        response = poster.post("/practices/new", {**PRACTICE_CHOICES, **row})
        practice = db.session.get(Practice, created_id(response))
        page = safe_page(client.get(f"/practices/{practice.id}"), where)
        for field in PRACTICE_TEXT:
            stored = getattr(practice, field.name)
            assert stored == field.stored(row[field.name]), (field.name, where)
            assert shown(stored) in page, (field.name, where)
        for field in SECTIONS:
            assert practice.sections[field.name] == field.stored(row[field.name])
            assert practice.sections_html[field.name] in page, (field.name, where)


def test_practice_form_refuses_what_does_not_fit_and_keeps_it(poster):
    before = count(Practice)
    for field in (*PRACTICE_TEXT, *SECTIONS):
        for text in field.refused():
            data = {**PRACTICE_CHOICES, "title": "Fine title", field.name: text}
            response = poster.post("/practices/new", data)
            assert_refused_and_kept(response, text, f"{field.name} {text!r}")
    assert count(Practice) == before


def test_practice_links_accept_only_web_addresses(poster, client):
    for text in [*Field("links", 500).values(), *Field("links", 500).refused()]:
        data = {**PRACTICE_CHOICES, "title": "Links", "links": text}
        response = poster.post("/practices/new", data)
        where = f"links {text!r}"
        assert response.status_code in (302, 400, 422), (where, response.status_code)
        if response.status_code == 302:
            safe_page(client.get(response.location), where)
        else:
            assert_refused_and_kept(response, text, where)
