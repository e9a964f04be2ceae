"""The /chat namespace against a real server process with real Socket.IO clients."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import socketio

from forum.services import api_tokens, workshops
from tests.factories import make_user
from tests.workshops.factories import make_workshop
from tests.workshops.live import ChatClient, running_server, server_config

pytestmark = pytest.mark.slow


@pytest.fixture
def server(app):
    with running_server(server_config(app, RATELIMIT_CHAT="30 per minute")) as url:
        yield url


def token_for(user) -> str:
    return api_tokens.create_api_token(user, name="chat test")[1]


@pytest.fixture
def room(app):
    return make_workshop()


def connect(server, user) -> ChatClient:
    return ChatClient(server, token=token_for(user))


def test_strangers_are_refused(server):
    with pytest.raises(socketio.exceptions.ConnectionError):
        ChatClient(server, token="not-a-real-token")
    with pytest.raises(socketio.exceptions.ConnectionError):
        ChatClient(server)


def test_message_is_acknowledged_then_broadcast_in_one_order(server, room):
    alice, bob = connect(server, make_user()), connect(server, make_user())
    try:
        assert alice.call("join", {"room": room.room})["ok"]
        assert bob.call("join", {"room": room.room})["ok"]
        first = alice.call(
            "send_message", {"room": room.room, "body": "Bonjour", "client_id": "a1"}
        )
        second = bob.call(
            "send_message", {"room": room.room, "body": "مرحبا", "client_id": "b1"}
        )
        assert first["ok"] and second["ok"] and second["seq"] == first["seq"] + 1
        for client in (alice, bob):
            client.wait_for("message_created", lambda d: d["id"] == second["id"])
            seqs = [d["seq"] for e, d in client.events if e == "message_created"]
            assert seqs == [first["seq"], second["seq"]]
        again = alice.call(
            "send_message", {"room": room.room, "body": "Bonjour", "client_id": "a1"}
        )
        assert again == first
    finally:
        alice.close()
        bob.close()


def test_reconnecting_client_gets_exactly_what_it_missed(server, room):
    member = make_user()
    alice, bob = connect(server, member), connect(server, make_user())
    try:
        alice.call("join", {"room": room.room})
        bob.call("join", {"room": room.room})
        sent = alice.call(
            "send_message", {"room": room.room, "body": "Before", "client_id": "x1"}
        )
        alice.close()
        bob.call(
            "send_message", {"room": room.room, "body": "While away", "client_id": "y1"}
        )
        edited = bob.call(
            "send_message", {"room": room.room, "body": "Typo", "client_id": "y2"}
        )
        bob.call(
            "edit_message", {"room": room.room, "id": edited["id"], "body": "Fixed"}
        )
        alice = connect(server, member)
        ack = alice.call("join", {"room": room.room, "after_seq": sent["seq"]})
        assert ack.get("ok"), ack
        bodies = [m["body_html"] for m in ack["messages"]]
        assert len(bodies) == 2 and "While away" in bodies[0] and "Fixed" in bodies[1]
    finally:
        alice.close()
        bob.close()


BAD_INPUT = [
    ("join", "not an object", "invalid"),
    ("join", {}, "invalid"),
    ("join", {"room": "workshop:99999"}, "not_found"),
    ("join", {"room": "workshop:abc"}, "not_found"),
    ("send_message", {"room": "ROOM", "body": "x" * 4001, "client_id": "c"}, "invalid"),
    ("send_message", {"room": "ROOM", "body": ["list"], "client_id": "c"}, "invalid"),
    ("send_message", {"room": "ROOM", "body": "hi"}, "invalid"),
    ("join", {"room": "ROOM", "after_seq": "soon"}, "invalid"),
    ("edit_message", {"room": "ROOM", "id": 2**40, "body": "x"}, "not_found"),
    ("facilitate", {"room": "ROOM", "action": "lock"}, "forbidden"),
    ("facilitate", {"room": "ROOM", "action": "explode"}, "invalid"),
]


def test_bad_input_gets_an_error_ack_and_the_connection_keeps_serving(server, room):
    client = connect(server, make_user())
    try:
        for event, data, error in BAD_INPUT:
            if isinstance(data, dict) and data.get("room") == "ROOM":
                data = {**data, "room": room.room}
            ack = client.call(event, data)
            assert ack["ok"] is False, (event, data)
            assert ack["error"] == error and ack["message"], (event, data, ack)
            assert client.call("join", {"room": room.room})["ok"]
    finally:
        client.close()


def test_forbidden_room_and_flooding(server, app):
    private = make_workshop(access="invitation")
    open_room = make_workshop()
    client = connect(server, make_user())
    try:
        assert client.call("join", {"room": private.room})["error"] == "forbidden"
        client.call("join", {"room": open_room.room})
        acks = [
            client.call(
                "send_message",
                {"room": open_room.room, "body": f"m{n}", "client_id": f"f{n}"},
            )
            for n in range(31)
        ]
        assert all(a["ok"] for a in acks[:30])
        assert acks[30]["error"] == "rate_limited"
        assert client.call("typing", {"room": open_room.room})["ok"]
    finally:
        client.close()


def test_presence_and_typing_reach_the_others(server, room):
    carla, driss = make_user(display_name="Carla"), make_user(display_name="Driss")
    first, second = connect(server, carla), connect(server, driss)
    try:
        first.call("join", {"room": room.room})
        second.call("join", {"room": room.room})
        first.wait_for(
            "presence",
            lambda d: {m["display_name"] for m in d["members"]} == {"Carla", "Driss"},
        )
        second.call("typing", {"room": room.room})
        assert first.wait_for("typing")["display_name"] == "Driss"
        second.close()
        first.wait_for(
            "presence", lambda d: [m["display_name"] for m in d["members"]] == ["Carla"]
        )
    finally:
        first.close()


def test_a_crowd_joining_at_once_shares_few_presence_announcements(server, room):
    watcher = connect(server, make_user(display_name="Watcher"))
    crowd = [connect(server, make_user(display_name=f"Guest {n}")) for n in range(10)]
    try:
        watcher.call("join", {"room": room.room})
        watcher.wait_for("presence", lambda d: d["count"] == 1)
        before = len(watcher.events)
        for guest in crowd:  # sent back to back; the acknowledgements come later
            guest.sio.emit("join", {"room": room.room}, namespace="/chat")
        last = watcher.wait_for("presence", lambda d: d["count"] == 11)
        announcements = [e for e, _ in watcher.events[before:] if e == "presence"]
        # One announcement per joiner would be ten; joins that close share one.
        assert len(announcements) <= 3
        assert {m["display_name"] for m in last["members"]} == {
            "Watcher",
            *(f"Guest {n}" for n in range(10)),
        }
    finally:
        # Each close waits for the server's goodbye: close them side by side.
        with ThreadPoolExecutor(max_workers=len(crowd) + 1) as pool:
            list(pool.map(ChatClient.close, (watcher, *crowd)))


def test_logged_in_browser_session_is_accepted(server, client, auth, room):
    member = make_user(email="nadia@sfax.example")
    auth.login("nadia@sfax.example")
    cookie = f"session={client.get_cookie('session').value}"
    browser = ChatClient(server, cookie=cookie)
    try:
        assert browser.call("join", {"room": room.room})["ok"]
        assert workshops.may_enter(member, room)
    finally:
        browser.close()
