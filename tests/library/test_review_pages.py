"""Moderators and members act on practices from the pages: review, adopt, promote."""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    AuditEntry,
    Country,
    Practice,
    PracticeAdoption,
    PracticeState,
)
from forum.services import practice_review, practices
from tests.factories import make_user, reload
from tests.forum.factories import make_thread
from tests.hostile.forms import form_errors
from tests.library.factories import (
    make_practice,
    make_published_practice,
    practice_form,
)


@pytest.fixture
def app_config():
    return {"POSTS_NEEDING_APPROVAL": 0}


def submitted(**fields) -> Practice:
    practice = make_practice(**fields)
    with current_app.test_request_context():
        practice_review.submit_practice(practice.author, practice)
    return practice


def scoped_moderator(code: str):
    return make_user(role="moderator", scope_countries=[db.session.get(Country, code)])


# Reviewing ------------------------------------------------------------------


def test_moderator_publishes_and_the_discussion_links_both_ways(client, browser):
    practice = submitted(title="Cooperative bakery of Bizerte", country="TN")
    moderator = browser(scoped_moderator("TN").email)

    response = moderator.post(
        f"/practices/{practice.id}/review",
        data={"action": "publish", "comment": "Clear and useful."},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/practices/{practice.id}"
    practice = reload(practice)
    assert practice.state == PracticeState.PUBLISHED
    assert practice.thread_id is not None
    page = client.get(f"/practices/{practice.id}").text
    assert f'href="/threads/{practice.thread_id}"' in page
    thread_page = client.get(f"/threads/{practice.thread_id}").text
    assert "This discussion is about the good practice" in thread_page
    assert f'href="/practices/{practice.id}"' in thread_page
    assert "Cooperative bakery of Bizerte" in client.get("/practices").text


def test_request_changes_shows_the_comment_to_the_author(client, browser):
    author = make_user()
    practice = submitted(author=author)
    moderator = browser(make_user(role="moderator").email)
    empty = moderator.post(
        f"/practices/{practice.id}/review",
        data={"action": "request_changes", "comment": "  "},
    )
    assert empty.status_code == 422
    assert "Say why, so the author knows what to do." in form_errors(empty)[0]
    assert reload(practice).state == PracticeState.SUBMITTED

    moderator.post(
        f"/practices/{practice.id}/review",
        data={"action": "request_changes", "comment": "Add the budget figures."},
    )

    assert reload(practice).state == PracticeState.CHANGES_REQUESTED
    mine = browser(author.email)
    for path in ["/practices/mine", f"/practices/{practice.id}"]:
        page = mine.get(path).text
        assert "Changes requested" in page or "asked for changes" in page
        assert "Add the budget figures." in page
    assert "Add the budget figures." in mine.get(f"/practices/{practice.id}/edit").text
    # Edit, then submit again from the edit form.
    mine.post(
        f"/practices/{practice.id}/edit",
        data=practice_form(send="Save and submit for review"),
    )
    assert reload(practice).state == PracticeState.SUBMITTED


def test_rejection_reason_reaches_the_author_and_the_practice_stays_hidden(
    client, browser
):
    author = make_user()
    practice = submitted(author=author, title="Offer of cheap loans")
    moderator = browser(make_user(role="moderator").email)
    moderator.post(
        f"/practices/{practice.id}/review",
        data={"action": "reject", "comment": "Advertising, not a practice."},
    )
    assert reload(practice).state == PracticeState.REJECTED
    assert client.get(f"/practices/{practice.id}").status_code == 404
    page = browser(author.email).get("/practices/mine").text
    assert "Not accepted" in page and "Advertising, not a practice." in page


@pytest.mark.parametrize("action", ["request_changes", "reject"])
def test_review_comment_too_long_comes_back_as_typed(client, browser, action):
    practice = submitted()
    moderator = browser(make_user(role="moderator").email)
    comment = "Please name the partners and the budget. " * 50
    response = moderator.post(
        f"/practices/{practice.id}/review",
        data={"action": action, "comment": comment},
    )
    assert response.status_code == 422
    assert "at most 2000 characters" in form_errors(response)[0]
    assert f">\r\n{comment}</textarea>" in response.text
    assert reload(practice).state == PracticeState.SUBMITTED
    assert reload(practice).review_comment in ("", None)


def test_unknown_review_action_is_refused(client, browser):
    practice = submitted()
    moderator = browser(make_user(role="moderator").email)
    response = moderator.post(
        f"/practices/{practice.id}/review", data={"action": "delete-everything"}
    )
    assert response.status_code == 422
    assert reload(practice).state == PracticeState.SUBMITTED


def test_moderator_out_of_scope_gets_403_on_published_practices(client, browser):
    practice = make_published_practice(country="TN", themes=["social-finance"])
    outsider = browser(scoped_moderator("MA").email)
    page = outsider.get(f"/practices/{practice.id}").text
    assert "review-heading" not in page
    for path, data in [
        ("feature", {"featured": "1"}),
        ("withdraw", {"reason": "No."}),
        ("review", {"action": "publish"}),
    ]:
        response = outsider.post(f"/practices/{practice.id}/{path}", data=data)
        assert response.status_code == 403, path
    member = browser(make_user().email)
    assert (
        member.post(
            f"/practices/{practice.id}/feature", data={"featured": "1"}
        ).status_code
        == 403
    )
    assert not reload(practice).featured


def test_feature_unfeature_and_withdraw(client, browser):
    practice = make_published_practice(title="Featured mutual")
    moderator = browser(make_user(role="moderator").email)
    moderator.post(f"/practices/{practice.id}/feature", data={"featured": "1"})
    assert reload(practice).featured
    index = client.get("/practices").text
    assert index.index("Featured practices") < index.index("Featured mutual")
    moderator.post(f"/practices/{practice.id}/feature", data={"featured": "0"})
    assert not reload(practice).featured

    refused = moderator.post(f"/practices/{practice.id}/withdraw", data={"reason": ""})
    assert refused.status_code == 422
    assert "Say why, so the author knows what to do." in form_errors(refused)[0]
    assert reload(practice).state == PracticeState.PUBLISHED
    moderator.post(f"/practices/{practice.id}/withdraw", data={"reason": "Duplicate."})
    assert reload(practice).state == PracticeState.REJECTED
    assert client.get(f"/practices/{practice.id}").status_code == 404
    assert "Featured mutual" not in client.get("/practices").text


def test_withdrawal_reason_too_long_comes_back_as_typed(client, browser):
    practice = make_published_practice(title="Solidarity grocery")
    moderator = browser(make_user(role="moderator").email)
    reason = "It copies the text of another site word for word. " * 50
    response = moderator.post(
        f"/practices/{practice.id}/withdraw", data={"reason": reason}
    )
    assert response.status_code == 422
    assert "at most 2000 characters" in form_errors(response)[0]
    assert f">\r\n{reason}</textarea>" in response.text
    assert reload(practice).state == PracticeState.PUBLISHED
    assert reload(practice).review_comment in ("", None)


def test_withdrawing_an_unpublished_practice_shows_why_on_the_page(client, browser):
    practice = submitted(title="Community seed bank")
    moderator = browser(make_user(role="moderator").email)
    response = moderator.post(
        f"/practices/{practice.id}/withdraw", data={"reason": "Duplicate."}
    )
    assert response.status_code == 422
    assert "Only a published practice can be withdrawn." in response.text
    assert 'class="error-summary"' in response.text
    assert reload(practice).state == PracticeState.SUBMITTED


def test_pending_edit_is_shown_to_the_moderator_and_published(client, browser):
    author = make_user()
    practice = make_published_practice(author, title="Community wind farm")
    browser(author.email).post(
        f"/practices/{practice.id}/edit",
        data=practice_form(title="Community wind farm of Crete", note="Island"),
    )
    moderator = browser(make_user(role="moderator").email)
    assert practice.title in moderator.get("/practices/review").text
    page = moderator.get(f"/practices/{practice.id}").text
    assert "The edit waiting for review" in page
    assert "Community wind farm of Crete" in page
    assert "It changes: Title" in page
    assert (
        "Community wind farm of Crete"
        not in client.get(f"/practices/{practice.id}").text
    )

    moderator.post(f"/practices/{practice.id}/review", data={"action": "publish"})

    assert reload(practice).title == "Community wind farm of Crete"
    assert (
        "Community wind farm of Crete" in client.get(f"/practices/{practice.id}").text
    )


def test_review_queue_and_its_count_in_the_moderation_menu(client, browser):
    submitted(title="Waiting in Tunisia", country="TN")
    submitted(title="Waiting in Morocco", country="MA")
    moderator = browser(scoped_moderator("TN").email)
    queue = moderator.get("/practices/review").text
    assert "Waiting in Tunisia" in queue and "Waiting in Morocco" not in queue
    menu = moderator.get("/mod/").text
    assert 'href="/practices/review"' in menu
    assert 'Practices to review <span class="badge">1<' in menu


# History --------------------------------------------------------------------


def test_history_lists_versions_and_shows_an_old_one(client, maria):
    practice = make_published_practice(maria, summary="A grocry run by members.")
    client.post(
        f"/practices/{practice.id}/edit",
        data=practice_form(summary="A grocery run by members.", minor="y", note="Typo"),
    )
    history = client.get(f"/practices/{practice.id}/history").text
    assert "Minor edit" in history and "Typo" in history
    assert "First publication" in history
    old, new = practices.revisions(None, reload(practice))[::-1]
    assert f'href="/practices/{practice.id}/versions/{old.id}"' in history
    assert f'href="/practices/{practice.id}/versions/{new.id}"' in history
    page = client.get(f"/practices/{practice.id}/versions/{old.id}").text
    assert "A grocry run by members." in page
    assert "You are reading the version of" in page
    other = make_published_practice()
    wrong = f"/practices/{other.id}/versions/{old.id}"
    assert client.get(wrong).status_code == 404


# Adoptions ------------------------------------------------------------------


def test_adoption_form_adds_one_and_the_count_shows(client, browser):
    practice = make_published_practice()
    visitor_page = client.get(f"/practices/{practice.id}").text
    assert "Log in to say that your organisation adopted" in visitor_page
    member = make_user()
    their = browser(member.email)

    response = their.post(
        f"/practices/{practice.id}/adopt",
        data={
            "kind": "adapted",
            "organisation": "Mutuelle de Tanger",
            "note": "We added a night shift.",
        },
        follow_redirects=True,
    )

    assert "Thank you: your organisation is listed." in response.text
    adoption = db.session.scalar(select(PracticeAdoption))
    assert (adoption.user_id, adoption.kind) == (member.id, "adapted")
    page = client.get(f"/practices/{practice.id}").text
    assert "1 organisation adopted or adapted this practice." in page
    assert "Mutuelle de Tanger" in page and "We added a night shift." in page
    assert "We adapted this" in page

    their.post(
        f"/adoptions/{adoption.id}/remove",
        data={"next": f"/practices/{practice.id}"},
    )
    assert db.session.scalar(select(PracticeAdoption.id)) is None


def test_refused_adoption_comes_back_with_the_errors_and_the_text(client, maria):
    practice = make_published_practice()
    response = client.post(
        f"/practices/{practice.id}/adopt",
        data={"kind": "stolen", "organisation": "Coop of Sfax", "note": "Since May."},
    )
    assert response.status_code == 422
    page = response.text
    assert "Say whether you adopted or adapted it." in page
    assert 'value="Coop of Sfax"' in page and "Since May.</textarea>" in page
    assert db.session.scalar(select(PracticeAdoption.id)) is None


def test_adoption_note_too_long_is_shown_next_to_the_note(client, maria):
    practice = make_published_practice()
    note = "We opened a second shop. " * 21
    response = client.post(
        f"/practices/{practice.id}/adopt",
        data={"kind": "adopted", "organisation": "Coop of Sfax", "note": note},
    )
    assert response.status_code == 422
    assert "Too long: at most 500 characters." in form_errors(response)[0]
    assert 'value="Coop of Sfax"' in response.text
    assert f">\r\n{note}</textarea>" in response.text
    assert db.session.scalar(select(PracticeAdoption.id)) is None


def test_someone_elses_adoption_cannot_be_removed(client, browser):
    practice = make_published_practice()
    owner = browser(make_user().email)
    owner.post(
        f"/practices/{practice.id}/adopt",
        data={"kind": "adopted", "organisation": "Coop"},
    )
    adoption = db.session.scalar(select(PracticeAdoption))
    stranger = browser(make_user().email)
    assert stranger.post(f"/adoptions/{adoption.id}/remove").status_code == 403
    assert stranger.post("/adoptions/abc/remove").status_code == 404


def test_adoptions_cannot_be_made_on_a_draft(client, browser):
    author = make_user()
    draft = make_practice(author)
    page = browser(author.email).post(
        f"/practices/{draft.id}/adopt", data={"kind": "adopted", "organisation": "X"}
    )
    assert page.status_code == 404


# Promoting a discussion -----------------------------------------------------


def test_promote_button_creates_a_draft_from_the_thread(client, browser):
    thread = make_thread(
        title="How we fund the cooperative bakery",
        body="We pooled savings from 30 members.",
        country="TN",
    )
    moderator_user = scoped_moderator("TN")
    moderator = browser(moderator_user.email)
    page = moderator.get(f"/threads/{thread.id}").text
    assert f'action="/threads/{thread.id}/promote"' in page
    assert "Promote to good practice" in page
    assert "Promote to good practice" not in client.get(f"/threads/{thread.id}").text

    response = moderator.post(f"/threads/{thread.id}/promote")

    draft = db.session.scalar(select(Practice))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/practices/{draft.id}/edit"
    assert draft.source_thread_id == thread.id
    assert draft.author_id == moderator_user.id
    form = moderator.get(response.headers["Location"]).text
    assert 'value="How we fund the cooperative bakery"' in form
    assert "We pooled savings from 30 members." in form
    assert db.session.query(AuditEntry).filter_by(action="thread.promote").count()


def test_promote_is_refused_to_members_and_other_scopes(client, browser):
    thread = make_thread(country="TN")
    for person in (make_user(), scoped_moderator("MA")):
        response = browser(person.email).post(f"/threads/{thread.id}/promote")
        assert response.status_code == 403
    assert db.session.scalar(select(Practice.id)) is None
    assert (
        browser(make_user().email).post("/threads/99999999/promote").status_code == 404
    )
