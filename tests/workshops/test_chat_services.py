"""Room messages: order, idempotent retries, replay, edits, moderation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum.columns import utcnow
from forum.errors import NotFound, PermissionDenied, ValidationError
from forum.extensions import db
from forum.models import AuditEntry, Notification
from forum.services import chat, facilitation, workshops
from forum.services.posting_limits import RateLimited
from tests.factories import make_user
from tests.workshops.factories import make_workshop


def say(user, workshop, body, client_id=None, **extra):
    client_id = client_id or f"c-{body[:20]}-{utcnow().timestamp()}"
    return chat.post_message(user, workshop, body=body, client_id=client_id, **extra)


def test_messages_take_consecutive_sequence_numbers(app):
    workshop = make_workshop()
    alice, bob = make_user(), make_user()
    first, _ = say(alice, workshop, "Bonjour à toutes et à tous")
    second, _ = say(bob, workshop, "صباح الخير")
    assert (first.seq, second.seq) == (1, 2)
    assert [m.id for m in chat.history(workshop)] == [first.id, second.id]


def test_a_repeated_client_id_is_stored_once(app):
    workshop = make_workshop()
    alice = make_user()
    first, created = say(alice, workshop, "Agenda item 1", client_id="abc")
    again, created_again = say(alice, workshop, "Agenda item 1", client_id="abc")
    assert created and not created_again
    assert again.id == first.id
    assert len(chat.history(workshop)) == 1


def test_replay_after_a_sequence_includes_edits_and_deletions(app):
    workshop = make_workshop()
    alice = make_user()
    first, _ = say(alice, workshop, "First")
    second, _ = say(alice, workshop, "Secnd")
    seen = second.seq
    chat.edit_message(alice, second, body="Second")
    chat.delete_message(alice, first)
    third, _ = say(alice, workshop, "Third")
    replay = chat.history(workshop, after_seq=seen)
    assert [m.id for m in replay] == [first.id, second.id, third.id]
    payloads = [chat.serialise(m) for m in replay]
    assert payloads[0]["deleted"] and payloads[0]["body_html"] == ""
    assert "Second" in payloads[1]["body_html"] and payloads[1]["edited_at"]


def test_older_history_pages_back(app):
    workshop = make_workshop()
    alice = make_user(role="moderator")  # no flood limit for facilitators
    for n in range(5):
        say(alice, workshop, f"Message {n}")
    latest = chat.history(workshop, limit=2)
    assert [m.seq for m in latest] == [4, 5]
    older = chat.history(workshop, before_seq=4, limit=2)
    assert [m.seq for m in older] == [2, 3]


@pytest.mark.parametrize(
    "body, client_id, field",
    [
        ("", "x", "body"),
        ("x" * 4001, "x", "body"),
        (42, "x", "body"),
        ("hi", "", "client_id"),
        ("hi", None, "client_id"),
        ("hi", "x" * 65, "client_id"),
    ],
)
def test_bad_messages_are_refused(app, body, client_id, field):
    with pytest.raises(ValidationError) as error:
        chat.post_message(make_user(), make_workshop(), body=body, client_id=client_id)
    assert error.value.field == field


def test_markdown_is_sanitised(app):
    message, _ = say(
        make_user(), make_workshop(), "<img src=x onerror=alert(1)> **ok**"
    )
    assert (
        "onerror" not in message.body_html
        and "<strong>ok</strong>" in message.body_html
    )


def test_outsiders_and_early_birds_cannot_write(app):
    invited_only = make_workshop(access="invitation")
    with pytest.raises(PermissionDenied):
        say(make_user(), invited_only, "Let me in")
    later = make_workshop(starts_in=timedelta(hours=3))
    with pytest.raises(PermissionDenied):
        say(make_user(), later, "Too early")


def test_finished_room_is_read_only_until_extended(app):
    organiser = make_user(can_organise=True)
    workshop = make_workshop(organiser, starts_in=timedelta(hours=-3))
    member = make_user()
    with pytest.raises(PermissionDenied):
        say(member, workshop, "Anyone still here?")
    facilitation.extend(organiser, workshop, minutes=30)
    assert say(member, workshop, "Anyone still here?")[1]


def test_edit_window_is_ten_minutes(app):
    workshop = make_workshop()
    alice, bob = make_user(), make_user()
    message, _ = say(alice, workshop, "Draft")
    with pytest.raises(PermissionDenied):
        chat.edit_message(bob, message, body="Hijack")
    message.created_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        chat.edit_message(alice, message, body="Late")


def test_facilitator_deletes_any_message_and_it_is_logged(app):
    organiser = make_user(can_organise=True)
    workshop = make_workshop(organiser)
    message, _ = say(make_user(), workshop, "Off-topic advert")
    with pytest.raises(PermissionDenied):
        chat.delete_message(make_user(), message)
    chat.delete_message(organiser, message)
    assert message.is_deleted
    assert db.session.query(AuditEntry).filter_by(action="chat.delete_message").count()


def test_mute_slow_mode_lock_and_remove(app):
    organiser = make_user(can_organise=True)
    workshop = make_workshop(organiser)
    member = make_user()
    facilitation.mute(organiser, workshop, username=member.username, minutes=5)
    with pytest.raises(PermissionDenied):
        say(member, workshop, "Muted?")
    other = make_user()
    facilitation.set_slow_mode(organiser, workshop, seconds=60)
    say(other, workshop, "One")
    with pytest.raises(RateLimited):
        say(other, workshop, "Two")
    facilitation.set_locked(organiser, workshop, locked=True)
    with pytest.raises(PermissionDenied):
        say(make_user(), workshop, "Locked?")
    assert say(organiser, workshop, "Facilitators still speak")[1]
    facilitation.remove_participant(organiser, workshop, username=other.username)
    assert not workshops.may_enter(other, workshop)
    actions = {e.action for e in db.session.query(AuditEntry)}
    assert {"chat.mute", "chat.slow_mode", "chat.lock", "chat.remove"} <= actions
    with pytest.raises(ValidationError):
        facilitation.mute(organiser, workshop, username=member.username, minutes="x")


def test_flooding_hits_the_rate_limit(app):
    app.config["RATELIMIT_CHAT"] = "3 per minute"
    workshop = make_workshop()
    member = make_user()
    for n in range(3):
        say(member, workshop, f"Message {n}")
    with pytest.raises(RateLimited):
        say(member, workshop, "One too many")


def test_hands_and_pinned_agenda(app):
    organiser = make_user(can_organise=True)
    workshop = make_workshop(organiser)
    alice, bob = make_user(), make_user()
    facilitation.raise_hand(alice, workshop)
    facilitation.raise_hand(bob, workshop)
    assert facilitation.raised_hands(workshop) == [alice, bob]
    facilitation.clear_hand(organiser, workshop, username=alice.username)
    assert facilitation.raised_hands(workshop) == [bob]
    agenda, _ = say(organiser, workshop, "Agenda: 1. budgets 2. procurement")
    facilitation.pin(organiser, workshop, message_id=agenda.id)
    status = facilitation.room_status(workshop)
    assert status["pinned"]["id"] == agenda.id
    with pytest.raises(PermissionDenied):
        facilitation.pin(alice, workshop, message_id=None)


def test_mentions_notify_participants_only(app):
    workshop = make_workshop(access="invitation")
    organiser = workshop.organiser
    guest, outsider = make_user(), make_user()
    workshops.invite(organiser, workshop, [guest.username])
    say(organiser, workshop, f"@{guest.username} and @{outsider.username}, welcome")
    kinds = {n.user_id: n.kind for n in db.session.query(Notification)}
    assert kinds == {guest.id: "chat_mention"}


def test_presence_counts_live_connections(app):
    workshop = make_workshop()
    alice, bob = make_user(), make_user()
    chat.enter_room("sid-1", alice, workshop)
    chat.enter_room("sid-2", bob, workshop)
    chat.enter_room("sid-3", bob, workshop)
    assert set(chat.present_members(workshop)) == {alice, bob}
    chat.leave_rooms("sid-2")
    assert set(chat.present_members(workshop)) == {alice, bob}
    chat.leave_rooms("sid-3")
    assert chat.present_members(workshop) == [alice]
    later = utcnow() + timedelta(seconds=app.config["CHAT_PRESENCE_TTL"] + 1)
    assert chat.present_members(workshop, now=later) == []


def test_presence_names_the_first_members_and_counts_them_all(app):
    app.config["CHAT_PRESENCE_NAMES"] = 2
    workshop = make_workshop()
    for number, name in enumerate(["Zineb", "Amal", "Marco"]):
        chat.enter_room(f"sid-{number}", make_user(display_name=name), workshop)
    payload = chat.presence_payload(workshop.id)
    assert payload["count"] == 3
    assert [m["display_name"] for m in payload["members"]] == ["Amal", "Marco"]


def test_a_reply_quotes_the_message_it_answers(app):
    workshop = make_workshop()
    alice, bob = make_user(display_name="Alice"), make_user()
    question, _ = say(alice, workshop, "Who funds the **guarantee** fund?")
    answer, _ = say(bob, workshop, "The region, for now.", reply_to_id=question.id)
    quoted = chat.serialise(answer)["reply_to"]
    assert quoted == {
        "id": question.id,
        "author": "Alice",
        "excerpt": "Who funds the guarantee fund?",
    }
    other_room = make_workshop()
    with pytest.raises(NotFound):
        say(bob, other_room, "Cross-room reply", reply_to_id=question.id)
