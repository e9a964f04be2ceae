"""Transcripts, the summary thread, a practice draft, and reminders."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from forum.columns import utcnow
from forum.extensions import db
from forum.models import Notification, Practice, Thread
from forum.services import chat, notifications, workshops
from tests.factories import make_user, reload
from tests.workshops.factories import make_workshop


@pytest.fixture
def app_config():
    return {"POSTS_NEEDING_APPROVAL": 0, "SERVER_NAME": "agora.test"}


def test_transcript_page_and_downloads(client, auth, app):
    workshop = make_workshop()
    speaker = make_user(display_name="Youssef")
    chat.post_message(speaker, workshop, body="Budget: **12 000 €**", client_id="t1")
    gone, _ = chat.post_message(speaker, workshop, body="Oops", client_id="t2")
    chat.delete_message(speaker, gone)
    make_user(email="reader@example.org")
    auth.login("reader@example.org")
    page = client.get(f"/workshops/{workshop.id}/transcript").get_data(as_text=True)
    assert "<strong>12 000 €</strong>" in page and "Oops" not in page
    markdown = client.get(f"/workshops/{workshop.id}/transcript.md")
    assert "attachment" in markdown.headers["Content-Disposition"]
    assert "**Youssef**" in markdown.get_data(as_text=True)
    data = json.loads(client.get(f"/workshops/{workshop.id}/transcript.json").data)
    assert [m["deleted"] for m in data["messages"]] == [False, True]
    assert data["messages"][1]["body_markdown"] == ""


def test_outsiders_get_no_transcript(client, auth):
    workshop = make_workshop(access="invitation")
    make_user(email="out@example.org")
    auth.login("out@example.org")
    assert client.get(f"/workshops/{workshop.id}/transcript.md").status_code == 404


def test_summary_becomes_a_forum_thread_linked_to_the_transcript(client, auth, app):
    organiser = make_user(email="fac@example.org", can_organise=True)
    workshop = make_workshop(organiser, country="LB", themes=["social-finance"])
    auth.login("fac@example.org")
    response = client.post(
        f"/workshops/{workshop.id}/transcript",
        data={"summary": "We agreed on a **shared guarantee fund**."},
    )
    assert response.status_code == 302
    thread = db.session.get(Thread, reload(workshop).summary_thread_id)
    assert thread.country_code == "LB" and thread.theme_slugs == ["social-finance"]
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "shared guarantee fund" in page
    assert f"/workshops/{workshop.id}/transcript" in page
    client.post(f"/workshops/{workshop.id}/transcript", data={"summary": "Updated."})
    assert db.session.query(Thread).count() == 1


def test_members_cannot_publish_a_summary(client, auth):
    workshop = make_workshop()
    make_user(email="m@example.org")
    auth.login("m@example.org")
    client.post(f"/workshops/{workshop.id}/transcript", data={"summary": "Mine"})
    assert db.session.query(Thread).count() == 0
    assert client.post(f"/workshops/{workshop.id}/draft-practice").status_code == 403


def test_practice_draft_is_prefilled_from_the_workshop(client, auth):
    organiser = make_user(email="fac2@example.org", can_organise=True)
    workshop = make_workshop(organiser, title="Green procurement in Sfax")
    auth.login("fac2@example.org")
    response = client.post(f"/workshops/{workshop.id}/draft-practice")
    assert response.status_code == 302
    draft = db.session.query(Practice).one()
    assert draft.title == "Green procurement in Sfax"
    assert draft.author_id == organiser.id and draft.state == "draft"


def test_reminders_go_once_to_registered_members_and_facilitators(app, runner):
    workshop = make_workshop(starts_in=timedelta(minutes=45), access="registration")
    later = make_workshop(starts_in=timedelta(hours=5))
    member, bystander = make_user(), make_user()
    workshops.register(member, workshop)
    workshops.register(bystander, later)
    result = runner.invoke(args=["forum", "send-reminders"])
    assert result.exit_code == 0, result.output
    reminded = {n.user_id for n in db.session.query(Notification)}
    assert reminded == {member.id, workshop.organiser_id}
    assert notifications.send_workshop_reminders() == 0
    assert notifications.send_workshop_reminders(
        utcnow() + timedelta(hours=4, minutes=30)
    )
