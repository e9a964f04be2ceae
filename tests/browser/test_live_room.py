"""Two members in a live room, in Chromium: messages cross, a dropped connection
loses nothing, what was typed offline is sent once."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from forum.extensions import db
from forum.models import ChatMessage
from tests.browser.conftest import log_in
from tests.browser.proxy import FlakyLine
from tests.factories import make_user
from tests.workshops.factories import make_workshop

pytestmark = pytest.mark.slow


@pytest.fixture
def flaky_line(live_server):
    line = FlakyLine(urlsplit(live_server).port)
    yield f"http://127.0.0.1:{line.port}", line
    line.close()


def send(page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()


def test_messages_cross_and_a_dropped_connection_catches_up(
    chromium, live_server, flaky_line, screenshot
):
    workshop = make_workshop(title="Coopératives et marchés publics")
    make_user(email="amal@example.org", display_name="Amal")
    make_user(email="bruno@example.org", display_name="Bruno")
    flaky_url, line = flaky_line
    amal_context, bruno_context = chromium.new_context(), chromium.new_context()
    try:
        amal = log_in(amal_context, live_server, "amal@example.org")
        bruno = log_in(bruno_context, flaky_url, "bruno@example.org")
        room = f"/workshops/{workshop.id}/room"
        amal.goto(live_server + room)
        bruno.goto(flaky_url + room)
        for page in (amal, bruno):
            page.get_by_text("Connected: new messages appear by themselves.").wait_for()

        send(amal, "Bonjour Bruno, on commence ?")
        bruno.locator("#chat-history").get_by_text("Bonjour Bruno").wait_for()
        screenshot(bruno, "1-message-received")

        # Bruno's line drops: Amal goes on talking, Bruno types meanwhile.
        bruno_context.set_offline(True)
        line.cut()
        bruno.get_by_text("Offline:").wait_for()
        send(amal, "Premier message pendant la coupure")
        send(amal, "Deuxième message pendant la coupure")
        bruno.get_by_label("Your message").fill("Je reviens vite")
        bruno.get_by_label("Your message").press("Enter")
        bruno.get_by_text("Waiting to be sent…").wait_for()
        screenshot(bruno, "2-offline-with-a-queued-message")

        line.restore()
        bruno_context.set_offline(False)
        bruno.get_by_text("Connected: new messages appear by themselves.").wait_for(
            timeout=30_000
        )
        history = bruno.locator("#chat-history")
        history.get_by_text("Deuxième message pendant la coupure").wait_for()
        amal.locator("#chat-history").get_by_text("Je reviens vite").wait_for()
        screenshot(bruno, "3-caught-up")

        texts = history.locator(".chat-body").all_inner_texts()
        assert texts == [
            "Bonjour Bruno, on commence ?",
            "Premier message pendant la coupure",
            "Deuxième message pendant la coupure",
            "Je reviens vite",
        ]
        assert history.get_by_text("Waiting to be sent…").count() == 0
        db.session.expire_all()
        assert db.session.query(ChatMessage).count() == 4
    finally:
        amal_context.close()
        bruno_context.close()
