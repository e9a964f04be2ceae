"""Every Socket.IO event of the live rooms answers each role as the table says.

One real server for the module, one real python-socketio client per role
(with the role's API token). The live workshop belongs to "author"; "member"
is registered; moderators of its country facilitate it. A refused event is
acknowledged with {"ok": false, "error": "forbidden"}, stores nothing, and
broadcasts nothing to the facilitator watching the room.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import socketio

from forum.columns import utcnow
from forum.extensions import db
from forum.models import User
from forum.realtime import CHAT_NAMESPACE
from forum.services import members
from tests.access.conftest import WORLD_CONFIG
from tests.access.matrix import IN_SCOPE
from tests.access.roles import ROLES, VISITORS
from tests.workshops.live import ROOT, ChatClient, running_server
from tests.workshops.live import server_config as config_for_server

pytestmark = pytest.mark.slow

CONNECTED = tuple(role for role in ROLES if role not in VISITORS)
IN_ROOM = ("author", "member", *IN_SCOPE)
FACILITATORS = ("author", *IN_SCOPE)
# Handlers of the connection itself, not events a client sends.
LIFECYCLE = {"connect", "disconnect"}


def _room(ids, role):
    return {"room": ids["room"]}


def _message(ids, role):
    return {"room": ids["room"], "body": f"Hello from {role}", "client_id": role}


def _own_message(ids, role):
    return {"room": ids["room"], "id": ids["message"], "body": f"Edited by {role}"}


def _history(ids, role):
    return {"room": ids["room"], "before_seq": 99}


def _lock(ids, role):
    return {"room": ids["room"], "action": "lock"}


# event -> (payload, roles whose call is acknowledged with ok)
EVENTS = {
    "join": (_room, IN_ROOM),
    "history": (_history, IN_ROOM),
    "send_message": (_message, IN_ROOM),
    "edit_message": (_own_message, ("member",)),
    "delete_message": (_own_message, ("member", *FACILITATORS)),
    "typing": (_room, IN_ROOM),
    "heartbeat": (lambda ids, role: {}, CONNECTED),
    "raise_hand": (_room, IN_ROOM),
    "facilitate": (_lock, FACILITATORS),
    "leave": (_room, CONNECTED),
}
# Events whose refusal must also leave the room's watcher without news.
BROADCASTING = {"send_message", "typing", "raise_hand", "facilitate", "delete_message"}
# What the room hears when those events are allowed.
ROOM_NEWS = {
    "message_created",
    "message_edited",
    "message_deleted",
    "room_updated",
    "typing",
}


@pytest.fixture(scope="module")
def server_config(world) -> dict:
    """The world's configuration, for a server process on the same database."""
    return config_for_server(
        world.app, **WORLD_CONFIG, RATELIMIT_CHAT="1000 per minute"
    )


@pytest.fixture(scope="module")
def server(server_config):
    with running_server(server_config) as url:
        yield url


@pytest.fixture(scope="module")
def clients(world, server):
    """Connect every role that may connect, and a watcher (the author) in the room."""
    world.restore_if_written()
    connected = {
        role: ChatClient(server, token=world.sessions[role].api_secret)
        for role in CONNECTED
    }
    watcher = ChatClient(server, token=world.sessions["author"].api_secret)
    assert watcher.call("join", {"room": world.ids["room"]})["ok"]
    world.take_snapshot()  # with the watcher's presence in the room
    yield connected, watcher
    # Each disconnection waits for the server's goodbye: wait for all at once.
    with ThreadPoolExecutor() as pool:
        list(pool.map(ChatClient.close, [*connected.values(), watcher]))


# Flask-SocketIO binds the handlers to the server of the first app a process
# builds, so they are listed by a fresh process, as the server sees them.
LIST_HANDLERS = """
import json, os, sys
from forum import create_app
from forum.extensions import socketio
create_app(json.loads(os.environ["AGORA_TEST_CONFIG"]))
json.dump(sorted(socketio.server.handlers[sys.argv[1]]), sys.stdout)
"""


def test_every_event_of_the_namespace_is_in_the_table(server_config):
    listed = subprocess.run(
        [sys.executable, "-c", LIST_HANDLERS, CHAT_NAMESPACE],
        env={**os.environ, "AGORA_TEST_CONFIG": json.dumps(server_config)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    handlers = set(json.loads(listed.stdout))
    assert handlers - LIFECYCLE - set(EVENTS) == set(), "events nobody classified"
    assert set(EVENTS) - handlers == set(), "events the app no longer has"


def session_cookie(world, role: str) -> str:
    return f"{world.app.config['SESSION_COOKIE_NAME']}={world.sessions[role].cookie}"


@pytest.mark.parametrize("role", VISITORS)
def test_visitors_cannot_connect(world, server, role):
    token = world.sessions[role].api_secret if role == "suspended" else None
    with pytest.raises(socketio.exceptions.ConnectionError):
        ChatClient(server, token=token)
    with pytest.raises(socketio.exceptions.ConnectionError):
        ChatClient(server, cookie=session_cookie(world, role))


def test_member_connects_with_the_session_cookie_too(world, server):
    member = ChatClient(server, cookie=session_cookie(world, "member"))
    try:
        assert member.call("join", {"room": world.ids["room"]})["ok"]
    finally:
        member.close()


@pytest.mark.parametrize("role", CONNECTED)
@pytest.mark.parametrize("event", EVENTS)
def test_event_answers_each_role(world, clients, event, role):
    connected, watcher = clients
    payload, allowed = EVENTS[event]
    heard_before = _caught_up(watcher, world)
    world.restore_if_written()
    ack = connected[role].call(event, payload(world.ids, role))
    if role in allowed:
        assert ack["ok"], f"{event} refused {role}: {ack}"
        return
    assert ack == {"ok": False, "error": "forbidden", "message": ack["message"]}
    assert world.changed_tables() == [], f"{event} by {role} changed data"
    if event in BROADCASTING:
        marker = _send_marker(watcher, world)
        heard = [
            (name, data)
            for name, data in watcher.events[heard_before:]
            if name in ROOM_NEWS and data.get("client_id") != marker
        ]
        assert heard == [], f"the room heard of {role}'s refused {event}: {heard}"


def _send_marker(watcher, world) -> str:
    """Send a message through the room and wait until the watcher hears it."""
    marker = f"marker-{time.monotonic_ns()}"
    ack = watcher.call(
        "send_message", {"room": world.ids["room"], "body": marker, "client_id": marker}
    )
    assert ack["ok"], ack
    watcher.wait_for("message_created", lambda data: data["client_id"] == marker)
    return marker


def _caught_up(watcher, world) -> int:
    """Return how many events the watcher had once earlier news has all arrived.

    Events reach one connection in order: once the watcher hears its own
    marker, nothing sent before it can still arrive.
    """
    _send_marker(watcher, world)
    return len(watcher.events)


def test_member_suspended_while_connected_is_refused_at_the_next_event(
    world, server, clients
):
    world.restore_if_written()
    member = ChatClient(server, token=world.sessions["member"].api_secret)
    try:
        members.suspend_user(
            db.session.get(User, world.users["admin"]),
            db.session.get(User, world.users["member"]),
            until=utcnow() + timedelta(days=2),
            reason="Spam",
        )
        world.take_snapshot()
        ack = member.call("send_message", _message(world.ids, "member"))
    finally:
        member.close()
    assert ack["ok"] is False and "session has ended" in ack["message"]
    assert world.changed_tables() == []
