"""Hiding and showing posts again: placeholders for members, text for moderators."""

from __future__ import annotations

from forum.models import Post, Thread
from tests.factories import fresh_session
from tests.forum.factories import make_reply, make_thread, old_member
from tests.forum.pages import post_html
from tests.moderation.log import entries


def test_hidden_post_shows_members_a_placeholder_with_the_reason(
    client, auth, browser, tn_moderator, member
):
    thread = make_thread()
    reply = make_reply(thread, old_member(), body="Buy cheap watches here")
    moderator = browser(tn_moderator.email)

    response = moderator.post(
        f"/mod/posts/{reply.id}/hide", data={"reason": "Advertising"}
    )

    assert response.status_code == 302
    auth.login(member.email)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    shown = post_html(page, reply.id)
    assert "Advertising" in shown
    assert "Buy cheap watches here" not in page
    seen_by_moderator = moderator.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Buy cheap watches here" in post_html(seen_by_moderator, reply.id)
    assert "Advertising" in post_html(seen_by_moderator, reply.id)


def test_hiding_needs_a_reason(client, auth, tn_moderator):
    thread = make_thread()
    reply = make_reply(thread, old_member())
    auth.login(tn_moderator.email)

    response = client.post(f"/mod/posts/{reply.id}/hide", data={"reason": " "})

    assert response.status_code == 422
    assert fresh_session().get(Post, reply.id).hidden_at is None


def test_hiding_drops_the_reply_count_and_showing_again_restores_it(
    client, auth, tn_moderator
):
    thread = make_thread()
    make_reply(thread, old_member())
    reply = make_reply(thread, old_member())
    auth.login(tn_moderator.email)

    client.post(f"/mod/posts/{reply.id}/hide", data={"reason": "Rude"})
    assert fresh_session().get(Thread, thread.id).reply_count == 1
    listing = client.get("/c/TN").get_data(as_text=True)
    assert "1 reply" in listing

    client.post(f"/mod/posts/{reply.id}/unhide", data={"reason": "Appeal accepted"})
    assert fresh_session().get(Thread, thread.id).reply_count == 2


def test_hide_and_unhide_are_audited_with_their_reasons(client, auth, tn_moderator):
    thread = make_thread()
    reply = make_reply(thread, old_member())
    auth.login(tn_moderator.email)

    client.post(f"/mod/posts/{reply.id}/hide", data={"reason": "Insults"})
    page = client.post(
        f"/mod/posts/{reply.id}/unhide",
        data={"reason": "Edited by the author"},
        follow_redirects=True,
    )

    assert "The post is visible again." in page.get_data(as_text=True)
    [hidden] = entries("post.hide")
    [shown] = entries("post.unhide")
    assert (hidden.target_type, hidden.target_id) == ("post", str(reply.id))
    assert hidden.reason == "Insults"
    assert shown.reason == "Edited by the author"
    assert hidden.country_code == "TN"


def test_moderator_sees_post_tools_and_member_sees_a_flag_link(
    client, auth, browser, tn_moderator, member
):
    thread = make_thread()
    reply = make_reply(thread, old_member())

    moderator_page = (
        browser(tn_moderator.email).get(f"/threads/{thread.id}").get_data(as_text=True)
    )
    auth.login(member.email)
    member_page = client.get(f"/threads/{thread.id}").get_data(as_text=True)

    assert f"/mod/posts/{reply.id}/hide" in post_html(moderator_page, reply.id)
    assert f"/mod/posts/{reply.id}/hide" not in member_page
    assert f"/posts/{reply.id}/flag" in post_html(member_page, reply.id)


def test_hide_page_shows_the_post_to_the_moderator(client, auth, tn_moderator):
    thread = make_thread()
    reply = make_reply(thread, old_member(), body="Questionable claims")
    auth.login(tn_moderator.email)

    page = client.get(f"/mod/posts/{reply.id}/hide")

    assert page.status_code == 200
    assert "Questionable claims" in page.get_data(as_text=True)
