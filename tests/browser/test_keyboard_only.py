"""A member who uses only the keyboard logs in, replies in a discussion and
talks in a workshop room: Tab, Shift+Tab, Enter and typing, never a click.

Every stop on the way is reached in the page's own focus order (the skip link
first), and focus is visible where it lands.
"""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import ChatMessage, Post
from tests.browser.conftest import log_in
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.forum.factories import make_reply, make_thread, old_member
from tests.workshops.factories import make_workshop

pytestmark = pytest.mark.slow

MOST_TAB_PRESSES = 80

_FOCUS_IS_VISIBLE = """(element) => {
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const drawn = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return (drawn || style.boxShadow !== "none") && box.width > 0 && box.height > 0;
}"""


@pytest.fixture
def app_config() -> dict:
    # The seeded posts are published at once, as a regular's would be.
    return {"POSTS_NEEDING_APPROVAL": 0}


def has_focus(target) -> bool:
    return target.evaluate("(element) => element === document.activeElement")


def focused_element(page) -> str:
    return page.evaluate(
        """() => {
          const e = document.activeElement;
          const name = (e.innerText || e.value || e.getAttribute("aria-label") || "");
          return `<${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}> ${name.trim()}`;
        }"""
    )


def tab_to(page, target, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `target` has focus; fail if it never does."""
    key = "Shift+Tab" if backwards else "Tab"
    visited = []
    for _ in range(MOST_TAB_PRESSES):
        page.keyboard.press(key)
        if has_focus(target):
            assert target.evaluate(_FOCUS_IS_VISIBLE), f"focus not visible on {target}"
            return
        visited.append(focused_element(page))
    raise AssertionError(f"{key} never reached {target}; focus went: {visited}")


def skip_to_content(page) -> None:
    """Use the skip link, the first stop of every page, to jump to the content."""
    page.keyboard.press("Tab")
    assert has_focus(page.get_by_role("link", name="Skip to content"))
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def log_in_by_keyboard(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/auth/login")
    # Through the whole header this time, past the search and language forms.
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(email)
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(password)
    tab_to(page, page.get_by_role("button", name="Log in"))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def reply_by_keyboard(page, thread_title: str, text: str) -> None:
    """From the home page, open the discussion and post `text` as a reply."""
    skip_to_content(page)
    tab_to(page, page.get_by_role("link", name=thread_title))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=thread_title).wait_for()
    skip_to_content(page)
    tab_to(page, page.get_by_label("Your message"))
    page.keyboard.type(text)
    tab_to(page, page.get_by_role("button", name="Post", exact=True))
    # A step back and forth: Shift+Tab walks the same order in reverse.
    tab_to(page, page.get_by_role("button", name="Preview"), backwards=True)
    tab_to(page, page.get_by_role("button", name="Post", exact=True))
    page.keyboard.press("Enter")


def chat_by_keyboard(page, workshop_title: str, text: str) -> None:
    """From any page, go to the workshops, enter the room and say `text`."""
    tab_to(
        page,
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Workshops"
        ),
    )
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Workshops", exact=True).wait_for()
    skip_to_content(page)
    tab_to(page, page.get_by_role("link", name=workshop_title))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=workshop_title).wait_for()
    skip_to_content(page)
    tab_to(page, page.get_by_role("link", name="Enter the room"))
    page.keyboard.press("Enter")
    page.get_by_text("Connected: new messages appear by themselves.").wait_for()
    skip_to_content(page)
    tab_to(page, page.get_by_label("Your message"))
    page.keyboard.type(text)
    page.keyboard.press("Enter")  # Enter sends; Shift+Enter would start a line


def test_reply_and_chat_with_the_keyboard_alone(chromium, live_server, screenshot):
    nadia = old_member(email="nadia@example.org", display_name="Nadia")
    # Nadia has posted before, so her reply is not held for approval.
    earlier = make_thread(title="Monnaies locales en Méditerranée")
    make_reply(earlier, nadia, body="Nous avons une monnaie locale à Bizerte.")
    make_reply(earlier, nadia, body="Elle circule dans quarante commerces.")
    thread = make_thread(
        title="Marchés publics réservés aux entreprises sociales",
        body="Qui a déjà répondu à un marché réservé ?",
    )
    for number in range(3):
        make_reply(thread, body=f"Une expérience de plus, numéro {number + 1}.")
    workshop = make_workshop(title="Atelier clauses sociales")
    make_user(email="hedi@example.org", display_name="Hédi")
    reply = "Nous avons gagné un lot réservé à Sousse en 2023."
    message = "Bonjour, je viens du fil sur les marchés réservés."
    nadia_context, hedi_context = chromium.new_context(), chromium.new_context()
    try:
        hedi = log_in(hedi_context, live_server, "hedi@example.org")
        hedi.goto(f"{live_server}/workshops/{workshop.id}/room")
        page = nadia_context.new_page()
        log_in_by_keyboard(page, live_server, "nadia@example.org", DEFAULT_PASSWORD)
        reply_by_keyboard(page, thread.title, reply)
        page.locator(".posts").get_by_text(reply).wait_for()
        screenshot(page, "1-reply-posted")

        chat_by_keyboard(page, workshop.title, message)
        page.locator("#chat-history .chat-body").get_by_text(message).wait_for()
        hedi.locator("#chat-history .chat-body").get_by_text(message).wait_for()
        screenshot(page, "2-message-sent")
    finally:
        nadia_context.close()
        hedi_context.close()

    db.session.expire_all()
    posted = db.session.scalars(db.select(Post).where(Post.author_id == nadia.id))
    assert reply in [post.body_markdown for post in posted]
    said = db.session.scalars(
        db.select(ChatMessage).where(ChatMessage.author_id == nadia.id)
    )
    assert [chat.body_markdown for chat in said] == [message]
