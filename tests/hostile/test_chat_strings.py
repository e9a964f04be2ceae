"""Naughty strings and XSS payloads as chat messages, through a real Socket.IO client.

A real server process serves the room; a member sends every hostile string.
A message the room cannot take gets a clear refusal (never `server_error`);
every other one is stored as written and broadcast as sanitised HTML only.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.models import ChatMessage
from forum.services import api_tokens
from tests.factories import fresh_session, make_user
from tests.hostile.markup import dangerous_markup
from tests.hostile.payloads import LONE_SURROGATE, Field, hostile_strings
from tests.workshops.factories import make_workshop
from tests.workshops.live import ChatClient, running_server, server_config

pytestmark = pytest.mark.slow

MESSAGE = Field("body", 4000, markdown=True)


@pytest.fixture
def server(app):
    # One member sends every string in a few seconds: lift the flood limit.
    with running_server(server_config(app, RATELIMIT_CHAT="10000 per minute")) as url:
        yield url


def test_chat_messages_read_back_as_written_or_are_refused(server):
    room = make_workshop()
    member = make_user()
    secret = api_tokens.create_api_token(member, name="hostile chat")[1]
    chat = ChatClient(server, token=secret)
    try:
        assert chat.call("join", {"room": room.room})["ok"]
        sent = {}
        refused = [*MESSAGE.refused(), LONE_SURROGATE]
        for number, text in enumerate([*hostile_strings(), *refused]):
            data = {"room": room.room, "body": text, "client_id": f"h{number}"}
            ack = chat.call("send_message", data)
            if MESSAGE.fits(text):
                assert ack["ok"], (text, ack)
                sent[ack["id"]] = text
            else:
                assert not ack["ok"] and ack["error"] != "server_error", (text, ack)
        bad_id = {"room": room.room, "body": "Fine words.", "client_id": "a\x00b"}
        refused = chat.call("send_message", bad_id)
        assert not refused["ok"] and refused["error"] != "server_error", refused
        last = max(sent)
        chat.wait_for("message_created", lambda data: data["id"] == last)
    finally:
        chat.close()
    broadcast = [data for event, data in chat.events if event == "message_created"]
    assert {data["id"] for data in broadcast} == set(sent)
    for data in broadcast:
        assert dangerous_markup(data["body_html"]) == [], sent[data["id"]]
    stored = fresh_session().scalars(
        select(ChatMessage).where(ChatMessage.workshop_id == room.id)
    )
    assert {m.id: m.body_markdown for m in stored} == {
        ident: MESSAGE.stored(text) for ident, text in sent.items()
    }
