"""Naughty strings and XSS payloads through the workshop's other forms, the
adoption form and the API token form.

The promise of tests/hostile/test_naughty_strings.py, for the room's plain
(no-JavaScript) message form, the cancel reason, invitations, the summary,
adoption statements and token names: what a field takes is stored as written
and shown escaped or as sanitised Markdown, with nothing active in the page;
what it cannot take is refused with a 4xx, the text kept, and nothing is
saved; never a 5xx.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    ApiToken,
    ChatMessage,
    Participation,
    Post,
    PracticeAdoption,
)
from forum.services import api_tokens
from tests.api.conftest import ApiClient
from tests.factories import fresh_session, make_user, reload
from tests.hostile.forms import assert_refused_and_kept, safe_page, shown
from tests.hostile.markup import dangerous_markup
from tests.hostile.payloads import LONE_SURROGATE, Field, rows
from tests.library.factories import make_published_practice
from tests.workshops.factories import make_workshop

MESSAGE = Field("body", 4000, markdown=True)


def count(model, *where) -> int:
    return fresh_session().scalar(select(func.count()).select_from(model).where(*where))


def test_room_form_messages_read_back_as_written(writer, poster, client):
    room = make_workshop(writer)
    path = f"/workshops/{room.id}/room"
    for body in MESSAGE.values():
        response = poster.post(path, {"body": body})
        assert response.status_code == 302, (body, response.status_code)
        message = (
            fresh_session()
            .scalars(select(ChatMessage).order_by(ChatMessage.id.desc()))
            .first()
        )
        assert message.body_markdown == MESSAGE.stored(body), body
        page = safe_page(client.get(path), body)
        assert message.body_html in page, body


def test_room_form_refuses_what_does_not_fit_and_keeps_it(writer, poster):
    room = make_workshop(writer)
    for text in MESSAGE.refused():
        response = poster.post(f"/workshops/{room.id}/room", {"body": text})
        assert_refused_and_kept(response, text, f"room {text!r}")
    assert count(ChatMessage) == 0


CANCEL_REASON = Field("reason", 2000, required=False, keeps="ends")


def test_cancel_reasons_read_back_as_written(writer, poster, client):
    for reason in CANCEL_REASON.values():
        workshop = make_workshop(writer)
        response = poster.post(f"/workshops/{workshop.id}/cancel", {"reason": reason})
        assert response.status_code == 302, (reason, response.status_code)
        assert reload(workshop).is_cancelled, reason
        assert workshop.cancel_reason == CANCEL_REASON.stored(reason), reason
        page = safe_page(client.get(f"/workshops/{workshop.id}"), reason)
        assert shown(workshop.cancel_reason) in page, reason


def test_cancel_refuses_a_reason_that_does_not_fit(writer, poster, client):
    """A reason too long (or with a NUL) cancels nothing; the workshop page
    comes back with the error and the reason as typed."""
    workshop = make_workshop(writer)
    for text in CANCEL_REASON.refused():
        response = poster.post(f"/workshops/{workshop.id}/cancel", {"reason": text})
        assert_refused_and_kept(response, text, "cancel reason")
        assert not reload(workshop).is_cancelled, text
    safe_page(client.get(f"/workshops/{workshop.id}"), "after refused reasons")


def test_api_cancel_refuses_a_reason_too_long_instead_of_cutting_it(writer):
    """The API once stored the first 2000 characters of a longer reason."""
    api = ApiClient(current_app, api_tokens.create_api_token(writer, name="api")[1])
    workshop = make_workshop(writer)
    for text in [*CANCEL_REASON.refused(), LONE_SURROGATE]:
        response = api.post(f"/workshops/{workshop.id}/cancel", {"reason": text})
        assert 400 <= response.status_code < 500, (text, response.status_code)
        assert set(response.json) >= {"error", "message"}, text
        assert not reload(workshop).is_cancelled, text
    reason = CANCEL_REASON.values()[0]
    response = api.post(f"/workshops/{workshop.id}/cancel", {"reason": reason})
    assert response.status_code == 200, response.json
    assert response.json["cancelled"] is True
    assert reload(workshop).cancel_reason == CANCEL_REASON.stored(reason)


INVITEES = Field("usernames", 2000)


def test_invitations_take_only_member_names(writer, poster, client):
    workshop = make_workshop(writer)
    guest = make_user(username="guest")
    before = count(Participation)
    for text in [*INVITEES.values(), *INVITEES.refused()]:
        response = poster.post(f"/workshops/{workshop.id}/invite", {"usernames": text})
        if response.status_code != 302:
            assert_refused_and_kept(response, text, f"invite {text!r}")
    mixed = {"usernames": "guest, <script>alert(1)</script>"}
    refused = poster.post(f"/workshops/{workshop.id}/invite", mixed)
    assert refused.status_code == 422
    safe_page_of_error(refused, "a member and a script")
    assert count(Participation) == before
    response = poster.post(f"/workshops/{workshop.id}/invite", {"usernames": "@guest"})
    assert response.status_code == 302
    invited = count(Participation, Participation.user_id == guest.id)
    assert invited == 1
    safe_page(client.get(f"/workshops/{workshop.id}"), "after invitations")


def safe_page_of_error(response, where: str) -> None:
    """A refused invitation names the unknown members, escaped."""
    page = response.get_data(as_text=True)
    assert "No member is called" in page, where
    assert dangerous_markup(page) == [], where


SUMMARY = Field("summary", 20_000, markdown=True)


def test_summaries_read_back_as_written(writer, poster, client):
    workshop = make_workshop(writer)
    path = f"/workshops/{workshop.id}/transcript"
    for summary in SUMMARY.values():
        response = poster.post(path, {"summary": summary})
        assert response.status_code == 302, (summary, response.status_code)
        stored = reload(workshop).summary_markdown
        assert stored == SUMMARY.stored(summary), summary
        thread_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
        opening = fresh_session().scalar(
            select(Post).where(Post.thread_id == thread_id, Post.is_first.is_(True))
        )
        thread = safe_page(client.get(response.location), summary)
        assert opening.body_html in thread, summary
        form = safe_page(client.get(path), summary)
        assert shown(stored) in form, summary


def test_summary_form_refuses_what_does_not_fit_and_keeps_it(writer, poster):
    workshop = make_workshop(writer)
    for text in SUMMARY.refused():
        response = poster.post(
            f"/workshops/{workshop.id}/transcript", {"summary": text}
        )
        assert_refused_and_kept(response, text, f"summary {text!r}")
    assert reload(workshop).summary_markdown == ""
    assert workshop.summary_thread_id is None


ADOPTION = (
    Field("organisation", 200),
    Field("note", 500, required=False, keeps="ends"),
)


def test_adoptions_read_back_as_written(writer, poster, client):
    practice = make_published_practice()
    path = f"/practices/{practice.id}"
    for row in rows(*ADOPTION):
        response = poster.post(f"{path}/adopt", {"kind": "adopted", **row})
        assert response.status_code == 302, (row, response.status_code)
        adoption = fresh_session().scalar(select(PracticeAdoption))
        page = safe_page(client.get(path), repr(row))
        for field in ADOPTION:
            stored = getattr(adoption, field.name)
            assert stored == field.stored(row[field.name]), (field.name, row)
            assert not stored or shown(stored) in page, (field.name, row)


def test_adoption_refuses_what_does_not_fit_and_keeps_it(writer, poster):
    practice = make_published_practice()
    for field in ADOPTION:
        for text in field.refused():
            data = {"kind": "adapted", "organisation": "Coop", field.name: text}
            response = poster.post(f"/practices/{practice.id}/adopt", data)
            assert_refused_and_kept(response, text, f"{field.name} {text!r}")
    assert count(PracticeAdoption) == 0


TOKEN_NAME = Field("name", 80, keeps="ends")


def test_token_names_read_back_as_written(writer, poster):
    for name in TOKEN_NAME.values():
        response = poster.post("/settings/tokens", {"name": name})
        page = safe_page(response, name)
        token = db.session.scalar(select(ApiToken).order_by(ApiToken.id.desc()))
        assert token.name == TOKEN_NAME.stored(name), name
        assert shown(token.name) in page, name
        # Revoked tokens leave the list, which so stays short.
        api_tokens.revoke_api_token(writer, token.id)


def test_token_form_refuses_what_does_not_fit_and_keeps_it(writer, poster):
    for text in TOKEN_NAME.refused():
        response = poster.post("/settings/tokens", {"name": text})
        assert_refused_and_kept(response, text, f"token {text!r}")
    assert count(ApiToken) == 0
