"""Naughty strings and XSS payloads through practice edits, translations and
the moderators' forms.

The promise of tests/hostile/test_naughty_strings.py, for the practice edit
form (its edit note and minor-edit flag), the translation form, review
comments, and the reasons moderators and members give (hiding, locking,
suspending, flagging): what a field takes is stored as written and shown
escaped or as sanitised Markdown, with nothing active in the page; what it
cannot take gets a 4xx with the text kept and nothing is saved; never a 5xx.
"""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import func, select

from forum.extensions import db
from forum.i18n import SPOKEN_LANGUAGES
from forum.models import Flag, Practice, PracticeRevision
from forum.services import practice_review
from forum.services.practices import MINOR_EDIT_MAX_CHANGES as MINOR_EDIT_MAX
from tests.factories import fresh_session, make_user, reload
from tests.forum.factories import make_reply, make_thread
from tests.hostile.conftest import FormPoster
from tests.hostile.forms import assert_refused_and_kept, created_id, safe_page, shown
from tests.hostile.payloads import XSS_PAYLOADS, Field, rows
from tests.hostile.test_naughty_strings import (
    PRACTICE_CHOICES,
    PRACTICE_TEXT,
    SECTIONS,
)
from tests.library.factories import (
    make_practice,
    make_published_practice,
    practice_form,
)


def count(model, *where) -> int:
    return fresh_session().scalar(select(func.count()).select_from(model).where(*where))


def assert_practice_shows(practice: Practice, row: dict, page: str) -> None:
    """The practice holds each field of `row` as stored, and the page shows it."""
    for field in PRACTICE_TEXT:
        stored = getattr(practice, field.name)
        assert stored == field.stored(row[field.name]), (field.name, row)
        assert shown(stored) in page, (field.name, row)
    for field in SECTIONS:
        assert practice.sections[field.name] == field.stored(row[field.name])
        assert practice.sections_html[field.name] in page, (field.name, row)


def test_practice_edits_read_back_as_written(writer, poster, client):
    draft = make_practice(writer)
    path = f"/practices/{draft.id}"
    for row in rows(*PRACTICE_TEXT, *SECTIONS):
        response = poster.post(f"{path}/edit", {**PRACTICE_CHOICES, **row})
        assert response.status_code == 302, (row, response.status_code)
        page = safe_page(client.get(path), repr(row))
        assert_practice_shows(reload(draft), row, page)


def test_practice_edit_form_refuses_what_does_not_fit_and_keeps_it(writer, poster):
    draft = make_practice(writer)
    title = draft.title
    for field in (*PRACTICE_TEXT, *SECTIONS):
        for text in field.refused():
            data = {**PRACTICE_CHOICES, "title": "Fine title", field.name: text}
            response = poster.post(f"/practices/{draft.id}/edit", data)
            assert_refused_and_kept(response, text, f"{field.name} {text!r}")
    assert reload(draft).title == title


NOTE = Field("note", 300, required=False)


def minor_title(number: int) -> str:
    """A title a minor edit may set: the same words and a short payload."""
    return f"Grocery {XSS_PAYLOADS[number % len(XSS_PAYLOADS)]}"


def test_minor_edits_and_notes_read_back_as_written(writer, poster, client):
    practice = make_published_practice(writer, title="Grocery")
    path = f"/practices/{practice.id}"
    form = practice_form(title="Grocery")
    for number, note in enumerate(NOTE.values()):
        title = minor_title(number)
        data = {**form, "title": title, "minor": "y", "note": note, "save": "Save"}
        response = poster.post(f"{path}/edit", data)
        assert response.status_code == 302, (note, response.status_code)
        assert reload(practice).title == PRACTICE_TEXT[0].stored(title), title
        revision = fresh_session().scalar(
            select(PracticeRevision).order_by(PracticeRevision.id.desc())
        )
        assert (revision.minor, revision.note) == (True, NOTE.stored(note)), note
        assert shown(practice.title) in safe_page(client.get(path), title)
    history = safe_page(client.get(f"{path}/history"), "history")
    for revision in fresh_session().scalars(select(PracticeRevision)):
        assert shown(revision.note) in history, revision.note


def test_minor_edit_refuses_big_changes_and_long_notes_and_keeps_them(writer, poster):
    practice = make_published_practice(writer, title="Grocery")
    form = {**practice_form(title="Grocery"), "minor": "y", "save": "Save"}
    path = f"/practices/{practice.id}/edit"
    # More than a small correction: longer than the changes a minor edit allows.
    big = [text for text in SECTIONS[0].values() if len(text) > 2 * MINOR_EDIT_MAX]
    assert big
    for text in big:
        response = poster.post(path, {**form, "context": text})
        assert_refused_and_kept(response, text, f"minor {text!r}")
    for text in NOTE.refused():
        response = poster.post(path, {**form, "title": "Grocery!", "note": text})
        assert_refused_and_kept(response, text, f"note {text!r}")
    assert reload(practice).title == "Grocery"
    assert practice.pending_revision is None


def test_translations_read_back_as_written(writer, poster, client):
    # Each language once per original: a few originals hold every row.
    languages = [code for code in SPOKEN_LANGUAGES if code != "en"]
    original = None
    for number, row in enumerate(rows(*PRACTICE_TEXT, *SECTIONS)):
        language = languages[number % len(languages)]
        if language == languages[0]:
            original = make_published_practice()
        response = poster.post(
            f"/practices/new?translation_of={original.id}",
            {**PRACTICE_CHOICES, **row, "language": language},
        )
        translation = db.session.get(Practice, created_id(response))
        assert translation.original_id == original.id, row
        assert translation.language == language, row
        page = safe_page(client.get(f"/practices/{translation.id}"), repr(row))
        assert_practice_shows(translation, row, page)


def test_translation_form_refuses_what_does_not_fit_and_keeps_it(writer, poster):
    original = make_published_practice()
    path = f"/practices/new?translation_of={original.id}"
    for field in (*PRACTICE_TEXT, *SECTIONS):
        for text in field.refused():
            data = {**PRACTICE_CHOICES, "language": "fr", "title": "Fine title"}
            response = poster.post(path, {**data, field.name: text})
            assert_refused_and_kept(response, text, f"{field.name} {text!r}")
    assert count(Practice, Practice.original_id == original.id) == 0


@pytest.fixture
def moderator(auth):
    """An administrator (who moderates everywhere), logged in on `client`."""
    user = make_user(username="warden", role="admin")
    assert auth.login(user.email).status_code == 302
    return user


@pytest.fixture
def moderating(moderator, client) -> FormPoster:
    return FormPoster(client)


def submitted_practice() -> Practice:
    practice = make_practice()
    with current_app.test_request_context():
        return practice_review.submit_practice(practice.author, practice)


COMMENT = Field("comment", 2000, keeps="ends")


@pytest.mark.parametrize("action", ["request_changes", "reject"])
def test_review_comments_read_back_as_written(action, moderating, client):
    for comment in COMMENT.values():
        practice = submitted_practice()
        path = f"/practices/{practice.id}"
        data = {"action": action, "comment": comment}
        response = moderating.post(f"{path}/review", data)
        assert response.status_code == 302, (comment, response.status_code)
        stored = reload(practice).review_comment
        assert stored == COMMENT.stored(comment), comment
        assert shown(stored) in safe_page(client.get(path), comment)


def test_review_refuses_comments_that_do_not_fit_and_keeps_them(moderating):
    practice = submitted_practice()
    path = f"/practices/{practice.id}"
    for action in ("request_changes", "reject"):
        for text in COMMENT.refused():
            data = {"action": action, "comment": text}
            response = moderating.post(f"{path}/review", data)
            assert_refused_and_kept(response, text, f"{action} {text!r}")
    assert reload(practice).review_comment in ("", None)
    assert practice.state == "submitted"


WITHDRAW_REASON = Field("reason", 2000, keeps="ends")


def test_withdrawal_refuses_reasons_that_do_not_fit_and_keeps_them(moderating):
    practice = make_published_practice()
    for text in WITHDRAW_REASON.refused():
        response = moderating.post(
            f"/practices/{practice.id}/withdraw", {"reason": text}
        )
        assert_refused_and_kept(response, text, f"withdraw {text!r}")
    assert reload(practice).is_published
    assert practice.review_comment in ("", None)


HIDE_REASON = Field("reason", 2000, keeps="ends")
LOCK_REASON = Field("reason", 2000, required=False, keeps="ends")


def test_hide_reasons_read_back_as_written(moderating, client):
    thread = make_thread()
    for reason in HIDE_REASON.values():
        post = make_reply(thread)
        response = moderating.post(f"/mod/posts/{post.id}/hide", {"reason": reason})
        assert response.status_code == 302, (reason, response.status_code)
        stored = reload(post).hidden_reason
        assert stored == HIDE_REASON.stored(reason), reason
        page = safe_page(client.get(f"/threads/{thread.id}"), reason)
        assert shown(stored) in page, reason


def test_lock_reasons_read_back_as_written(moderating, client):
    thread = make_thread()
    for reason in LOCK_REASON.values():
        response = moderating.post(f"/mod/threads/{thread.id}/lock", {"reason": reason})
        assert response.status_code == 302, (reason, response.status_code)
        assert reload(thread).locked, reason
        assert thread.lock_reason == LOCK_REASON.stored(reason), reason
        page = safe_page(client.get(f"/threads/{thread.id}"), reason)
        assert shown(thread.lock_reason) in page, reason


def test_hide_and_lock_refuse_reasons_that_do_not_fit_and_keep_them(moderating):
    thread = make_thread()
    post = make_reply(thread)
    for path, field in (
        (f"/mod/posts/{post.id}/hide", HIDE_REASON),
        (f"/mod/threads/{thread.id}/lock", LOCK_REASON),
    ):
        for text in field.refused():
            response = moderating.post(path, {"reason": text})
            assert_refused_and_kept(response, text, f"{path} {text!r}")
    assert not reload(post).is_hidden
    assert not reload(thread).locked


SUSPENSION_REASON = Field("reason", 2000, keeps="ends")


def test_suspension_reasons_read_back_as_written(moderating, client):
    member = make_user()
    for reason in SUSPENSION_REASON.values():
        data = {"days": "3", "reason": reason}
        response = moderating.post(f"/mod/users/{member.id}/suspend", data)
        assert response.status_code == 302, (reason, response.status_code)
        stored = reload(member).suspension_reason
        assert stored == SUSPENSION_REASON.stored(reason), reason
        page = safe_page(client.get(f"/admin/users/{member.id}"), reason)
        assert shown(stored) in page, reason


def test_suspension_refuses_reasons_that_do_not_fit_and_keeps_them(moderating):
    member = make_user()
    for text in SUSPENSION_REASON.refused():
        data = {"days": "3", "reason": text}
        response = moderating.post(f"/mod/users/{member.id}/suspend", data)
        assert_refused_and_kept(response, text, f"suspend {text!r}")
    assert reload(member).suspended_until is None


FLAG_TEXT = Field("text", 1000, required=False, keeps="ends")


def test_flag_details_read_back_as_written(writer, poster, browser, admin):
    thread = make_thread()
    for text in FLAG_TEXT.values():
        post = make_reply(thread)
        data = {"reason": "spam", "text": text}
        response = poster.post(f"/posts/{post.id}/flag", data)
        assert response.status_code == 302, (text, response.status_code)
        flag = fresh_session().scalar(select(Flag).where(Flag.post_id == post.id))
        assert flag.text == FLAG_TEXT.stored(text), text
    queue = safe_page(browser(admin.email).get("/mod/"), "flag queue")
    for flag in fresh_session().scalars(select(Flag)):
        assert not flag.text or shown(flag.text) in queue, flag.text


def test_flag_form_refuses_what_does_not_fit_and_keeps_it(writer, poster):
    post = make_reply(make_thread())
    for text in FLAG_TEXT.refused():
        data = {"reason": "other", "text": text}
        response = poster.post(f"/posts/{post.id}/flag", data)
        assert_refused_and_kept(response, text, f"flag {text!r}")
    assert count(Flag) == 0
