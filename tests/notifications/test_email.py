"""Notification emails: at once, in a daily digest, or never."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app

from forum.columns import utcnow
from forum.extensions import db
from forum.services import following, notifications, threads
from tests.factories import reload
from tests.forum.factories import make_reply, make_thread, old_member
from tests.notifications.inbox import notifications_of


def forum(runner, *args):
    return runner.invoke(args=["forum", *args])


def send_digests(runner):
    result = forum(runner, "send-digests", "--base-url", "https://agora.example")
    assert result.exit_code == 0, result.output
    return result.output


def test_immediate_email_goes_to_the_recipient_with_the_posts_permalink(outbox):
    member = old_member(email="karim@coop.example", email_notifications="immediate")
    thread = make_thread(member)

    post = make_reply(thread)

    [mail] = outbox.to("karim@coop.example")
    assert outbox.last_link("karim@coop.example", "/posts/") == f"/posts/{post.id}"
    assert thread.title in mail["Subject"]


def test_immediate_email_is_written_in_the_recipients_language(outbox):
    french = old_member(
        display_name="Camille", email="camille@coop.example", locale="fr"
    )
    english = old_member(display_name="Karim", email="karim@coop.example")
    thread = make_thread(french, body="Bienvenue, @" + english.username)

    post = make_reply(thread, english)

    [mail] = outbox.to("camille@coop.example")
    assert "Bonjour Camille," in mail.get_content()
    assert outbox.last_link("camille@coop.example", "/posts/") == f"/posts/{post.id}"
    assert "Hello Karim," in outbox.to("karim@coop.example")[0].get_content()


def test_one_email_per_notification(outbox):
    author = old_member(email="karim@coop.example")
    thread = make_thread(author)

    make_reply(thread)
    make_reply(thread)

    assert len(outbox.to("karim@coop.example")) == 2


def test_members_who_chose_no_email_or_the_digest_get_no_immediate_mail(outbox):
    quiet = old_member(email="quiet@coop.example", email_notifications="none")
    daily = old_member(email="daily@coop.example", email_notifications="daily")
    make_reply(make_thread(quiet))
    make_reply(make_thread(daily))

    assert outbox.to("quiet@coop.example") == []
    assert outbox.to("daily@coop.example") == []


def test_a_mail_failure_keeps_the_reply_and_the_notification(app, outbox, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)  # nothing listens
    author = old_member(email="karim@coop.example")
    thread = make_thread(author)

    with caplog.at_level(logging.ERROR):
        post = make_reply(thread, body="Still here after the mail failed.")

    assert reload(post).body_markdown == "Still here after the mail failed."
    assert [n.post_id for n in notifications_of(author)] == [post.id]
    assert notifications_of(author)[0].emailed_at is None
    assert "Could not email notification" in caplog.text


def test_a_thread_started_from_a_command_still_notifies_in_app(outbox, caplog):
    fan = old_member(email="fan@coop.example")
    following.follow(fan, country_code="TN")

    thread = threads.create_thread(  # no request: as a command would
        old_member(),
        title="Started from the command line",
        body="No request here.",
        country="TN",
        themes=["digital"],
        language="en",
    )

    assert [n.thread_id for n in notifications_of(fan)] == [thread.id]
    assert outbox.to("fan@coop.example") == []
    assert "no SERVER_NAME" in caplog.text


def test_daily_digest_groups_notifications_in_one_mail(runner, outbox):
    member = old_member(email="daily@coop.example", email_notifications="daily")
    thread = make_thread(member)
    posts = [make_reply(thread) for _ in range(3)]

    output = send_digests(runner)

    [mail] = outbox.to("daily@coop.example")
    body = mail.get_content()
    for post in posts:
        assert f"https://agora.example/posts/{post.id}" in body
    assert "Sent 1 digests." in output
    assert reload(member).digest_sent_at is not None


def test_running_the_digest_twice_the_same_day_sends_nothing_new(runner, outbox):
    member = old_member(email="daily@coop.example", email_notifications="daily")
    thread = make_thread(member)
    make_reply(thread)
    send_digests(runner)

    make_reply(thread)
    send_digests(runner)

    assert len(outbox.to("daily@coop.example")) == 1


def test_next_days_digest_has_only_what_came_since(outbox):
    member = old_member(email="daily@coop.example", email_notifications="daily")
    thread = make_thread(member)
    first = make_reply(thread)
    with current_app.test_request_context():
        notifications.send_digests()
    second = make_reply(thread)

    with current_app.test_request_context():
        sent = notifications.send_digests(now=utcnow() + timedelta(days=1))

    assert sent == 1
    latest = outbox.to("daily@coop.example")[-1].get_content()
    assert f"/posts/{second.id}" in latest
    assert f"/posts/{first.id}\n" not in latest


def test_digest_leaves_out_read_and_hidden_notifications(runner, outbox):
    member = old_member(email="daily@coop.example", email_notifications="daily")
    thread = make_thread(member)
    hidden, kept, read = (make_reply(thread) for _ in range(3))
    hidden.hidden_at = utcnow()
    db.session.commit()
    [read_notification] = [n for n in notifications_of(member) if n.post_id == read.id]
    read_notification.read_at = utcnow()
    db.session.commit()

    send_digests(runner)

    [mail] = outbox.to("daily@coop.example")
    body = mail.get_content()
    assert f"/posts/{kept.id}" in body
    assert f"/posts/{hidden.id}" not in body
    assert f"/posts/{read.id}" not in body


def test_digest_that_could_not_be_sent_is_sent_at_the_next_run(app, runner, outbox):
    member = old_member(email="daily@coop.example", email_notifications="daily")
    post = make_reply(make_thread(member))
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)  # nothing listens

    failed = send_digests(runner)
    app.config.update(MAIL_SERVER=None)
    retried = send_digests(runner)

    assert "Sent 0 digests." in failed
    assert "Sent 1 digests." in retried
    [mail] = outbox.to("daily@coop.example")
    assert f"/posts/{post.id}" in mail.get_content()


def test_digest_without_anything_new_sends_no_mail(runner, outbox):
    old_member(email="daily@coop.example", email_notifications="daily")

    assert "Sent 0 digests." in send_digests(runner)
    assert outbox.to("daily@coop.example") == []


def test_send_digests_needs_an_address_for_links(runner):
    result = forum(runner, "send-digests")

    assert result.exit_code != 0
    assert "--base-url" in result.output
