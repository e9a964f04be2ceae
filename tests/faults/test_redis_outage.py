"""Redis stops during a workshop: pages still serve, rooms say so, nothing is lost.

Two gunicorn servers (one gevent worker each, as deployed) share a SQLite
database and a redis-server of this test's own (the machine's shared Redis is
never touched). Two members chat in one workshop room, one on each server.
Redis is killed: thread pages still serve (visitors, members, a login, a
reply), both clients are told the relay is lost (`relay_lost`: the room shows
it is reconnecting) and may go on sending. Redis is started again on the same
port: both clients are told (`relay_restored`), catch up with `join` and
`after_seq` as the room's script does, and the conversation goes on live,
with every acknowledged message stored once and seen by both.
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest
import requests

from forum.extensions import db
from forum.models import ChatMessage
from forum.services import api_tokens
from tests.deploy.test_gunicorn import gunicorn
from tests.deploy.test_two_processes import csrf_token, join_until_announced, log_in
from tests.faults.processes import redis_server, requires_redis_server
from tests.forum.factories import make_thread, old_member
from tests.workshops.factories import make_workshop
from tests.workshops.live import ChatClient

pytestmark = [pytest.mark.slow, requires_redis_server]

# The relay retries Redis after 0.5 s, doubling up to 5 s between attempts.
RELAY_SECONDS = 15


@pytest.fixture
def app_config() -> dict:
    return {"POSTS_NEEDING_APPROVAL": 0}


@pytest.fixture
def redis(tmp_path):
    with redis_server(tmp_path) as server:
        yield server


@pytest.fixture
def servers(app, redis, monkeypatch):
    """Two gunicorn servers on one database, with the Redis profile's cache."""
    monkeypatch.setenv("FORUM_REDIS_URL", redis.url)
    monkeypatch.setenv("FORUM_PAGE_CACHE_SECONDS", "300")
    monkeypatch.setenv("FORUM_LOG_LEVEL", "CRITICAL")
    with ExitStack() as stack:
        ports = [stack.enter_context(gunicorn(app))[0] for _ in range(2)]
        yield [f"http://127.0.0.1:{port}" for port in ports]


class Member:
    """A member in the room through one server, keeping what they have seen."""

    def __init__(self, server: str, name: str, room: str):
        user = old_member(display_name=name)
        self.room = room
        secret = api_tokens.create_api_token(user, name="chat")[1]
        self.client = ChatClient(server, token=secret)
        join_until_announced(self.client, room, name)
        self.seen: dict[int, str] = {}  # message id -> body, live or caught up

    def say(self, body: str) -> dict:
        ack = self.client.call(
            "send_message", {"room": self.room, "body": body, "client_id": body}
        )
        assert ack["ok"], ack
        return {**ack, "body": body}

    def hears(self, ack: dict) -> None:
        data = self.client.wait_for("message_created", lambda d: d["id"] == ack["id"])
        self.seen[data["id"]] = data["body_html"]

    def catch_up(self) -> None:
        """Ask for everything after the last message seen before the relay was lost.

        As the room's script does: what arrived after that may have left gaps.
        """
        answer = self.client.call(
            "join", {"room": self.room, "after_seq": self.resume_after}
        )
        assert answer["ok"], answer
        for message in answer["messages"]:
            self.seen[message["id"]] = message["body_html"]

    def live_messages(self) -> dict[int, dict]:
        return {
            data["id"]: data
            for name, data in list(self.client.events)
            if name == "message_created"
        }

    def told_relay_lost(self) -> None:
        self.client.wait_for("relay_lost", timeout=RELAY_SECONDS)
        self.resume_after = max(m["seq"] for m in self.live_messages().values())

    def told_relay_restored(self) -> None:
        self.client.wait_for("relay_restored", timeout=RELAY_SECONDS)

    def everything_seen(self) -> set[int]:
        return set(self.seen) | set(self.live_messages())


def assert_pages_serve(servers: list[str], thread_id: int, email: str) -> None:
    """Visitors' and members' thread pages, a login and a reply all work."""
    for server in servers:
        page = requests.get(f"{server}/threads/{thread_id}", timeout=10)
        assert page.status_code == 200, page.text[-500:]
        with log_in(server, email) as browser:
            address = f"{server}/threads/{thread_id}/reply"
            assert browser.get(f"{server}/threads/{thread_id}").status_code == 200
            reply = browser.post(
                address,
                data={
                    "body": f"Written while Redis was away, on {server}.",
                    "csrf_token": csrf_token(browser.get(address).text),
                },
                allow_redirects=False,
            )
            assert reply.status_code == 302, reply.text[-500:]


def test_redis_outage_during_a_workshop(app, redis, servers):
    a, b = servers
    thread = make_thread(title="Minutes of the cooperative assembly")
    room = make_workshop().room
    amal, bruno = Member(a, "Amal", room), Member(b, "Bruno", room)
    acks = []
    try:
        acks.append(amal.say("Good morning from Tunis"))
        acks.append(bruno.say("Good morning from Marseille"))
        for member in (amal, bruno):
            for ack in acks:
                member.hears(ack)
        for server in servers:  # visitors' pages are now cached in Redis
            assert requests.get(f"{server}/threads/{thread.id}").status_code == 200

        redis.kill()
        for member in (amal, bruno):
            member.told_relay_lost()
        assert_pages_serve(servers, thread.id, old_member().email)
        during = [amal.say("Still here?"), bruno.say("Yes, still here")]
        acks += during
        amal.hears(during[0])  # her own server still reaches her at once
        bruno.hears(during[1])
        # Without Redis, a message cannot cross to the other server's clients.
        assert during[0]["id"] not in bruno.live_messages()

        redis.start()
        for member in (amal, bruno):
            member.told_relay_restored()
            member.catch_up()
        after = [bruno.say("Welcome back"), amal.say("Let us go on")]
        acks += after
        for member in (amal, bruno):
            for ack in after:
                member.hears(ack)
            assert member.everything_seen() == {ack["id"] for ack in acks}
    finally:
        amal.client.close()
        bruno.client.close()
    stored = db.session.scalars(
        db.select(ChatMessage).where(ChatMessage.id.in_([a["id"] for a in acks]))
    ).all()
    assert sorted((m.seq, m.body_markdown) for m in stored) == sorted(
        (a["seq"], a["body"]) for a in acks
    )
