"""A moderator acts only inside their scope, in every page of moderation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.models import Flag, Post, Thread
from tests.factories import fresh_session, make_user
from tests.forum.factories import make_reply, make_thread, old_member, opening_post
from tests.moderation.log import entries

THREAD_ACTIONS = [
    ("pin", {}),
    ("unpin", {}),
    ("lock", {"reason": "Closed"}),
    ("unlock", {}),
    ("feature", {}),
    ("unfeature", {}),
    ("rename", {"title": "Renamed"}),
    ("move", {"country": "TN", "themes": "digital"}),
    ("delete", {"reason": "Gone"}),
    ("restore", {}),
    ("split", {"title": "Split off", "post_ids": "0"}),
]


def _snapshot(thread_id: int) -> dict:
    session = fresh_session()
    thread = session.get(Thread, thread_id)
    posts = session.scalars(select(Post).where(Post.thread_id == thread_id)).all()
    columns = ("title", "country_code", "pinned", "locked", "featured")
    columns += ("deleted_at", "merged_into_id", "reply_count")
    return {
        "thread": {column: getattr(thread, column) for column in columns},
        "themes": thread.theme_slugs,
        "posts": [(p.id, p.thread_id, p.hidden_at, p.approved) for p in posts],
    }


@pytest.fixture
def french_thread(app):
    """A thread of France on digital, outside the Tunisia moderator's scope."""
    thread = make_thread(country="FR", themes=("digital",))
    make_reply(thread, old_member())
    return thread


@pytest.mark.parametrize(("name", "data"), THREAD_ACTIONS)
def test_moderator_of_tunisia_cannot_act_on_a_french_thread(
    client, auth, tn_moderator, french_thread, name, data
):
    before = _snapshot(french_thread.id)
    auth.login(tn_moderator.email)

    shown = client.get(f"/mod/threads/{french_thread.id}/{name}")
    done = client.post(f"/mod/threads/{french_thread.id}/{name}", data=data)

    assert shown.status_code == 403
    assert done.status_code == 403
    assert _snapshot(french_thread.id) == before


def test_moderator_of_tunisia_cannot_merge_across_scopes(
    client, auth, tn_moderator, french_thread
):
    tunisian = make_thread(country="TN")
    auth.login(tn_moderator.email)

    into_french = client.post(
        f"/mod/threads/{tunisian.id}/merge", data={"target": str(french_thread.id)}
    )
    from_french = client.post(
        f"/mod/threads/{french_thread.id}/merge", data={"target": str(tunisian.id)}
    )

    assert into_french.status_code == 403
    assert from_french.status_code == 403
    assert fresh_session().get(Thread, tunisian.id).deleted_at is None
    assert entries("thread.merge") == []


def test_moderator_cannot_move_a_thread_out_of_their_scope(client, auth, tn_moderator):
    thread = make_thread(country="TN", themes=("social-finance",))
    auth.login(tn_moderator.email)

    response = client.post(
        f"/mod/threads/{thread.id}/move", data={"country": "FR", "themes": "digital"}
    )

    assert response.status_code == 403
    assert fresh_session().get(Thread, thread.id).country_code == "TN"


@pytest.mark.parametrize(
    ("name", "data"),
    [("hide", {"reason": "Rude"}), ("unhide", {}), ("approve", {}), ("reject", {})],
)
def test_moderator_of_tunisia_cannot_act_on_french_posts(
    client, auth, tn_moderator, french_thread, name, data
):
    reply = make_reply(french_thread, old_member())
    before = _snapshot(french_thread.id)
    auth.login(tn_moderator.email)

    assert client.get(f"/mod/posts/{reply.id}/{name}").status_code == 403
    assert client.post(f"/mod/posts/{reply.id}/{name}", data=data).status_code == 403
    assert _snapshot(french_thread.id) == before


@pytest.mark.parametrize("action", ["hide", "dismiss"])
def test_moderator_of_tunisia_cannot_resolve_flags_on_french_posts(
    client, auth, browser, member, tn_moderator, french_thread, action
):
    reply = make_reply(french_thread, old_member())
    browser(member.email).post(f"/posts/{reply.id}/flag", data={"reason": "spam"})
    flag = fresh_session().scalar(select(Flag))
    auth.login(tn_moderator.email)

    response = client.post(f"/mod/flags/{flag.id}/{action}", data={"reason": "x"})

    assert response.status_code == 403
    assert fresh_session().get(Flag, flag.id).resolved_at is None
    queue = client.get("/mod/").get_data(as_text=True)
    assert f"/mod/flags/{flag.id}/" not in queue


def test_moderator_of_a_theme_acts_on_its_threads_in_any_country(
    client, auth, circular_moderator
):
    french = make_thread(country="FR", themes=("digital", "circular-economy"))
    greek = make_thread(country="GR", themes=("circular-economy",))
    reply = make_reply(greek, old_member())
    auth.login(circular_moderator.email)

    assert client.post(f"/mod/threads/{french.id}/pin").status_code == 302
    assert (
        client.post(f"/mod/posts/{reply.id}/hide", data={"reason": "Spam"}).status_code
        == 302
    )
    session = fresh_session()
    assert session.get(Thread, french.id).pinned is True
    assert session.get(Post, reply.id).hidden_at is not None


def test_moderator_of_a_theme_cannot_act_on_other_themes(
    client, auth, circular_moderator
):
    thread = make_thread(country="TN", themes=("social-finance",))
    auth.login(circular_moderator.email)

    assert client.post(f"/mod/threads/{thread.id}/pin").status_code == 403


MODERATOR_PAGES = [
    ("get", "/mod/"),
    ("get", "/mod/log"),
    ("get", "/mod/threads/{thread}/pin"),
    ("post", "/mod/threads/{thread}/pin"),
    ("post", "/mod/threads/{thread}/delete"),
    ("get", "/mod/threads/{thread}/split"),
    ("post", "/mod/posts/{post}/hide"),
    ("post", "/mod/posts/{post}/approve"),
    ("get", "/mod/users/{user}/suspend"),
    ("post", "/mod/users/{user}/suspend"),
]


def test_member_gets_403_on_every_moderation_page(client, maria):
    thread = make_thread()
    post = opening_post(thread)
    other = make_user()
    for method, pattern in MODERATOR_PAGES:
        path = pattern.format(thread=thread.id, post=post.id, user=other.id)
        response = getattr(client, method)(path, data={"reason": "x", "days": "3"})
        assert response.status_code == 403, path
    assert fresh_session().get(Thread, thread.id).pinned is False


def test_visitor_is_sent_to_the_login_page(client):
    thread = make_thread()

    response = client.get(f"/mod/threads/{thread.id}/pin")

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
