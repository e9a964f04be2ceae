"""Switching to Arabic in Chromium, with the header's language switcher:
the page becomes Arabic and right to left, its layout mirrors, text in
another script keeps its own direction, and a member's choice follows them
to their next login on another device.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.forum.factories import make_thread, old_member

pytestmark = pytest.mark.slow

FRENCH_TITLE = "Les coopératives agricoles face à la sécheresse"
ARABIC_TITLE = "التعاونيات الفلاحية في مواجهة الجفاف"


@pytest.fixture
def app_config() -> dict:
    # The discussions below are set up already published.
    return {"POSTS_NEEDING_APPROVAL": 0}


def switch_language(page, option: str, label: str, button: str) -> None:
    """Choose a language in the header's switcher and apply it."""
    page.get_by_label(label, exact=True).select_option(label=option)
    page.get_by_role("button", name=button, exact=True).click()


def direction(locator) -> str:
    """Return the direction the browser lays the element out in."""
    return locator.evaluate("element => getComputedStyle(element).direction")


def brand_side(page) -> str:
    """Say on which side of the window the site's name stands."""
    box = page.get_by_role("link", name="Agora", exact=True).bounding_box()
    width = page.viewport_size["width"]
    return "left" if box["x"] + box["width"] / 2 < width / 2 else "right"


def test_switching_to_arabic_shows_a_right_to_left_page(
    live_server, new_context, screenshot
):
    french = make_thread(title=FRENCH_TITLE, country="MA", language="fr")
    arabic = make_thread(title=ARABIC_TITLE, country="MA", language="ar")
    page = new_context().new_page()
    page.goto(live_server)
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("en", "ltr")
    assert brand_side(page) == "left"
    screenshot(page, "1-english")

    switch_language(page, "العربية", "Language", "Change")
    page.get_by_role("link", name="النقاشات").first.wait_for()
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert direction(page.locator("body")) == "rtl"
    assert brand_side(page) == "right"
    screenshot(page, "2-arabic-home")

    # Each title keeps the direction of its own script inside the Arabic page.
    page.goto(f"{live_server}/threads/{french.id}")
    page.get_by_role("navigation", name="أنت هنا").wait_for()
    assert direction(page.get_by_role("heading", name=FRENCH_TITLE)) == "ltr"
    screenshot(page, "3-french-thread-in-arabic-page")
    page.goto(f"{live_server}/threads/{arabic.id}")
    assert direction(page.get_by_role("heading", name=ARABIC_TITLE)) == "rtl"

    switch_language(page, "English", "اللغة", "تغيير")
    page.get_by_role("link", name="Discussions").first.wait_for()
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("en", "ltr")


def test_a_members_arabic_choice_follows_them_to_another_device(
    live_server, new_context, screenshot
):
    old_member(email="salma@example.org", display_name="Salma")
    laptop = log_in(new_context(), live_server, "salma@example.org")
    switch_language(laptop, "العربية", "Language", "Change")
    laptop.get_by_role("link", name="الإعدادات").wait_for()

    # Another device has no language cookie: the account's choice applies.
    phone = log_in(new_context(), live_server, "salma@example.org")
    phone.get_by_role("link", name="الإعدادات").wait_for()
    html = phone.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert brand_side(phone) == "right"
    screenshot(phone, "1-arabic-on-another-device")
