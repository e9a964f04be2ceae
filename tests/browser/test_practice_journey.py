"""A practice sent back before it is published, in Chromium: a moderator asks
for changes, the author reads the comment and submits again, the moderator
publishes, and another member finds the same practice by typing in the
header's search box a French query without accents and an Arabic one.

Until it is published nobody else finds it. test_library_journey.py covers
the plain path (submit, publish, find with a query in the address).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.factories import make_user

pytestmark = pytest.mark.slow

TITLE = "Coopérative féminine de tissage de Kairouan"
# A Tunisian practice written in French that quotes its Arabic name.
SUMMARY = "La coopérative « نساء القيروان للنسيج » vend des tapis tissés à la main."

# Typed as many do on a phone: without the accents.
FRENCH_QUERY = "cooperative feminine tissage"


def write_practice(page, base_url: str) -> None:
    page.goto(f"{base_url}/practices/new")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary").fill(SUMMARY)
    page.get_by_label("Context and problem").fill(
        "Les tisserandes vendaient leurs tapis à des intermédiaires."
    )
    page.get_by_label("What was done").fill(
        "Une coopérative vend en direct, au souk et en ligne."
    )
    page.get_by_label("Results and evidence of success (with figures)").fill(
        "Les revenus des tisserandes ont augmenté."
    )
    page.get_by_label("Country").select_option("TN")
    page.get_by_label("Women's and youth entrepreneurship").check()
    page.get_by_label("SSE enterprise (cooperative, mutual, association)").check()
    page.get_by_label("Language this practice is written in").select_option("fr")
    page.get_by_role("button", name="Save and submit for review").click()
    page.get_by_text("Waiting for a moderator's review.").wait_for()


def search(page, query: str):
    """Type a query in the header's search box, keep the practices among the
    results, and return the links to the practice."""
    page.get_by_role("searchbox", name="Search the site").fill(query)
    page.get_by_role("searchbox", name="Search the site").press("Enter")
    # Its discussion has the same title: look at practices only.
    page.get_by_role("navigation", name="Type of result").get_by_role(
        "link", name="Good practices"
    ).click()
    page.wait_for_url(lambda url: "type=practices" in url)
    return page.locator(".search-results").get_by_role("link", name=TITLE)


def review(page, base_url: str, button: str, comment: str = "") -> None:
    """Open the practice from the review queue and decide on it."""
    page.goto(f"{base_url}/practices/review")
    page.get_by_role("link", name=TITLE).click()
    if comment:
        page.get_by_label("Comment for the author").fill(comment)
    page.get_by_role("button", name=button, exact=True).click()


def test_practice_sent_back_revised_published_then_found_in_french_and_arabic(
    live_server, new_context, screenshot
):
    make_user(email="leila@kairouan.example", display_name="Leïla", country_code="TN")
    make_user(email="omar@mod.example", role="moderator", display_name="Omar")
    make_user(email="reader@example.org", display_name="Reader")
    author = log_in(new_context(), live_server, "leila@kairouan.example")
    moderator = log_in(new_context(), live_server, "omar@mod.example")
    reader = log_in(new_context(), live_server, "reader@example.org")

    write_practice(author, live_server)
    assert search(reader, FRENCH_QUERY).count() == 0

    comment = "Donnez des chiffres : combien de tisserandes, quels revenus ?"
    review(moderator, live_server, "Ask for changes", comment)
    moderator.get_by_text("Sent back to the author with your comment.").wait_for()

    author.get_by_role("link", name="My practices").click()
    author.get_by_text(comment).wait_for()
    author.get_by_role("link", name=TITLE).click()
    author.get_by_text("A moderator asked for changes:").wait_for()
    screenshot(author, "1-changes-requested")
    author.get_by_role("link", name="Edit", exact=True).click()
    author.get_by_label("Results and evidence of success (with figures)").fill(
        "42 tisserandes ; revenus doublés entre 2021 et 2023."
    )
    author.get_by_role("button", name="Save and submit for review").click()
    author.get_by_text("Waiting for a moderator's review.").wait_for()
    assert search(reader, FRENCH_QUERY).count() == 0

    review(moderator, live_server, "Publish")
    moderator.get_by_text("Published. The author is told.").wait_for()
    moderator.get_by_text("42 tisserandes").wait_for()
    screenshot(moderator, "2-published")

    search(reader, FRENCH_QUERY).wait_for()
    screenshot(reader, "3-found-in-french-without-accents")
    search(reader, "نساء القيروان").click()
    reader.get_by_role("heading", name=TITLE).wait_for()
    reader.get_by_text("42 tisserandes").wait_for()
    screenshot(reader, "4-found-in-arabic")
