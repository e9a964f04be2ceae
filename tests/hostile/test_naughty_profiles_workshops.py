"""Naughty strings and XSS payloads through the profile, workshop and search pages.

The same promise as tests/hostile/test_naughty_strings.py: a clear 4xx that
keeps the text, or the text stored as written and shown escaped or as
sanitised Markdown, never a 5xx and never a live script.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from forum.columns import utcnow
from forum.extensions import db
from forum.models import Workshop
from tests.factories import reload
from tests.forum.factories import make_thread
from tests.hostile.forms import assert_refused_and_kept, created_id, safe_page, shown
from tests.hostile.payloads import XSS_PAYLOADS, Field, hostile_strings, rows

PROFILE_TEXT = (
    Field("display_name", 80, keeps="ends"),
    Field("organisation", 150, required=False, keeps="ends"),
)
BIO = Field("bio", 2000, markdown=True, required=False, keeps="as-is")
PROFILE_CHOICES = {
    "actor_type": "other",
    "country": "",
    "locale": "en",
    "timezone": "UTC",
    "email_notifications": "none",
}


def test_profile_fields_read_back_as_written(writer, poster, client):
    for row in rows(*PROFILE_TEXT, BIO):
        where = f"profile {row!r}"
        response = poster.post("/settings", {**PROFILE_CHOICES, **row})
        assert response.status_code == 302, (where, response.status_code)
        member = reload(writer)
        page = safe_page(client.get(f"/u/{member.username}"), where)
        for field in PROFILE_TEXT:
            stored = getattr(member, field.name)
            assert stored == field.stored(row[field.name]), (field.name, where)
            assert not stored or shown(stored) in page, (field.name, where)
        assert member.bio_markdown == BIO.stored(row["bio"]), where
        assert member.bio_html in page, where


def test_profile_form_refuses_what_does_not_fit_and_keeps_it(writer, poster):
    for field in (*PROFILE_TEXT, BIO):
        for text in field.refused():
            data = {**PROFILE_CHOICES, "display_name": "Hostile", field.name: text}
            response = poster.post("/settings", data)
            assert_refused_and_kept(response, text, f"{field.name} {text!r}")
    assert reload(writer).display_name != "Hostile"


WORKSHOP_TITLE = Field("title", 200)
DESCRIPTION = Field("description", 20_000, markdown=True, required=False)


def workshop_choices() -> dict:
    start = utcnow() + timedelta(days=2)
    return {
        "country": "TN",
        "themes": "social-finance",
        "languages": "fr",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "access": "open",
        "capacity": "",
        "facilitators": "",
    }


def test_workshop_title_and_description_read_back_as_written(poster, client):
    choices = workshop_choices()
    for row in rows(WORKSHOP_TITLE, DESCRIPTION):
        where = f"workshop {row!r}"
        response = poster.post("/workshops/new", {**choices, **row})
        workshop = db.session.get(Workshop, created_id(response))
        assert workshop.title == WORKSHOP_TITLE.stored(row["title"]), where
        assert workshop.description_markdown == DESCRIPTION.stored(row["description"])
        page = safe_page(client.get(f"/workshops/{workshop.id}"), where)
        assert shown(workshop.title) in page, where
        assert workshop.description_html in page, where


def test_workshop_form_refuses_what_does_not_fit_and_keeps_it(poster):
    choices = workshop_choices()
    for field in (WORKSHOP_TITLE, DESCRIPTION):
        for text in field.refused():
            data = {**choices, "title": "Fine title", field.name: text}
            response = poster.post("/workshops/new", data)
            assert_refused_and_kept(response, text, f"{field.name} {text!r}")
    assert db.session.scalar(select(Workshop.id)) is None


def test_workshop_facilitators_take_only_member_names(poster):
    choices = workshop_choices()
    facilitators = Field("facilitators", 500, required=False)
    for text in [*facilitators.values(), *facilitators.refused()]:
        data = {**choices, "title": "Facilitated", "facilitators": text}
        response = poster.post("/workshops/new", data)
        where = f"facilitators {text!r}"
        if response.status_code != 302:
            assert_refused_and_kept(response, text, where)


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def searched_text(query: str) -> str:
    """Return the query as the search box shows it.

    A NUL becomes U+FFFD (forum.security), other controls spaces, and
    whitespace runs one space; only the first 500 characters are searched.
    """
    query = CONTROL.sub(" ", query.replace("\x00", "\ufffd"))
    return " ".join(query.split())[:500]


def test_search_shows_hostile_queries_and_results_as_text(writer, client):
    for number, payload in enumerate(XSS_PAYLOADS, start=1):
        make_thread(writer, title=f"Hostile {number} {payload}"[:200], body=payload)
    queries = ["alert", "script onerror", "javascript", "svg", *hostile_strings()]
    for query in queries:
        response = client.get("/search", query_string={"q": query})
        where = f"search {query!r}"
        assert response.status_code in (200, 400), (where, response.status_code)
        page = response.get_data(as_text=True)
        if response.status_code == 200:
            safe_page(response, where)
            assert shown(searched_text(query)) in page, where
    found = safe_page(client.get("/search", query_string={"q": "alert"}), "alert")
    assert "Hostile 1 " in found
