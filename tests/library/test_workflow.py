"""The life of a practice: draft, review, publication, edits, history."""

from __future__ import annotations

import pytest
from flask import current_app

from forum.errors import NotFound, PermissionDenied, ValidationError
from forum.extensions import db
from forum.models import (
    AuditEntry,
    Notification,
    Post,
    PracticeState,
    RevisionState,
    Thread,
)
from forum.services import practice_review, practices, search
from tests.factories import make_user
from tests.forum.factories import make_thread
from tests.library.factories import (
    make_practice,
    make_published_practice,
    practice_data,
)


@pytest.fixture
def app_config():
    return {"POSTS_NEEDING_APPROVAL": 0}


def found(text: str, **filters) -> set[str]:
    results = search.search_index().search(text, filters=filters, per_page=50)
    return {hit.doc_id for hit in results.hits}


def edit(editor, practice, **changes):
    data = practices.form_data(practices.snapshot(practice))
    minor = changes.pop("minor", False)
    data.update(changes)
    with current_app.test_request_context():
        return practices.edit_practice(editor, practice, data, minor=minor)


def test_draft_is_private_to_its_author(app):
    author = make_user()
    draft = make_practice(author)
    assert draft.state == PracticeState.DRAFT
    assert practices.get_practice(author, draft.id) is draft
    for outsider in (None, make_user(), make_user(role="moderator")):
        with pytest.raises(NotFound):
            practices.get_practice(outsider, draft.id)


def test_submitted_practice_reaches_moderators_in_scope_only(app):
    draft = make_practice(country="TN", themes=["social-finance"])
    practice_review.submit_practice(draft.author, draft)
    in_scope = make_user(role="moderator", scope_countries=[draft.country])
    elsewhere = make_user(
        role="moderator", scope_countries=[db.session.get(type(draft.country), "MA")]
    )
    assert practice_review.review_queue(in_scope) == [draft]
    assert practice_review.review_queue(elsewhere) == []
    assert practices.get_practice(in_scope, draft.id) is draft
    with pytest.raises(NotFound):
        practices.get_practice(elsewhere, draft.id)
    with pytest.raises(PermissionDenied):
        practice_review.publish_practice(elsewhere, draft)


def test_incomplete_draft_cannot_be_submitted(app):
    draft = make_practice(sections={"context": "Only the context so far."})
    with pytest.raises(ValidationError) as error:
        practice_review.submit_practice(draft.author, draft)
    assert error.value.field == "actions"
    assert draft.state == PracticeState.DRAFT


def test_only_the_author_submits(app):
    draft = make_practice()
    with pytest.raises(PermissionDenied):
        practice_review.submit_practice(make_user(), draft)


def test_publishing_opens_a_linked_discussion_and_indexes_it(app):
    practice = make_published_practice(
        title="Épicerie solidaire de Sfax",
        language="fr",
        country="TN",
        themes=["agriculture-food", "social-finance"],
    )
    assert practice.state == PracticeState.PUBLISHED
    thread = db.session.get(Thread, practice.thread_id)
    assert thread.country_code == "TN"
    assert set(thread.theme_slugs) == {"agriculture-food", "social-finance"}
    opening = db.session.query(Post).filter_by(thread_id=thread.id).one()
    assert f"/practices/{practice.id}" in opening.body_html
    assert practices.practice_for_thread(thread.id) is practice
    assert f"practice:{practice.id}" in found("epicerie sfax")
    notes = db.session.query(Notification).filter_by(user_id=practice.author_id).all()
    assert [n.kind for n in notes] == ["practice_published"]
    assert db.session.query(AuditEntry).filter_by(action="practice.publish").count()


def test_request_changes_then_resubmit(app):
    draft = make_practice()
    practice_review.submit_practice(draft.author, draft)
    moderator = make_user(role="moderator")
    with pytest.raises(ValidationError):
        practice_review.request_changes(moderator, draft, comment="  ")
    practice_review.request_changes(moderator, draft, comment="Add figures.")
    assert draft.state == PracticeState.CHANGES_REQUESTED
    assert draft.review_comment == "Add figures."
    edit(draft.author, draft, summary="Now with 400 families and 18 percent.")
    assert draft.state == PracticeState.DRAFT
    practice_review.submit_practice(draft.author, draft)
    assert draft.state == PracticeState.SUBMITTED


def test_rejected_practice_is_final_and_never_indexed(app):
    draft = make_practice(title="Rejected bakery")
    practice_review.submit_practice(draft.author, draft)
    practice_review.reject_practice(
        make_user(role="moderator"), draft, reason="Not about the SSE."
    )
    assert draft.state == PracticeState.REJECTED
    assert found("rejected bakery") == set()
    with pytest.raises(PermissionDenied):
        edit(draft.author, draft, title="Try again")


def test_substantive_edit_waits_while_published_text_stays(app):
    practice = make_published_practice(title="Community wind farm")
    edit(practice.author, practice, title="Community wind farm of Crete")
    assert practice.title == "Community wind farm"
    assert practice.pending_revision.state == RevisionState.PENDING
    assert (
        practices.pending_content(practice)["title"] == "Community wind farm of Crete"
    )
    moderator = make_user(role="moderator")
    assert practice in practice_review.review_queue(moderator)
    practice_review.publish_practice(moderator, practice)
    assert practice.title == "Community wind farm of Crete"
    assert practice.pending_revision is None
    assert found("crete") == {f"practice:{practice.id}"}
    history = practices.revisions(None, practice)
    assert [r.content["title"] for r in history] == [
        "Community wind farm of Crete",
        "Community wind farm",
    ]


def test_rejected_edit_leaves_published_text(app):
    practice = make_published_practice(title="Water cooperative")
    edit(practice.author, practice, title="Spam offer")
    practice_review.reject_practice(
        make_user(role="moderator"), practice, reason="Unrelated."
    )
    assert practice.state == PracticeState.PUBLISHED
    assert practice.title == "Water cooperative"
    assert practice.pending_revision is None


def test_minor_edit_publishes_at_once_and_is_logged(app):
    practice = make_published_practice(summary="A cooperative grocry run by members.")
    edit(
        practice.author,
        practice,
        summary="A cooperative grocery run by members.",
        minor=True,
    )
    assert practice.summary == "A cooperative grocery run by members."
    assert practice.pending_revision is None
    latest = practices.revisions(None, practice)[0]
    assert latest.minor
    entry = db.session.query(AuditEntry).filter_by(action="practice.minor_edit").one()
    assert entry.target_id == str(practice.id)


def test_minor_flag_cannot_hide_a_substantive_edit(app):
    practice = make_published_practice()
    with pytest.raises(ValidationError):
        edit(practice.author, practice, country="MA", minor=True)
    with pytest.raises(ValidationError):
        edit(practice.author, practice, minor=True, summary="x" * 400)
    assert practice.pending_revision is None


def test_withdrawn_practice_leaves_the_index(app):
    practice = make_published_practice(title="Olive oil mutual")
    assert f"practice:{practice.id}" in found("olive mutual")
    practice_review.withdraw_practice(
        make_user(role="moderator"), practice, reason="Duplicate."
    )
    assert f"practice:{practice.id}" not in found("olive mutual")
    with pytest.raises(NotFound):
        practices.get_practice(make_user(), practice.id)


def test_feature_needs_scope(app):
    practice = make_published_practice(country="TN")
    member = make_user()
    with pytest.raises(PermissionDenied):
        practice_review.set_featured(member, practice, True)
    practice_review.set_featured(make_user(role="moderator"), practice, True)
    assert practices.featured_practices() == [practice]


def test_translation_shares_thread_and_switcher(app):
    original = make_published_practice(language="en")
    translator = make_user()
    with current_app.test_request_context():
        with pytest.raises(ValidationError):
            practices.create_practice(
                translator, practice_data(language="en"), original=original
            )
        translation = practices.create_practice(
            translator,
            practice_data(language="fr", title="Épicerie solidaire"),
            original=original,
        )
    assert translation.root_id == original.id
    assert practices.language_versions(None, original) == [original]
    practice_review.submit_practice(translator, translation)
    practice_review.publish_practice(make_user(role="moderator"), translation)
    assert practices.language_versions(None, original) == [original, translation]
    assert translation.thread_id == original.thread_id
    assert found("epicerie solidaire") == {f"practice:{translation.id}"}


def test_promoted_thread_becomes_a_draft_and_its_discussion(app):
    thread = make_thread(
        title="How we fund the cooperative bakery",
        body="We pooled savings from 30 members.",
    )
    moderator = make_user(role="moderator")
    with pytest.raises(PermissionDenied):
        practice_review.promote_thread(make_user(), thread)
    with current_app.test_request_context():
        draft = practice_review.promote_thread(moderator, thread)
    assert draft.state == PracticeState.DRAFT
    assert draft.title == thread.title
    assert draft.sections["context"] == "We pooled savings from 30 members."
    assert draft.source_thread_id == thread.id
    edit(
        moderator,
        draft,
        sections={**draft.sections, "actions": "Pooled.", "results": "Opened in 2022."},
    )
    practice_review.submit_practice(moderator, draft)
    practice_review.publish_practice(make_user(role="moderator"), draft)
    assert draft.thread_id == thread.id


def test_bad_input_is_refused_field_by_field(app):
    author = make_user()
    cases = {
        "title": {"title": ""},
        "summary": {"summary": "x" * 501},
        "country": {"country": "XX"},
        "themes": {"themes": ["a", "b", "c", "d"]},
        "actor_types": {"actor_types": ["pirates"]},
        "language": {"language": "klingon"},
        "start_year": {"start_year": "20x1"},
        "end_year": {"start_year": 2020, "end_year": 2010},
        "status": {"status": "dreaming"},
        "links": {"links": ["javascript:alert(1)"]},
        "sections": {"sections": "not a mapping"},
    }
    with current_app.test_request_context():
        for field, changes in cases.items():
            with pytest.raises(ValidationError) as error:
                practices.create_practice(author, practice_data(**changes))
            assert error.value.field == field, changes


def test_hostile_markdown_is_sanitised_at_write_time(app):
    draft = make_practice(
        sections={
            "context": "<script>alert(1)</script>**ok**",
            "actions": "[x](javascript:alert(1))",
            "results": "fine",
        }
    )
    assert "<script" not in draft.sections_html["context"]
    assert "<strong>ok</strong>" in draft.sections_html["context"]
    assert "javascript:" not in draft.sections_html["actions"]


def test_waiting_practices_count_in_the_moderation_badge(app):
    from forum.services.moderation_queue import queue_size

    draft = make_practice(country="TN")
    moderator = make_user(role="moderator")
    assert practice_review.waiting_count(moderator) == 0
    practice_review.submit_practice(draft.author, draft)
    assert practice_review.waiting_count(moderator) == 1
    assert queue_size(moderator) == 1
    assert practice_review.waiting_count(make_user()) == 0
