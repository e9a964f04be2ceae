"""The notifications page, the unread count in the header, marking read."""

from __future__ import annotations

import re

from sqlalchemy import event

from forum.columns import utcnow
from forum.extensions import db
from forum.services import notifications
from tests.factories import fresh_session
from tests.forum.factories import make_reply, make_thread, old_member
from tests.notifications.inbox import notifications_of

NAV_COUNT = re.compile(
    r'href="/notifications"[^>]*>[^<]*<span class="badge badge--unread">(\d+)<'
)
NOTIFICATIONS_TABLE = re.compile(r"\bnotifications\b")  # not email_notifications
LISTED = re.compile(r'<li class="thread-row[^"]*" id="notification-(\d+)"')


def header_count(html: str) -> int:
    """Return the unread count shown next to "Notifications" (0 when none)."""
    found = NAV_COUNT.search(html)
    return int(found.group(1)) if found else 0


def unread(user) -> int:
    return sum(1 for n in notifications_of(user) if n.read_at is None)


def test_notifications_page_requires_login(client):
    response = client.get("/notifications")

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_header_shows_the_unread_count(client, maria):
    thread = make_thread(maria)
    make_reply(thread)
    make_reply(thread)

    assert header_count(client.get("/").text) == 2


def test_page_lists_newest_first_and_marks_unread(client, maria):
    thread = make_thread(maria, title="Ethical banks in Tunisia")
    make_reply(thread)
    make_reply(thread)
    first, second = notifications_of(maria)
    first.read_at = utcnow()
    db.session.commit()

    html = client.get("/notifications").text

    assert [int(i) for i in LISTED.findall(html)] == [second.id, first.id]
    rows = html.split('id="notification-')
    assert "Unread" in rows[1] and "Unread" not in rows[2]
    # The title is wrapped in direction isolates (U+2068 ... U+2069).
    assert "replied to you in “\u2068Ethical banks in Tunisia\u2069”" in html


def test_page_is_paginated(client, maria):
    thread = make_thread(maria)
    for _ in range(notifications.PER_PAGE + 1):
        make_reply(thread)
    oldest = notifications_of(maria)[0]

    first_page = client.get("/notifications").text
    second_page = client.get("/notifications?page=2").text

    assert len(LISTED.findall(first_page)) == notifications.PER_PAGE
    assert [int(i) for i in LISTED.findall(second_page)] == [oldest.id]


def test_opening_a_notification_marks_it_read_and_goes_to_the_post(client, maria):
    thread = make_thread(maria)
    post = make_reply(thread)
    [notification] = notifications_of(maria)

    response = client.get(f"/notifications/{notification.id}")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/posts/{post.id}")
    assert unread(maria) == 0


def test_nobody_opens_another_members_notification(client, maria):
    other = old_member()
    make_reply(make_thread(other))
    [notification] = notifications_of(other)

    assert client.get(f"/notifications/{notification.id}").status_code == 404
    assert unread(other) == 1


def test_mark_all_as_read(client, maria):
    make_reply(make_thread(maria))
    make_reply(make_thread(maria))
    other = old_member()
    make_reply(make_thread(other))

    response = client.post("/notifications/read")

    assert response.status_code == 302
    assert unread(maria) == 0
    assert unread(other) == 1
    assert header_count(client.get("/notifications").text) == 0


def test_visiting_a_thread_marks_its_notifications_read(client, maria):
    visited = make_thread(maria)
    make_reply(visited)
    make_reply(visited)
    elsewhere = make_thread(maria)
    make_reply(elsewhere)

    html = client.get(f"/threads/{visited.id}").text

    assert header_count(html) == 1
    assert [n.thread_id for n in notifications_of(maria) if not n.read_at] == [
        elsewhere.id
    ]


def test_thread_page_counts_and_marks_notifications_in_one_query_each(
    app, client, maria
):
    thread = make_thread(maria)
    make_reply(thread)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if NOTIFICATIONS_TABLE.search(statement):
            statements.append(statement.split()[0])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(f"/threads/{thread.id}").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

    assert statements == ["UPDATE", "SELECT"]


def test_notification_of_a_hidden_post_shows_no_content(client, maria):
    thread = make_thread(maria)
    post = make_reply(thread, body="Something later hidden.")
    make_reply(thread)
    post.hidden_at = utcnow()
    db.session.commit()
    hidden = notifications_of(maria)[0]

    html = client.get("/notifications").text
    opened = client.get(f"/notifications/{hidden.id}")

    row = html.split(f'id="notification-{hidden.id}"')[1].split("</li>")[0]
    assert "This content is no longer available." in row
    assert f"/notifications/{hidden.id}" not in html
    assert header_count(html) == 1
    assert opened.headers["Location"].endswith("/notifications")


def test_notification_of_a_deleted_thread_shows_no_title(client, maria):
    author = old_member()
    thread = make_thread(author, title="A thread about to go", body="Hi @maria")
    thread.deleted_at = utcnow()
    db.session.commit()

    html = client.get("/notifications").text

    assert "A thread about to go" not in html
    assert "This content is no longer available." in html
    assert header_count(html) == 0


def test_moderator_still_sees_what_a_notification_was_about(client, auth):
    moderator = old_member(role="moderator", email="mod@coop.example")
    thread = make_thread(moderator)
    post = make_reply(thread)
    post.hidden_at = utcnow()
    db.session.commit()
    auth.login("mod@coop.example")

    html = client.get("/notifications").text

    assert "replied to you in" in html
    assert header_count(html) == 1


def save_email_choice(client, choice: str):
    return client.post(
        "/settings",
        data={
            "display_name": "Maria",
            "actor_type": "other",
            "locale": "en",
            "timezone": "UTC",
            "email_notifications": choice,
        },
    )


def email_choice(user) -> str:
    return fresh_session().get(type(user), user.id).email_notifications


def test_settings_save_the_email_choice(client, maria):
    assert 'name="email_notifications"' in client.get("/settings").text

    response = save_email_choice(client, "daily")

    assert response.status_code == 302
    assert email_choice(maria) == "daily"


def test_settings_refuse_an_unknown_email_choice(client, maria):
    response = save_email_choice(client, "hourly")

    assert response.status_code == 422
    assert email_choice(maria) == "immediate"
