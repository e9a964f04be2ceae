"""Regressions found in review: odd numbers in URLs, answers hidden, merge chains."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.models import Notification
from tests.factories import fresh_session, make_user, reload
from tests.forum.factories import make_reply, make_thread


@pytest.mark.parametrize(
    "path",
    [
        "/c/TN?page=%C2%B2",
        "/threads/{thread}?page=%C2%B2",
        "/threads/{thread}/reply?to=%C2%B2",
        "/api/v1/threads?page=%C2%B2",
        "/threads/99999999999999999999",
        "/posts/99999999999999999999",
        "/notifications/99999999999999999999",
        "/mod/threads/99999999999999999999/split",
        "/admin/audit?actor=%C2%B2",
        "/admin/users?page=%C2%B2",
    ],
)
def test_odd_numbers_in_addresses_never_give_a_server_error(client, auth, path):
    admin = make_user(role="admin", email="admin@review.example")
    thread = make_thread()
    auth.login(admin.email)
    response = client.get(path.format(thread=thread.id))
    assert response.status_code < 500


def test_hiding_the_accepted_answer_removes_the_mark(client, auth):
    moderator = make_user(role="moderator", email="mod@review.example")
    thread = make_thread()
    answer = make_reply(thread)
    thread.accepted_post_id = answer.id
    fresh_session().commit()
    auth.login(moderator.email)
    response = client.post(
        f"/mod/posts/{answer.id}/hide", data={"reason": "Advertising"}
    )
    assert response.status_code == 302
    assert reload(thread).accepted_post_id is None


def test_old_links_follow_a_chain_of_merges(client, auth):
    moderator = make_user(role="moderator", email="mod2@review.example")
    first, second, third = make_thread(), make_thread(), make_thread()
    auth.login(moderator.email)
    for source, target in ((first, second), (second, third)):
        response = client.post(
            f"/mod/threads/{source.id}/merge", data={"target": str(target.id)}
        )
        assert response.status_code == 302, response.text
    response = client.get(f"/threads/{first.id}")
    assert response.status_code == 302
    assert response.location.endswith(f"/threads/{third.id}")


def test_notifications_follow_posts_merged_elsewhere(client, auth):
    moderator = make_user(role="moderator", email="mod3@review.example")
    author = make_user(email="author@review.example")
    source = make_thread(author)
    make_reply(source)  # notifies the author of a reply in `source`
    target = make_thread()
    auth.login(moderator.email)
    client.post(f"/mod/threads/{source.id}/merge", data={"target": str(target.id)})
    thread_ids = (
        fresh_session()
        .scalars(
            select(Notification.thread_id).where(Notification.user_id == author.id)
        )
        .all()
    )
    assert thread_ids == [target.id]
