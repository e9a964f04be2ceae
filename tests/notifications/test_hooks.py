"""Who hears of a new thread, a reply or an edit, and who never does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app

from forum.columns import utcnow
from forum.extensions import db
from forum.models import AccountStatus
from forum.services import following, notifications, threads
from tests.factories import reload
from tests.forum.factories import make_reply, make_thread, old_member, opening_post
from tests.notifications.inbox import follower, notified_ids, received


def edit(post, body: str):
    with current_app.test_request_context():
        return threads.edit_post(post.author, post, body=body)


def test_new_thread_notifies_followers_of_its_country_and_of_its_themes():
    by_country = follower(country="TN")
    by_theme = follower(theme="digital")
    elsewhere = follower(country="MA", theme="agriculture-food")

    thread = make_thread(country="TN", themes=("social-finance", "digital"))

    first = opening_post(thread).id
    assert received(by_country) == [("new_thread", first)]
    assert received(by_theme) == [("new_thread", first)]
    assert received(elsewhere) == []


def test_follower_of_both_the_country_and_a_theme_hears_once():
    both = follower(country="TN", theme="social-finance")

    thread = make_thread(country="TN", themes=("social-finance", "digital"))

    assert received(both) == [("new_thread", opening_post(thread).id)]


def test_mention_in_a_new_thread_beats_following():
    sami = follower(username="sami", country="TN")
    leila = old_member(username="leila")

    thread = make_thread(country="TN", body="What do @sami and @Leila think?")

    first = opening_post(thread).id
    assert received(sami) == [("mention", first)]
    assert received(leila) == [("mention", first)]


def test_reply_to_the_thread_notifies_its_author_as_a_reply():
    author = old_member()
    thread = make_thread(author)

    post = make_reply(thread)

    assert received(author) == [("reply", post.id)]


def test_reply_to_a_post_notifies_that_posts_author_and_the_watchers():
    thread_author = old_member()
    thread = make_thread(thread_author)
    answered = make_reply(thread)

    post = make_reply(thread, to=answered)

    assert received(answered.author)[-1] == ("reply", post.id)
    assert received(thread_author)[-1] == ("watched_reply", post.id)


def test_watchers_hear_of_replies_in_a_thread_they_watch():
    thread = make_thread()
    watcher = old_member()
    following.watch_thread(watcher, thread)

    post = make_reply(thread)

    assert received(watcher) == [("watched_reply", post.id)]


def test_mention_in_a_reply_notifies_the_member_mentioned():
    thread = make_thread()
    leila = old_member(username="leila")

    post = make_reply(thread, body="Thanks! @leila knows this well.")

    assert received(leila) == [("mention", post.id)]


def test_mention_and_reply_to_the_same_member_make_one_notification():
    author = old_member(username="karim")
    thread = make_thread(author)

    post = make_reply(thread, body="@karim I agree with you.")

    assert received(author) == [("mention", post.id)]


def test_nobody_is_notified_of_their_own_post():
    author = old_member(username="nadia")
    following.follow(author, country_code="TN")
    thread = make_thread(author, country="TN", body="Opening, I am @nadia.")

    make_reply(thread, author, body="Adding to my own thread, @nadia here.")

    assert received(author) == []


def test_mentions_of_unknown_usernames_are_ignored():
    thread = make_thread()

    make_reply(thread, body="Is @nobody_here around? Mail me at a@b.example")

    assert notified_ids() == {thread.author_id}


def test_editing_a_post_notifies_only_the_newly_mentioned():
    thread = make_thread()
    old = old_member(username="olivia")
    new = old_member(username="nour")
    post = make_reply(thread, body="Asking @olivia.")

    edit(post, "Asking @olivia and @nour.")
    edit(post, "Asking @olivia, @nour and nobody else.")

    assert received(old) == [("mention", post.id)]
    assert received(new) == [("mention", post.id)]


def test_unapproved_reply_notifies_nobody_until_it_is_approved(app):
    app.config["POSTS_NEEDING_APPROVAL"] = 2
    author = old_member()
    thread = make_thread(old_member(role="moderator"))
    leila = old_member(username="leila")

    post = make_reply(thread, author, body="Hello @leila")

    assert not post.approved
    assert notified_ids() == set()
    post.approved = True
    db.session.commit()
    notifications.on_reply_published(post)
    assert received(leila) == [("mention", post.id)]
    assert received(thread.author) == [("reply", post.id)]


def test_unapproved_thread_notifies_no_follower_until_it_is_approved(app):
    app.config["POSTS_NEEDING_APPROVAL"] = 2
    fan = follower(country="TN")

    thread = make_thread(country="TN")

    assert not thread.approved
    assert notified_ids() == set()
    first = opening_post(thread)
    thread.approved = first.approved = True
    db.session.commit()
    notifications.on_thread_published(thread, first)
    assert received(fan) == [("new_thread", first.id)]


@pytest.mark.parametrize("column", ["hidden_at", "deleted_at"])
def test_hidden_or_deleted_post_notifies_nobody(column):
    thread = make_thread()
    leila = old_member(username="leila")
    post = make_reply(thread, body="Hello @leila")
    before = received(leila)
    setattr(reload(post), column, utcnow())
    db.session.commit()

    notifications.on_reply_published(post)
    notifications.on_post_edited(post, set())

    assert received(leila) == before


@pytest.mark.parametrize(
    "state",
    [
        {"status": AccountStatus.SUSPENDED, "suspended_until": None},
        {"status": AccountStatus.PENDING},
        {"status": AccountStatus.DELETED},
        {"email_confirmed_at": None},
    ],
    ids=["suspended", "pending", "erased", "unconfirmed"],
)
def test_member_who_cannot_log_in_is_not_notified(state):
    blocked = follower(username="blocked", country="TN", **state)
    thread = make_thread(country="TN")

    make_reply(thread, body="Thoughts, @blocked?")

    assert received(blocked) == []


def test_suspension_that_has_ended_does_not_stop_notifications():
    member = old_member(
        username="back",
        status=AccountStatus.SUSPENDED,
        suspended_until=utcnow() - timedelta(days=1),
    )
    thread = make_thread()

    post = make_reply(thread, body="Welcome @back")

    assert received(member) == [("mention", post.id)]


def test_accepting_a_reply_tells_its_author_once(client, maria):
    thread = make_thread(maria)
    answer = make_reply(thread)
    helper = reload(answer).author

    client.post(f"/posts/{answer.id}/accept")
    client.post(f"/posts/{answer.id}/accept")  # takes the mark back
    client.post(f"/posts/{answer.id}/accept")  # and gives it again

    accepted = [kind for kind, post_id in received(helper) if kind == "accepted"]
    assert accepted == ["accepted", "accepted"]
    assert "accepted" not in [kind for kind, _ in received(maria)]


def test_accepting_ones_own_reply_notifies_nobody(client, maria):
    thread = make_thread(maria)
    own = make_reply(thread, maria)
    client.post(f"/posts/{own.id}/accept")
    assert received(maria) == []
