"""Suspending members, the moderation log, and the moderation pages' outline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum.columns import utcnow
from forum.errors import ValidationError
from forum.models import AccountStatus, User
from forum.services import members
from tests.factories import fresh_session, make_user
from tests.forum.factories import make_reply, make_thread, old_member
from tests.forum.test_query_counts import queries_for
from tests.moderation.log import entries
from tests.test_pages import _check_page


def test_moderator_suspends_a_member_for_seven_days(client, auth, tn_moderator):
    troll = make_user(username="troll")
    auth.login(tn_moderator.email)

    form = client.get(f"/mod/users/{troll.id}/suspend")
    response = client.post(
        f"/mod/users/{troll.id}/suspend", data={"days": "7", "reason": "Insults"}
    )

    assert form.status_code == 200
    assert response.status_code == 302
    troll = fresh_session().get(User, troll.id)
    assert troll.status is AccountStatus.SUSPENDED
    assert troll.suspension_reason == "Insults"
    left = troll.suspended_until - utcnow()
    assert timedelta(days=6, hours=23) < left <= timedelta(days=7)
    assert entries("user.suspend")[0].actor_id == tn_moderator.id


def test_moderator_cannot_suspend_for_forty_days(client, auth, tn_moderator):
    troll = make_user(username="troll")
    auth.login(tn_moderator.email)

    response = client.post(
        f"/mod/users/{troll.id}/suspend", data={"days": "40", "reason": "Insults"}
    )

    assert response.status_code == 403
    assert "at most 30 days" in response.get_data(as_text=True)
    assert fresh_session().get(User, troll.id).status is AccountStatus.ACTIVE


def test_suspension_needs_a_reason(client, auth, tn_moderator):
    troll = make_user(username="troll")
    auth.login(tn_moderator.email)

    response = client.post(f"/mod/users/{troll.id}/suspend", data={"days": "3"})

    assert response.status_code == 422
    assert fresh_session().get(User, troll.id).status is AccountStatus.ACTIVE


def test_moderator_reads_the_log_of_their_scope_only(
    client, auth, browser, tn_moderator, global_moderator
):
    tunisian = make_thread(country="TN", title="Tunisian thread")
    french = make_thread(country="FR", themes=("digital",), title="French thread")
    boss = browser(global_moderator.email)
    boss.post(f"/mod/threads/{tunisian.id}/pin", data={"reason": "Tunisian pin"})
    boss.post(f"/mod/threads/{french.id}/pin", data={"reason": "French pin"})
    boss.post(f"/mod/threads/{french.id}/lock", data={"reason": "French lock"})
    auth.login(tn_moderator.email)

    log = client.get("/mod/log").get_data(as_text=True)
    everything = boss.get("/mod/log").get_data(as_text=True)
    locks = boss.get("/mod/log?action=thread.lock").get_data(as_text=True)

    assert "Tunisian pin" in log
    assert "French pin" not in log
    assert "French lock" not in log
    for reason in ("Tunisian pin", "French pin", "French lock"):
        assert reason in everything
    assert "French lock" in locks
    assert "French pin" not in locks


def test_theme_moderator_reads_the_log_of_their_theme_in_any_country(
    client, auth, browser, circular_moderator, global_moderator
):
    greek = make_thread(country="GR", themes=("digital", "circular-economy"))
    other = make_thread(country="GR", themes=("digital",))
    boss = browser(global_moderator.email)
    boss.post(f"/mod/threads/{greek.id}/pin", data={"reason": "Circular pin"})
    boss.post(f"/mod/threads/{other.id}/pin", data={"reason": "Digital pin"})
    auth.login(circular_moderator.email)

    log = client.get("/mod/log").get_data(as_text=True)

    assert "Circular pin" in log
    assert "Digital pin" not in log


def test_member_cannot_read_the_moderation_log(client, maria):
    assert client.get("/mod/log").status_code == 403


def test_moderation_link_counts_what_waits(client, auth, browser, member, tn_moderator):
    reply = make_reply(make_thread(), old_member())
    browser(member.email).post(f"/posts/{reply.id}/flag", data={"reason": "spam"})
    auth.login(tn_moderator.email)

    page = client.get("/").get_data(as_text=True)

    assert 'href="/mod/">Moderation <span class="badge">1<' in page


@pytest.fixture
def busy_forum(app, member):
    thread = make_thread()
    reply = make_reply(thread, old_member())
    return thread, reply


def test_moderation_pages_are_well_formed(client, auth, browser, admin, busy_forum):
    thread, reply = busy_forum
    browser(old_member().email).post(f"/posts/{reply.id}/flag", data={"reason": "spam"})
    auth.login(admin.email)
    paths = [
        "/mod/",
        "/mod/log",
        f"/threads/{thread.id}",
        f"/mod/threads/{thread.id}/split",
        f"/mod/users/{reply.author_id}/suspend",
        f"/mod/posts/{reply.id}/hide",
        f"/mod/posts/{reply.id}/approve",
    ]
    paths += [f"/mod/threads/{thread.id}/{name}" for name in ("move", "merge", "lock")]
    for path in paths:
        _check_page(client, path)


def test_flag_page_is_well_formed(client, maria, busy_forum):
    _thread, reply = busy_forum
    _check_page(client, f"/posts/{reply.id}/flag")


def test_moderation_count_in_the_header_is_one_query(
    client, auth, browser, tn_moderator
):
    reply = make_reply(make_thread(), old_member())
    browser(old_member().email).post(f"/posts/{reply.id}/flag", data={"reason": "spam"})
    member = browser(old_member().email)
    auth.login(tn_moderator.email)

    as_member = queries_for(member, "/settings")
    as_moderator = queries_for(client, "/settings")

    assert len([sql for sql in as_moderator if "FROM flags" in sql]) == 1
    assert not [sql for sql in as_member if "FROM flags" in sql]


def test_suspend_user_refuses_a_reason_too_long(app):
    admin = make_user(role="admin")
    member = make_user()
    with pytest.raises(ValidationError) as refused:
        members.suspend_user(admin, member, until=None, reason="Spam. " * 334)
    assert refused.value.field == "reason"
    assert refused.value.message == "Too long: at most 2000 characters."
    assert fresh_session().get(User, member.id).status is AccountStatus.ACTIVE
    members.suspend_user(admin, member, until=None, reason="x" * 2000)
    assert fresh_session().get(User, member.id).status is AccountStatus.SUSPENDED
