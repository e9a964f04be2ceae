"""XSS payloads on every page that shows members' text, in Chromium: none runs.

The payloads of tests/hostile/payloads.py are written by members into
thread titles and replies, practices, profiles, a workshop and its room
(some stored before the page opens, some arriving live through Socket.IO),
then shown on their pages and in search results. Each page is watched for
dialogs (every payload calls `alert`), uncaught errors, console errors (a
script the Content-Security-Policy blocks reports one) and requests to any
host but the live server; none may happen, and the live DOM holds no
script, handler or active URL of a payload.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from forum.services import api_tokens, chat, members, practices
from tests.browser.conftest import log_in
from tests.factories import make_user
from tests.forum.factories import make_reply, make_thread
from tests.hostile.markup import dangerous_markup
from tests.hostile.payloads import XSS_PAYLOADS, Field, one_line
from tests.workshops.factories import make_workshop
from tests.workshops.live import ChatClient

pytestmark = pytest.mark.slow

SECTIONS = ("context", "actions", "actors", "resources", "results", "difficulties")


@pytest.fixture
def app_config() -> dict:
    # A new member's posts are shown at once; many of them in a row.
    return {"POSTS_NEEDING_APPROVAL": 0, "RATELIMIT_ENABLED": False}


class Trap:
    """Everything a page did that a payload could have caused."""

    def __init__(self, context, base_url: str):
        self.host = urlsplit(base_url).netloc
        self.incidents: list[str] = []
        context.route("**/*", self._route)

    def watch(self, page):
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.incidents.append(f"error: {error}"))
        page.on("console", self._console)
        return page

    def _dialog(self, dialog):
        self.incidents.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message):
        if message.type == "error":
            self.incidents.append(f"console: {message.text}")

    def _route(self, route):
        url = route.request.url
        if urlsplit(url).netloc == self.host or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.incidents.append(f"request to {url}")
            route.abort()


def title_of(payloads: list[str]) -> str:
    """Pack payloads into one thread or workshop title."""
    return Field("title", 200).packed([one_line(p) for p in payloads])[0]


def hostile_content(author) -> list[str]:
    """Write the payloads everywhere; return the paths of the pages showing them."""
    thread = make_thread(author, title=title_of(XSS_PAYLOADS[:8]), body="Opening.")
    for payload in XSS_PAYLOADS:
        make_reply(thread, author, body=payload)
    paths = [f"/threads/{thread.id}", "/", "/search?q=alert", "/search?q=script"]
    for start in range(0, len(XSS_PAYLOADS), len(SECTIONS)):
        chunk = XSS_PAYLOADS[start : start + len(SECTIONS)]
        practice = practices.create_practice(author, _practice_data(chunk))
        paths.append(f"/practices/{practice.id}")
    for payload in XSS_PAYLOADS[:20]:
        writer = make_user()
        members.update_profile(
            writer, display_name=one_line(payload)[:80] or "x", bio=payload
        )
        paths.append(f"/u/{writer.username}")
    return paths


def _practice_data(payloads: list[str]) -> dict:
    return {
        "title": title_of(payloads),
        "summary": one_line(" ".join(payloads))[:500],
        "place": one_line(payloads[0])[:120],
        "organisation": one_line(payloads[-1])[:200],
        "contact": one_line(payloads[0])[:500],
        "sections": dict(zip(SECTIONS, payloads, strict=False)),
        "country": "TN",
        "themes": ["social-finance"],
        "actor_types": ["sse_enterprise"],
        "language": "en",
    }


def assert_untouched(page, trap: Trap, where: str) -> None:
    page.wait_for_load_state("networkidle")
    assert trap.incidents == [], where
    assert dangerous_markup(page.content()) == [], where


def test_payloads_run_on_no_page(chromium, live_server):
    author = make_user(email="maria@coop.example")
    paths = hostile_content(author)
    context = chromium.new_context()
    try:
        trap = Trap(context, live_server)
        page = trap.watch(log_in(context, live_server, author.email))
        for path in paths:
            page.goto(live_server + path)
            assert_untouched(page, trap, path)
    finally:
        context.close()


def test_payloads_in_a_workshop_and_its_live_room_run_nowhere(chromium, live_server):
    workshop = make_workshop(
        title=title_of(XSS_PAYLOADS[8:16]), description="\n\n".join(XSS_PAYLOADS)
    )
    watcher, speaker = make_user(email="amal@example.org"), make_user()
    for number, payload in enumerate(XSS_PAYLOADS[:20]):
        chat.post_message(speaker, workshop, body=payload, client_id=f"old{number}")
    context = chromium.new_context()
    try:
        trap = Trap(context, live_server)
        page = trap.watch(log_in(context, live_server, watcher.email))
        page.goto(f"{live_server}/workshops/{workshop.id}")
        assert_untouched(page, trap, "workshop page")
        page.goto(f"{live_server}/workshops/{workshop.id}/room")
        page.get_by_text("Connected: new messages appear by themselves.").wait_for()
        _speak_live(live_server, speaker, workshop.room)
        page.locator("#chat-history").get_by_text("The last payload.").wait_for()
        assert_untouched(page, trap, "live room")
    finally:
        context.close()


def _speak_live(base_url: str, speaker, room: str) -> None:
    """Send every payload into the room while the page listens."""
    secret = api_tokens.create_api_token(speaker, name="live payloads")[1]
    client = ChatClient(base_url, token=secret)
    try:
        assert client.call("join", {"room": room})["ok"]
        for number, payload in enumerate([*XSS_PAYLOADS, "The last payload."]):
            data = {"room": room, "body": payload, "client_id": f"live{number}"}
            assert client.call("send_message", data)["ok"], payload
    finally:
        client.close()
