"""Members flag posts; moderators work through the queue, oldest first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.columns import utcnow
from forum.models import Flag, Post
from tests.factories import fresh_session
from tests.forum.factories import make_reply, make_thread, old_member, opening_post
from tests.moderation.log import entries


def _flags() -> list[Flag]:
    return list(fresh_session().scalars(select(Flag).order_by(Flag.id)))


@pytest.mark.parametrize("reason", ["spam", "off_topic", "abusive"])
def test_member_flags_a_post_for_a_reason(client, maria, reason):
    thread = make_thread()
    reply = make_reply(thread, old_member())

    form = client.get(f"/posts/{reply.id}/flag")
    response = client.post(f"/posts/{reply.id}/flag", data={"reason": reason})

    assert form.status_code == 200
    assert response.status_code == 302
    [flag] = _flags()
    assert (flag.post_id, flag.reporter_id, flag.reason) == (reply.id, maria.id, reason)
    assert flag.resolved_at is None


def test_other_reason_needs_a_text(client, maria):
    reply = make_reply(make_thread(), old_member())

    without = client.post(f"/posts/{reply.id}/flag", data={"reason": "other"})
    with_text = client.post(
        f"/posts/{reply.id}/flag",
        data={"reason": "other", "text": "Personal data of a third person"},
    )

    assert without.status_code == 422
    assert "Tell the moderators what is wrong" in without.get_data(as_text=True)
    assert with_text.status_code == 302
    [flag] = _flags()
    assert flag.text == "Personal data of a third person"


def test_flag_text_is_limited_to_a_thousand_characters(client, maria):
    reply = make_reply(make_thread(), old_member())

    response = client.post(
        f"/posts/{reply.id}/flag", data={"reason": "other", "text": "x" * 1001}
    )

    assert response.status_code == 422
    assert _flags() == []


def test_unknown_reason_is_refused(client, maria):
    reply = make_reply(make_thread(), old_member())

    response = client.post(f"/posts/{reply.id}/flag", data={"reason": "boring"})

    assert response.status_code == 422
    assert _flags() == []


def test_one_open_flag_per_member_and_post(client, maria):
    reply = make_reply(make_thread(), old_member())
    client.post(f"/posts/{reply.id}/flag", data={"reason": "spam"})

    again = client.post(f"/posts/{reply.id}/flag", data={"reason": "abusive"})

    assert again.status_code == 409
    assert len(_flags()) == 1


def test_member_cannot_flag_their_own_post(client, maria):
    reply = make_reply(make_thread(), maria)

    response = client.post(f"/posts/{reply.id}/flag", data={"reason": "spam"})

    assert response.status_code == 403
    assert _flags() == []


def test_member_cannot_flag_a_hidden_post(client, browser, maria):
    thread = make_thread()
    reply = make_reply(thread, old_member())
    moderator = browser(old_member(role="moderator").email)
    moderator.post(f"/mod/posts/{reply.id}/hide", data={"reason": "Spam"})

    response = client.post(f"/posts/{reply.id}/flag", data={"reason": "spam"})

    assert response.status_code == 404
    assert _flags() == []


def test_queue_lists_flagged_posts_oldest_first_with_reasons(
    client, auth, browser, member, tn_moderator
):
    thread = make_thread()
    older = make_reply(thread, old_member(), body="Older trouble")
    newer = make_reply(thread, old_member(), body="Newer trouble")
    reporter = browser(member.email)
    reporter.post(f"/posts/{newer.id}/flag", data={"reason": "abusive"})
    reporter.post(
        f"/posts/{older.id}/flag", data={"reason": "other", "text": "Copied text"}
    )
    # The flag on the older post was raised first, a day ago.
    session = fresh_session()
    session.scalar(select(Flag).where(Flag.post_id == older.id)).created_at = (
        utcnow() - timedelta(days=1)
    )
    session.commit()
    auth.login(tn_moderator.email)

    queue = client.get("/mod/").get_data(as_text=True)

    assert queue.index("Older trouble") < queue.index("Newer trouble")
    assert "Copied text" in queue
    assert "Abusive" in queue
    assert "Something else" in queue


def test_hiding_from_the_queue_resolves_every_flag_of_the_post(
    client, auth, browser, member, tn_moderator
):
    thread = make_thread()
    reply = make_reply(thread, old_member(), body="Spam spam spam")
    browser(member.email).post(f"/posts/{reply.id}/flag", data={"reason": "spam"})
    browser(old_member().email).post(
        f"/posts/{reply.id}/flag", data={"reason": "off_topic"}
    )
    first, second = _flags()
    auth.login(tn_moderator.email)

    response = client.post(
        f"/mod/flags/{first.id}/hide", data={"reason": "Advertising"}
    )

    assert response.headers["Location"] == "/mod/"
    assert all(flag.resolution == "hidden" for flag in _flags())
    assert all(flag.resolved_by_id == tn_moderator.id for flag in _flags())
    post = fresh_session().get(Post, reply.id)
    assert post.hidden_at is not None
    assert post.hidden_reason == "Advertising"
    [entry] = entries("flag.hide")
    assert entry.reason == "Advertising"
    assert entry.details["post_id"] == reply.id
    assert "Spam spam spam" not in client.get("/mod/").get_data(as_text=True)


def test_dismissing_a_flag_leaves_the_post_alone(
    client, auth, browser, member, tn_moderator
):
    reply = make_reply(make_thread(), old_member())
    browser(member.email).post(f"/posts/{reply.id}/flag", data={"reason": "spam"})
    [flag] = _flags()
    auth.login(tn_moderator.email)

    page = client.post(
        f"/mod/flags/{flag.id}/dismiss",
        data={"reason": "Not spam"},
        follow_redirects=True,
    )

    assert "The flag is dismissed." in page.get_data(as_text=True)
    [flag] = _flags()
    assert flag.resolution == "dismissed"
    assert fresh_session().get(Post, reply.id).hidden_at is None
    assert entries("flag.dismiss")[0].reason == "Not spam"
    again = client.post(f"/mod/flags/{flag.id}/dismiss")
    assert again.status_code == 409


def test_hiding_a_post_directly_closes_its_flags(
    client, auth, browser, member, tn_moderator
):
    thread = make_thread()
    browser(member.email).post(
        f"/posts/{opening_post(thread).id}/flag", data={"reason": "spam"}
    )
    auth.login(tn_moderator.email)

    client.post(f"/mod/posts/{opening_post(thread).id}/hide", data={"reason": "Spam"})

    assert [flag.resolution for flag in _flags()] == ["hidden"]
