"""Files added to a published practice wait for a moderator, like its text."""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEntry, PracticeAttachment, RevisionState
from forum.services import attachments, practice_review, practices
from tests.factories import make_user, reload
from tests.library.factories import make_practice, make_published_practice
from tests.library.test_attachment_pages import PDF, attachment_named, upload


@pytest.fixture
def app_config():
    return {"POSTS_NEEDING_APPROVAL": 0, "ATTACHMENT_MAX_SIZE": 4096}


def file_url(attachment: PracticeAttachment) -> str:
    return (
        f"/practices/{attachment.practice_id}/files/{attachment.id}/"
        f"{attachment.filename}"
    )


def stored_files() -> list:
    return [path for path in attachments.storage_dir().rglob("*") if path.is_file()]


@pytest.fixture
def waiting_file(client, maria):
    """Maria's published practice, and a file she added to it since."""
    practice = make_published_practice(maria, title="Seed library of Sfax")
    response = upload(client, practice, PDF, "plan.pdf")
    assert response.status_code == 302
    return attachment_named("plan.pdf")


def test_members_file_on_their_published_practice_waits(client, waiting_file):
    assert waiting_file.pending
    practice = waiting_file.practice
    assert practice.pending_revision.state == RevisionState.PENDING
    assert practice.pending_revision.note == "File added: plan.pdf"
    # Nothing of the text changes: the edit only carries the file.
    assert practices.same_content(
        practice.pending_revision.content, practices.snapshot(practice)
    )
    edit_page = client.get(f"/practices/{practice.id}/edit").text
    assert "A file you add waits for a moderator" in edit_page


def test_waiting_file_is_hidden_from_visitors_and_other_members(
    app, browser, waiting_file
):
    page = f"/practices/{waiting_file.practice_id}"
    for reader in (app.test_client(), browser(make_user().email)):
        assert "plan.pdf" not in reader.get(page).text
        assert reader.get(file_url(waiting_file)).status_code == 404


def test_waiting_file_is_shown_to_its_author_and_moderators(
    client, browser, waiting_file
):
    moderator = browser(make_user(role="moderator").email)
    for reader in (client, moderator):
        page = reader.get(f"/practices/{waiting_file.practice_id}").text
        assert "plan.pdf" in page and "waiting for review" in page
        with reader.get(file_url(waiting_file)) as download:
            assert download.status_code == 200
            assert download.data == PDF
            assert "private" in download.headers["Cache-Control"]
            assert "public" not in download.headers["Cache-Control"]
    assert "Seed library of Sfax" in moderator.get("/practices/review").text
    panel = moderator.get(f"/practices/{waiting_file.practice_id}").text
    assert "Files waiting for review" in panel


def test_publishing_the_edit_makes_the_file_public(app, browser, waiting_file):
    moderator = browser(make_user(role="moderator").email)
    practice_id = waiting_file.practice_id
    response = moderator.post(
        f"/practices/{practice_id}/review", data={"action": "publish"}
    )
    assert response.status_code == 302

    assert not reload(waiting_file).pending
    assert reload(waiting_file.practice).pending_revision is None
    visitor = app.test_client()
    assert "plan.pdf" in visitor.get(f"/practices/{practice_id}").text
    with visitor.get(file_url(waiting_file)) as download:
        assert download.status_code == 200
        assert "public" in download.headers["Cache-Control"]
    assert "Seed library of Sfax" not in moderator.get("/practices/review").text


def test_asking_for_changes_keeps_the_file_waiting(app, waiting_file):
    practice = waiting_file.practice
    with current_app.test_request_context():
        practice_review.request_changes(
            make_user(role="moderator"), practice, comment="Blur the faces."
        )
    assert reload(waiting_file).pending
    assert app.test_client().get(file_url(waiting_file)).status_code == 404


def test_rejecting_the_edit_deletes_the_file(client, browser, waiting_file):
    moderator = browser(make_user(role="moderator").email)
    practice_id, url = waiting_file.practice_id, file_url(waiting_file)
    response = moderator.post(
        f"/practices/{practice_id}/review",
        data={"action": "reject", "comment": "Not about this practice."},
    )
    assert response.status_code == 302

    db.session.expire_all()
    assert db.session.scalar(select(PracticeAttachment.id)) is None
    assert stored_files() == []
    assert client.get(url).status_code == 404


def test_moderators_own_upload_is_public_at_once(app, browser, member):
    practice = make_published_practice(member)
    moderator = browser(make_user(role="moderator").email)
    upload(moderator, practice, PDF, "report.pdf")
    attachment = attachment_named("report.pdf")
    assert not attachment.pending
    assert reload(practice).pending_revision is None
    with app.test_client().get(file_url(attachment)) as download:
        assert download.status_code == 200


def test_file_on_a_draft_does_not_wait(client, maria):
    draft = make_practice(maria)
    upload(client, draft, PDF, "draft.pdf")
    assert not attachment_named("draft.pdf").pending
    assert reload(draft).pending_revision is None


def test_author_takes_back_a_file_without_review_and_it_is_logged(client, waiting_file):
    practice = waiting_file.practice
    remove = f"/practices/{practice.id}/files/{waiting_file.id}/remove"
    assert client.post(remove).status_code == 302

    db.session.expire_all()
    assert db.session.scalar(select(PracticeAttachment.id)) is None
    # Nothing is left to review: the practice leaves the queue.
    assert reload(practice).pending_revision is None
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "practice.remove_file")
    )
    assert entry.target_id == str(practice.id)
    assert entry.details == {"file": "plan.pdf", "was_waiting": True}


def test_file_joins_the_edit_already_waiting(client, maria):
    practice = make_published_practice(maria, title="Seed library")
    data = practices.form_data(practices.snapshot(practice))
    with current_app.test_request_context():
        practices.edit_practice(
            maria, practice, {**data, "title": "Seed library of Sfax"}, note="Place"
        )
    revision = practice.pending_revision
    upload(client, practice, PDF, "plan.pdf")

    practice, revision = reload(practice), reload(revision)
    assert practice.pending_revision is revision
    assert revision.content["title"] == "Seed library of Sfax"
    assert revision.note == "Place; File added: plan.pdf"
    with current_app.test_request_context():
        practice_review.publish_practice(make_user(role="moderator"), practice)
    assert practice.title == "Seed library of Sfax"
    assert not attachment_named("plan.pdf").pending


def test_moderators_edit_is_kept_when_the_waiting_file_is_published(waiting_file):
    practice = waiting_file.practice
    moderator = make_user(role="moderator")
    data = practices.form_data(practices.snapshot(practice))
    with current_app.test_request_context():
        practices.edit_practice(moderator, practice, {**data, "place": "Sfax port"})
        practice_review.publish_practice(moderator, practice)
    assert reload(practice).place == "Sfax port"
    assert not reload(waiting_file).pending
