"""A workshop room's page shows its latest messages; "Show earlier messages"
appears only when there are earlier ones, and brings them in order."""

from __future__ import annotations

import pytest

from forum.services import chat
from tests.browser.conftest import log_in
from tests.factories import make_user
from tests.workshops.factories import make_workshop

pytestmark = pytest.mark.slow

CONNECTED = "Connected: new messages appear by themselves."


@pytest.fixture
def app_config() -> dict:
    # One member writes the whole history at once.
    return {"RATELIMIT_CHAT": "100000 per hour"}


def room_with_messages(count: int):
    workshop = make_workshop(title="Mutuelles de santé au Maghreb")
    author = make_user(display_name="Salma")
    for number in range(1, count + 1):
        chat.post_message(
            author, workshop, body=f"Message {number}", client_id=f"m{number}"
        )
    return workshop


def shown_seqs(page) -> list[int]:
    items = page.locator("#chat-history li[data-seq]").all()
    return [int(item.get_attribute("data-seq")) for item in items]


def open_room(page, base_url: str, workshop) -> None:
    page.goto(f"{base_url}/workshops/{workshop.id}/room")
    page.get_by_text(CONNECTED).wait_for()


def test_earlier_messages_come_on_demand_in_order(live_server, new_context):
    workshop = room_with_messages(130)
    make_user(email="yanis@example.org")
    page = log_in(new_context(), live_server, "yanis@example.org")
    open_room(page, live_server, workshop)
    assert shown_seqs(page) == list(range(31, 131))

    older = page.get_by_role("button", name="Show earlier messages")
    older.click()
    page.locator("#chat-history li[data-seq='1']").wait_for()
    assert shown_seqs(page) == list(range(1, 131))
    assert older.is_hidden()


def test_a_short_conversation_offers_no_earlier_messages(live_server, new_context):
    workshop = room_with_messages(1)
    make_user(email="yanis@example.org")
    page = log_in(new_context(), live_server, "yanis@example.org")
    open_room(page, live_server, workshop)
    assert shown_seqs(page) == [1]
    assert page.get_by_role("button", name="Show earlier messages").is_hidden()
