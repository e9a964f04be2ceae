"""Two members in a live workshop room, in Chromium: one browser goes offline
(Playwright's offline emulation, no proxy), the room goes on without it, and
when it comes back its page shows exactly what it missed: every message once,
in order, the edit made meanwhile, the newest in sight, and then new messages
live again.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.factories import make_user
from tests.workshops.factories import make_workshop

pytestmark = pytest.mark.slow

CONNECTED = "Connected: new messages appear by themselves."


def send(page, text: str) -> None:
    """Send a message and wait until the server has stored it."""
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()
    history = page.locator("#chat-history")
    # Stored messages carry their sequence number; pending ones do not.
    history.locator("li[data-seq]", has_text=text).wait_for()


def edit(page, old: str, new: str) -> None:
    """Edit one's own message through its Edit button."""
    found = page.locator("#chat-history li[data-seq]", has_text=old)
    # Once editing, the text is in a text box: find the message by its id.
    message = page.locator(f"#{found.get_attribute('id')}")
    message.get_by_role("button", name="Edit").click()
    message.get_by_role("textbox", name="Edit").fill(new)
    message.get_by_role("button", name="Save").click()
    page.locator("#chat-history li[data-seq]", has_text=new).wait_for()


def shown_messages(page) -> list[tuple[int | None, str]]:
    """Return the (sequence number, text) of each message the page shows;
    a message still waiting to be sent has no sequence number."""
    shown = []
    for item in page.locator("#chat-history li.chat-message").all():
        seq = item.get_attribute("data-seq")
        text = item.locator(".chat-body").inner_text()
        shown.append((int(seq) if seq else None, text))
    return shown


def newest_message_in_sight(page) -> bool:
    """Say whether the newest message lies within the log's visible box (the
    log scrolls: what is below its edge is not shown)."""
    log = page.locator("#chat-history").bounding_box()
    newest = page.locator("#chat-history li.chat-message").last.bounding_box()
    return newest["y"] + newest["height"] <= log["y"] + log["height"] + 1


def test_a_browser_back_online_shows_exactly_what_it_missed(
    live_server, new_context, screenshot
):
    workshop = make_workshop(title="Circuits courts en Méditerranée")
    make_user(email="amal@example.org", display_name="Amal")
    make_user(email="bruno@example.org", display_name="Bruno")
    amal = log_in(new_context(), live_server, "amal@example.org")
    bruno_context = new_context()
    bruno = log_in(bruno_context, live_server, "bruno@example.org")
    room = f"{live_server}/workshops/{workshop.id}/room"
    for page in (amal, bruno):
        page.goto(room)
        page.get_by_text(CONNECTED).wait_for()

    send(amal, "Bienvenue à tous")
    send(amal, "Premier point : les marchés")
    bruno.locator("#chat-history").get_by_text("Premier point").wait_for()
    before = shown_messages(bruno)

    bruno_context.set_offline(True)
    bruno.get_by_text("Offline:").wait_for()
    missed = ["Deuxième point : la logistique", "Troisième point : les prix"]
    for text in missed:
        send(amal, text)
    edit(amal, "Premier point : les marchés", "Premier point : les marchés paysans")
    send(amal, "Quatrième point : la suite")
    screenshot(amal, "1-room-goes-on")
    # Offline means offline: nothing reached Bruno's page meanwhile.
    assert shown_messages(bruno) == before
    screenshot(bruno, "2-offline")

    bruno_context.set_offline(False)
    bruno.get_by_text(CONNECTED).wait_for(timeout=20_000)
    history = bruno.locator("#chat-history")
    history.get_by_text("Quatrième point").wait_for()
    assert newest_message_in_sight(bruno)
    screenshot(bruno, "3-back-online")

    shown = shown_messages(bruno)
    assert [text for _, text in shown] == [
        "Bienvenue à tous",
        "Premier point : les marchés paysans",
        "Deuxième point : la logistique",
        "Troisième point : les prix",
        "Quatrième point : la suite",
    ]
    numbers = [seq for seq, _ in shown]
    assert None not in numbers and numbers == sorted(set(numbers))
    assert shown == shown_messages(amal)
    edited = history.locator("li.chat-message", has_text="marchés paysans")
    assert "edited" in edited.locator(".meta").first.inner_text()

    # The connection is live again: the next message arrives by itself, once.
    send(amal, "On se retrouve jeudi")
    history.get_by_text("On se retrouve jeudi").wait_for()
    assert history.get_by_text("On se retrouve jeudi").count() == 1
    assert len(shown_messages(bruno)) == 6
