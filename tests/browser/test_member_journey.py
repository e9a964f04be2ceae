"""A new member's journey in Chromium, through the pages alone: register,
confirm the address from the mailed link, log in, start a discussion in a
country and a theme, answer a reply to it, and edit that answer.

New members' first posts normally wait for a moderator; here they are
published at once (POSTS_NEEDING_APPROVAL=0) so the journey stays the
member's own. The approval queue has its own journey in
test_moderation_journey.py.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.factories import make_user

pytestmark = pytest.mark.slow

PASSWORD = "argan trees near essaouira"
EMAIL = "yasmine@coop-argan.example"
TITLE = "Vendre l'huile d'argan des coopératives en ligne"


@pytest.fixture
def app_config() -> dict:
    return {"POSTS_NEEDING_APPROVAL": 0}


def register(page, base_url: str) -> None:
    page.goto(f"{base_url}/auth/register")
    page.get_by_label("Your name").fill("Yasmine Amrani")
    page.get_by_label("Username").fill("yasmine")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.get_by_role("heading", name="Check your email").wait_for()


def submit_login(page, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def start_thread(page, base_url: str) -> None:
    page.goto(f"{base_url}/threads/new")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Country").select_option(label="Morocco")
    page.get_by_label("Women's and youth entrepreneurship").check()
    page.get_by_label("Language of the discussion").select_option(label="Français")
    page.get_by_label("Your message").fill(
        "Notre coopérative de femmes à Essaouira cherche une boutique en ligne."
    )
    page.get_by_role("button", name="Start the discussion").click()
    page.get_by_role("heading", name=TITLE).wait_for()


def test_register_confirm_post_answer_a_reply_and_edit(
    live_server, new_context, outbox, screenshot
):
    make_user(email="karim@tanger.example", display_name="Karim Benali")
    page = new_context().new_page()
    register(page, live_server)
    screenshot(page, "1-check-your-email")

    # Not confirmed yet: the login page refuses, and says why.
    page.goto(f"{live_server}/auth/login")
    submit_login(page, EMAIL, PASSWORD)
    page.get_by_text("Please confirm your email address first").wait_for()

    page.goto(live_server + outbox.last_link(EMAIL, "/auth/confirm/"))
    page.get_by_text("Your email address is confirmed. You can log in.").wait_for()
    screenshot(page, "2-confirmed")
    submit_login(page, EMAIL, PASSWORD)
    page.get_by_role("link", name="Yasmine Amrani").wait_for()

    start_thread(page, live_server)
    thread_url = page.url
    page.get_by_role("navigation", name="You are here").get_by_role(
        "link", name="Morocco"
    ).wait_for()
    screenshot(page, "3-thread-started")

    # Karim answers the thread in his own browser.
    karim = log_in(new_context(), live_server, "karim@tanger.example")
    karim.goto(thread_url)
    karim.get_by_label("Your message").fill(
        "Avez-vous regardé les places de marché du commerce équitable ?"
    )
    karim.get_by_role("button", name="Post", exact=True).click()
    karim.get_by_role("article", name="Karim Benali").wait_for()

    # Yasmine answers Karim's reply, then corrects her answer.
    page.goto(thread_url)
    karim_post = page.get_by_role("article", name="Karim Benali")
    karim_post.get_by_role("link", name="Reply", exact=True).click()
    page.get_by_role("heading", name="You are answering Karim Benali").wait_for()
    page.get_by_label("Your message").fill("Oui, mais les frais sont de 15 %.")
    page.get_by_role("button", name="Post", exact=True).click()
    answer = page.get_by_role("article", name="Yasmine Amrani").filter(
        has_text="les frais sont"
    )
    answer.wait_for()
    screenshot(page, "4-reply-to-a-reply")

    answer.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Your message").fill("Oui, mais les frais sont de 12 %.")
    page.get_by_role("button", name="Save the changes").click()
    page.get_by_text("Your changes are saved.").wait_for()
    edited = page.get_by_role("article", name="Yasmine Amrani").filter(
        has_text="les frais sont de 12 %"
    )
    edited.get_by_role("link", name="edited").wait_for()
    screenshot(page, "5-edited")
    assert page.get_by_text("les frais sont de 15 %").count() == 0

    # Oldest first, the answer names the reply it answers.
    page.goto(f"{thread_url}?view=flat")
    flat_answer = page.get_by_role("article", name="Yasmine Amrani").filter(
        has_text="les frais sont de 12 %"
    )
    context_line = flat_answer.locator(".post__context")
    assert context_line.inner_text() == "In reply to Karim Benali"

    # The thread is listed under its country and its theme.
    page.goto(f"{live_server}/c/MA/t/women-youth-entrepreneurship")
    page.get_by_role("link", name=TITLE).wait_for()
    screenshot(page, "6-listed-in-country-and-theme")
