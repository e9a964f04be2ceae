"""New members' first posts wait in the approval queue until a moderator decides."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.models import Country, Notification, Post, Thread
from tests.factories import fresh_session, make_user
from tests.forum.factories import make_thread, old_member
from tests.moderation.log import entries


@pytest.fixture
def app_config() -> dict:
    return {"POSTS_NEEDING_APPROVAL": 2}


@pytest.fixture
def newcomer(app):
    return make_user(username="newcomer")


def _start_thread(browser, author, title="My first question") -> Thread:
    browser(author.email).post(
        "/threads/new",
        data={
            "title": title,
            "body": f"{title}: how do we register a cooperative?",
            "country": "TN",
            "themes": ["governance-cooperatives"],
            "language": "en",
        },
    )
    return fresh_session().scalar(select(Thread).where(Thread.title == title))


def _first_post(thread: Thread) -> Post:
    return fresh_session().scalar(
        select(Post).where(Post.thread_id == thread.id, Post.is_first.is_(True))
    )


def test_new_members_thread_waits_then_is_published_on_approval(
    client, auth, browser, newcomer, member, tn_moderator
):
    follower = old_member()
    browser(follower.email).post("/c/TN/follow")
    thread = _start_thread(browser, newcomer)
    assert thread.approved is False
    auth.login(member.email)
    assert client.get(f"/threads/{thread.id}").status_code == 404
    assert f'href="/threads/{thread.id}"' not in client.get("/c/TN").get_data(
        as_text=True
    )
    moderator = browser(tn_moderator.email)
    queue = moderator.get("/mod/").get_data(as_text=True)
    assert "My first question" in queue

    response = moderator.post(
        f"/mod/posts/{_first_post(thread).id}/approve", data={"next": "queue"}
    )

    assert response.headers["Location"] == "/mod/"
    assert client.get(f"/threads/{thread.id}").status_code == 200
    assert f'href="/threads/{thread.id}"' in client.get("/c/TN").get_data(as_text=True)
    assert "My first question" not in moderator.get("/mod/").get_data(as_text=True)
    [entry] = entries("post.approve")
    assert entry.actor_id == tn_moderator.id
    notified = fresh_session().scalars(
        select(Notification.user_id).where(Notification.thread_id == thread.id)
    )
    assert follower.id in set(notified)


def test_pending_reply_is_counted_once_approved(
    client, auth, browser, newcomer, tn_moderator
):
    # A moderator's posts need no approval: the thread is public.
    thread = make_thread(old_member(role="moderator"))
    browser(newcomer.email).post(
        f"/threads/{thread.id}/reply", data={"body": "I have the same question."}
    )
    reply = fresh_session().scalar(
        select(Post).where(Post.thread_id == thread.id, Post.is_first.is_(False))
    )
    assert reply.approved is False
    assert f"post-{reply.id}" not in client.get(f"/threads/{thread.id}").get_data(
        as_text=True
    )
    auth.login(tn_moderator.email)

    client.post(f"/mod/posts/{reply.id}/approve")

    refreshed = fresh_session().get(Thread, thread.id)
    assert refreshed.reply_count == 1
    assert refreshed.last_poster_id == newcomer.id
    auth.logout()
    assert f"post-{reply.id}" in client.get(f"/threads/{thread.id}").get_data(
        as_text=True
    )


def test_rejecting_an_opening_post_deletes_its_thread(
    client, auth, browser, newcomer, tn_moderator
):
    thread = _start_thread(browser, newcomer, title="Buy followers")
    auth.login(tn_moderator.email)

    without_reason = client.post(f"/mod/posts/{_first_post(thread).id}/reject")
    response = client.post(
        f"/mod/posts/{_first_post(thread).id}/reject",
        data={"reason": "Advertising", "next": "queue"},
    )

    assert without_reason.status_code == 422
    assert response.headers["Location"] == "/mod/"
    post = _first_post(thread)
    assert post.deleted_at is not None
    assert post.hidden_reason == "Advertising"
    assert fresh_session().get(Thread, thread.id).deleted_at is not None
    assert entries("post.reject")[0].reason == "Advertising"
    assert "Buy followers" not in client.get("/mod/").get_data(as_text=True)


def test_approval_queue_shows_only_the_moderators_scope(
    client, auth, browser, newcomer
):
    thread = _start_thread(browser, newcomer)
    france = fresh_session().get(Country, "FR")
    other_scope = make_user(role="moderator", scope_countries=[france])
    auth.login(other_scope.email)

    queue = client.get("/mod/")
    approve = client.post(f"/mod/posts/{_first_post(thread).id}/approve")

    assert "My first question" not in queue.get_data(as_text=True)
    assert approve.status_code == 403
    assert _first_post(thread).approved is False


def test_approved_posts_end_the_waiting(client, browser, newcomer, tn_moderator):
    moderator = browser(tn_moderator.email)
    for title in ("First", "Second"):
        thread = _start_thread(browser, newcomer, title=title)
        moderator.post(f"/mod/posts/{_first_post(thread).id}/approve")

    third = _start_thread(browser, newcomer, title="Third")

    assert third.approved is True
