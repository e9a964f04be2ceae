"""Point 2: starting a thread with a preview, replying to the thread or to a post."""

from __future__ import annotations

import re

import pytest
from flask import current_app
from sqlalchemy import func, select

from forum.columns import utcnow
from forum.errors import ValidationError
from forum.extensions import db
from forum.models import Country, Post, Thread
from forum.services import moderation, threads
from forum.services.reference import forget_cached_reference
from tests.factories import make_user, reload
from tests.forum.factories import make_reply, make_thread, old_member, opening_post
from tests.forum.pages import post_html, posts_shown, section

THREAD = {
    "title": "Microcredit for women's cooperatives in Sfax",
    "country": "TN",
    "themes": ["social-finance", "women-youth-entrepreneurship"],
    "language": "fr",
    "body": "Bonjour **à toutes et à tous**.\n\n- garanties\n- taux",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def start(client, **changes):
    return client.post("/threads/new", data={**THREAD, **changes})


def test_member_starts_a_thread_with_country_themes_and_language(client, maria):
    response = start(client)

    thread = db.session.scalar(select(Thread))
    assert response.status_code == 302
    assert response.location == f"/threads/{thread.id}"
    assert thread.title == THREAD["title"]
    assert (thread.country_code, thread.language) == ("TN", "fr")
    assert thread.theme_slugs == ["social-finance", "women-youth-entrepreneurship"]
    assert thread.author_id == maria.id
    first = opening_post(thread)
    assert first.body_markdown == THREAD["body"]
    page = client.get(response.location).text
    assert "<strong>à toutes et à tous</strong>" in page
    assert "<li>garanties</li>" in page
    assert '<h1 lang="fr" dir="auto">Microcredit' in page


def test_new_thread_form_is_prefilled_from_the_listing(client, maria):
    page = client.get("/threads/new?country=MA&theme=digital").text
    assert '<option selected value="MA">' in page
    checked = re.findall(r'<input checked [^>]*value="([^"]+)"', page)
    assert checked == ["digital"]


def test_visitor_is_sent_to_log_in_before_starting_a_thread(client):
    response = client.get("/threads/new")
    assert response.status_code == 302
    assert response.location.startswith("/auth/login")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"themes": []}, "Choose one to three themes."),
        (
            {"themes": ["social-finance", "digital", "health-care", "tourism-culture"]},
            "Choose one to three themes.",
        ),
        ({"themes": ["astrology"]}, "not a valid choice"),
        ({"country": "XX"}, "Not a valid choice"),
        ({"language": "tlh"}, "Not a valid choice"),
        ({"title": "   "}, "This field is required."),
        ({"body": ""}, "This field is required."),
    ],
    ids=[
        "no-theme",
        "four-themes",
        "unknown-theme",
        "unknown-country",
        "language",
        "title",
        "body",
    ],
)
def test_thread_with_invalid_fields_is_refused(client, maria, changes, message):
    response = start(client, **changes)
    assert response.status_code == 422
    assert message in response.text
    assert count(Thread) == 0
    assert count(Post) == 0


def test_thread_in_a_retired_country_is_refused(client, maria):
    db.session.get(Country, "TN").active = False
    db.session.commit()
    forget_cached_reference()
    response = start(client)
    assert response.status_code == 422
    assert count(Thread) == 0


def test_service_refuses_retired_country_and_theme(app, member):
    db.session.get(Country, "LY").active = False
    db.session.commit()
    with (
        app.test_request_context(),
        pytest.raises(ValidationError, match="Choose a country"),
    ):
        threads.create_thread(
            member,
            title="Hello",
            body="Text",
            country="LY",
            themes=["digital"],
            language="en",
        )
    assert count(Thread) == 0


def test_preview_shows_the_rendered_text_and_stores_nothing(client, maria):
    response = start(client, body="Some *emphasis* and `code`", preview="Preview")
    assert response.status_code == 200
    preview = section(response.text, "preview-heading")
    assert "<em>emphasis</em>" in preview
    assert "<code>code</code>" in preview
    # The form keeps what was typed, to post after checking.
    assert "Some *emphasis* and `code`</textarea>" in response.text
    assert count(Thread) == 0
    assert count(Post) == 0


def test_reply_preview_stores_nothing(client, maria):
    thread = make_thread()
    response = client.post(
        f"/threads/{thread.id}/reply", data={"body": "**Bold**", "preview": "Preview"}
    )
    assert response.status_code == 200
    assert "<strong>Bold</strong>" in section(response.text, "preview-heading")
    assert count(Post) == 1


def test_reply_to_the_thread(client, maria):
    thread = make_thread()
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "Count me in"})
    post = db.session.scalar(select(Post).where(Post.is_first.is_(False)))
    assert response.status_code == 302
    assert response.location == f"/posts/{post.id}"
    assert (post.parent_id, post.depth, post.author_id) == (None, 0, maria.id)
    assert reload(thread).reply_count == 1
    assert reload(thread).last_poster_id == maria.id
    landing = client.get(response.location)
    assert landing.location == f"/threads/{thread.id}#post-{post.id}"
    assert "Count me in" in post_html(client.get(landing.location).text, post.id)


def test_reply_to_a_post(client, maria):
    thread = make_thread()
    answered = make_reply(thread, body="Which guarantee fund?")
    form = client.get(f"/threads/{thread.id}/reply?to={answered.id}").text
    assert "You are answering" in form
    assert "Which guarantee fund?" in form
    assert f'name="parent_id" type="hidden" value="{answered.id}"' in form

    client.post(
        f"/threads/{thread.id}/reply",
        data={"body": "The regional one", "parent_id": str(answered.id)},
    )

    post = db.session.scalar(
        select(Post).where(Post.body_markdown == "The regional one")
    )
    assert (post.parent_id, post.depth) == (answered.id, 1)
    assert post.path == f"{answered.path}/{post.id:010d}"


def test_reply_to_the_opening_post_answers_the_thread(client, maria):
    thread = make_thread()
    client.post(
        f"/threads/{thread.id}/reply",
        data={"body": "Top level", "parent_id": str(opening_post(thread).id)},
    )
    post = db.session.scalar(select(Post).where(Post.body_markdown == "Top level"))
    assert (post.parent_id, post.depth) == (None, 0)


def test_reply_to_a_post_of_another_thread_is_refused(client, maria):
    thread_a = make_thread(title="A")
    thread_b = make_thread(title="B")
    elsewhere = make_reply(thread_b)

    response = client.post(
        f"/threads/{thread_a.id}/reply",
        data={"body": "Crossing threads", "parent_id": str(elsewhere.id)},
    )

    assert response.status_code == 422
    assert "You can only answer a post of this discussion." in response.text
    assert (
        db.session.scalar(select(Post).where(Post.body_markdown == "Crossing threads"))
        is None
    )
    assert reload(thread_a).reply_count == 0


def test_reply_form_for_a_post_of_another_thread_is_refused(client, maria):
    thread_a = make_thread(title="A")
    elsewhere = make_reply(make_thread(title="B"))
    response = client.get(f"/threads/{thread_a.id}/reply?to={elsewhere.id}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("parent_id", "status"), [("999999", 404), ("abc", 422), ("-3", 422)]
)
def test_reply_to_a_post_that_does_not_exist_is_refused(
    client, maria, parent_id, status
):
    thread = make_thread()
    response = client.post(
        f"/threads/{thread.id}/reply", data={"body": "Hm", "parent_id": parent_id}
    )
    assert response.status_code == status
    assert count(Post) == 1


def test_reply_to_a_locked_thread_is_refused(client, maria):
    thread = make_thread(locked=True, lock_reason="Off topic since March")

    response = client.post(f"/threads/{thread.id}/reply", data={"body": "Still here"})

    assert response.status_code == 403
    assert "This discussion is locked: Off topic since March" in response.text
    assert count(Post) == 1
    page = client.get(f"/threads/{thread.id}").text
    assert "no new replies" in page
    assert 'id="reply-heading"' not in page


def test_moderator_may_still_reply_to_a_locked_thread(client, auth):
    thread = make_thread(locked=True)
    auth.login(make_user(role="moderator").email)
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "Closing note"})
    assert response.status_code == 302
    assert count(Post) == 2


def test_hidden_post_content_is_not_shown_to_members(client, auth, browser):
    thread = make_thread()
    hidden = make_reply(thread, body="Buy cheap watches")
    hidden.hidden_at, hidden.hidden_reason = utcnow(), "Spam"
    db.session.commit()
    auth.login(old_member().email)

    page = client.get(f"/threads/{thread.id}").text
    placeholder = post_html(page, hidden.id)
    assert "Hidden by a moderator." in placeholder
    assert "Buy cheap watches" not in page
    assert "Buy cheap watches" not in client.get(f"/threads/{thread.id}?view=flat").text
    assert (
        "Buy cheap watches"
        not in client.get(f"/threads/{thread.id}/reply?to={hidden.id}").text
    )
    quote = client.get(f"/threads/{thread.id}/reply?quote={hidden.id}")
    assert "Buy cheap watches" not in quote.text

    moderator = browser(make_user(role="moderator").email)
    assert "Buy cheap watches" in moderator.get(f"/threads/{thread.id}").text


def test_hidden_post_cannot_be_answered(client, maria):
    thread = make_thread()
    hidden = make_reply(thread)
    hidden.hidden_at = utcnow()
    db.session.commit()
    response = client.post(
        f"/threads/{thread.id}/reply",
        data={"body": "Answering spam", "parent_id": str(hidden.id)},
    )
    assert response.status_code == 422
    assert count(Post) == 2


def test_unapproved_thread_is_invisible_to_others_but_not_to_its_author(
    client, auth, app
):
    app.config["POSTS_NEEDING_APPROVAL"] = 2
    newcomer = make_user()
    auth.login(newcomer.email)
    response = start(client)
    thread = db.session.scalar(select(Thread))
    assert not thread.approved
    assert client.get(response.location).status_code == 200
    assert thread.id not in posts_shown(client.get("/c/TN").text)
    auth.logout()
    assert client.get(f"/threads/{thread.id}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/threads/99999999999999999999",
        "/posts/99999999999999999999",
        "/posts/99999999999999999999/edit",
        "/threads/{thread}/reply?to=99999999999999999999",
        "/threads/{thread}/reply?quote=99999999999999999999",
    ],
)
def test_ids_too_large_to_exist_are_404(client, maria, path):
    thread = make_thread()
    assert client.get(path.format(thread=thread.id)).status_code == 404


def test_nonsense_quote_is_ignored(client, maria):
    thread = make_thread()
    response = client.get(f"/threads/{thread.id}/reply?quote=abc")
    assert response.status_code == 200


def test_reply_naming_a_parent_too_large_to_exist_is_refused(client, maria):
    thread = make_thread()
    response = client.post(
        f"/threads/{thread.id}/reply",
        data={"body": "Hm", "parent_id": "9" * 30},
    )
    assert response.status_code == 404
    assert count(Post) == 1


def test_deleted_thread_offers_no_reply_form_to_its_moderator(client, auth):
    moderator = make_user(
        role="moderator", scope_countries=[db.session.get(Country, "TN")]
    )
    thread = make_thread(country="TN")
    make_reply(thread)
    with current_app.test_request_context():
        moderation.delete_thread(moderator, thread, reason="Duplicate")
    auth.login(moderator.email)

    page = client.get(f"/threads/{thread.id}")
    form = client.get(f"/threads/{thread.id}/reply")

    assert page.status_code == 200
    assert "This discussion is deleted." in page.text
    assert 'name="body"' not in page.text
    assert f"/threads/{thread.id}/reply" not in page.text
    assert form.status_code == 404
    assert 'name="body"' not in form.text
