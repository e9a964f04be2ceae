"""A practice's journey in Chromium: written and submitted by a member,
published by a moderator, found by others in French without accents and in
Arabic; the Arabic page reads right to left."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.factories import make_user
from tests.library.factories import make_published_practice

pytestmark = pytest.mark.slow


def test_submit_publish_and_find_a_practice(chromium, live_server, screenshot):
    make_user(email="leila@sfax.example", display_name="Leïla", country_code="TN")
    make_user(email="omar@mod.example", role="moderator", display_name="Omar")
    make_user(email="reader@example.org", locale="ar")
    make_published_practice(
        title="التمويل الأصغر للتعاونيات النسائية في القيروان",
        summary="صندوق ضمان يساعد التعاونيات النسائية على الحصول على قروض صغيرة.",
        language="ar",
        country="TN",
    )
    author = chromium.new_context()
    moderator = chromium.new_context()
    reader = chromium.new_context()
    try:
        page = log_in(author, live_server, "leila@sfax.example")
        page.goto(f"{live_server}/practices/new")
        page.get_by_label("Title").fill("Épicerie solidaire des coopératives de Sfax")
        page.get_by_label("Summary").fill(
            "Une épicerie coopérative vend les produits de douze coopératives rurales."
        )
        page.get_by_label("Context and problem").fill(
            "Les coopératives rurales vendaient mal leurs produits en ville."
        )
        page.get_by_label("What was done").fill(
            "Ouverture en 2021 d'une épicerie gérée par ses membres."
        )
        page.get_by_label("Results and evidence of success (with figures)").fill(
            "Chiffre d'affaires de 180 000 dinars en 2023, 35 emplois."
        )
        page.get_by_label("Country").select_option("TN")
        page.get_by_label("Agriculture and food").check()
        page.get_by_label("SSE enterprise (cooperative, mutual, association)").check()
        page.get_by_label("Language this practice is written in").select_option("fr")
        screenshot(page, "1-form-filled")
        page.get_by_role("button", name="Save and submit for review").click()
        page.get_by_text("Waiting for review").first.wait_for()

        desk = log_in(moderator, live_server, "omar@mod.example")
        desk.goto(f"{live_server}/practices/review")
        desk.get_by_role(
            "link", name="Épicerie solidaire des coopératives de Sfax"
        ).click()
        desk.get_by_role("button", name="Publish", exact=True).click()
        desk.get_by_text("Discussion").first.wait_for()
        screenshot(desk, "2-published")

        search = log_in(reader, live_server, "reader@example.org")
        search.goto(f"{live_server}/search?q=epicerie+cooperatives&type=practices")
        results = search.locator(".search-results")
        results.get_by_role(
            "link", name="Épicerie solidaire des coopératives de Sfax"
        ).wait_for()
        screenshot(search, "3-found-without-accents")
        search.goto(f"{live_server}/search?q=التعاونيات+النسائية")
        results.get_by_role(
            "link", name="التمويل الأصغر للتعاونيات النسائية في القيروان"
        ).first.wait_for()
        assert search.locator("html").get_attribute("dir") == "rtl"
        screenshot(search, "4-arabic-query-rtl")
    finally:
        for context in (author, moderator, reader):
            context.close()
