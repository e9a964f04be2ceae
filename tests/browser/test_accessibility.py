"""axe-core finds no moderate, serious or critical violation on the key pages,
in English and in Arabic (right to left), with realistic content on them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from forum.services import chat
from tests.browser.axe import blocking_violations, describe
from tests.browser.conftest import log_in
from tests.forum.factories import make_reply, make_thread, old_member
from tests.library.factories import make_published_practice
from tests.workshops.factories import make_workshop

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config() -> dict:
    # The seeded members' posts are published at once, as a regular's would be.
    return {"POSTS_NEEDING_APPROVAL": 0}


@dataclass
class Site:
    """The records the pages show."""

    thread_id: int
    practice_id: int
    workshop_id: int
    member_username: str


def seed_site(language: str) -> Site:
    """Fill the forum, the library and a workshop room; return what pages show."""
    member = old_member(
        email=f"reader-{language}@example.org",
        display_name="Samira Haddad",
        organisation="Réseau ESS Méditerranée",
        locale=language,
        can_organise=True,
    )
    others = [old_member(display_name=name) for name in ("Karim", "Elena", "Youssef")]
    thread = make_thread(
        others[0],
        title="Financer une coopérative agricole sans garantie bancaire",
        body="Quels **fonds de garantie** avez-vous utilisés ?\n\n- Tunisie\n- Maroc",
        language="fr",
    )
    first = make_reply(thread, others[1], body="Nous travaillons avec une mutuelle.")
    make_reply(thread, member, to=first, body="Laquelle ? Un lien serait utile.")
    make_reply(thread, others[2], body="> Quels fonds\n\nLa BTS finance les projets.")
    make_thread(
        member,
        title="صناديق الضمان للتعاونيات النسائية",
        body="ما هي التجارب الناجحة في المنطقة؟",
        language="ar",
        country="MA",
    )
    practice = make_published_practice(
        member,
        title="Épicerie solidaire des coopératives de Sfax",
        summary="Une épicerie coopérative vend les produits de douze coopératives.",
        language="fr",
    )
    make_published_practice(
        title="التمويل الأصغر للتعاونيات النسائية في القيروان",
        summary="صندوق ضمان يساعد التعاونيات النسائية على الحصول على قروض صغيرة.",
        language="ar",
    )
    workshop = make_workshop(member, title="Coopératives et marchés publics")
    for number, author in enumerate([member, others[0]]):
        chat.post_message(
            author,
            workshop,
            body=f"Bonjour à toutes et à tous, message {number + 1}.",
            client_id=f"seed-{number}",
        )
    return Site(thread.id, practice.id, workshop.id, member.username)


def member_pages(site: Site) -> dict[str, str]:
    """The pages a logged-in member sees, by name."""
    return {
        "home": "/",
        "country": "/c/TN",
        "theme": "/t/social-finance",
        "thread": f"/threads/{site.thread_id}",
        "new thread": "/threads/new",
        "library": "/practices",
        "practice": f"/practices/{site.practice_id}",
        "practice form": "/practices/new",
        "search": "/search?q=cooperative",
        "workshops": "/workshops",
        "workshop room": f"/workshops/{site.workshop_id}/room",
        "profile": f"/u/{site.member_username}",
        "settings": "/settings",
    }


VISITOR_PAGES = {"login": "/auth/login", "register": "/auth/register"}


def audit(page, base_url: str, pages: dict[str, str], language: str) -> dict:
    """Open each page; return the blocking violations found, by page name."""
    found = {}
    for name, path in pages.items():
        response = page.goto(base_url + path)
        assert response.status == 200, f"{name} ({path}): HTTP {response.status}"
        assert page.locator("html").get_attribute("lang") == language, name
        if name == "workshop room":
            # Let the live client draw its controls before axe looks at them.
            page.locator("#chat-presence li").first.wait_for()
        if violations := blocking_violations(page):
            found[f"{name} ({path})"] = violations
    return found


def audit_form_errors(page, base_url: str, language: str) -> dict:
    """Send the new-thread form empty; return the violations of the error page."""
    page.goto(f"{base_url}/threads/new")
    page.locator(
        "main form button[type=submit], main form input[type=submit]"
    ).last.click()
    page.locator(".error-summary").wait_for()
    assert page.locator("html").get_attribute("lang") == language
    violations = blocking_violations(page)
    return {"new thread, sent empty": violations} if violations else {}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_key_pages_have_no_blocking_accessibility_violations(
    chromium, live_server, language
):
    site = seed_site(language)
    visitor = chromium.new_context()
    member = chromium.new_context()
    try:
        visitor.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        found = audit(visitor.new_page(), live_server, VISITOR_PAGES, language)
        page = log_in(member, live_server, f"reader-{language}@example.org")
        found |= audit(page, live_server, member_pages(site), language)
        found |= audit_form_errors(page, live_server, language)
    finally:
        visitor.close()
        member.close()
    report = "\n".join(f"{page}:\n{describe(v)}" for page, v in found.items())
    assert not found, f"axe ({language}) found blocking problems:\n{report}"


def test_the_audit_reports_an_unlabelled_field(chromium):
    """The check can fail: a text box without a label is a critical violation."""
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<html lang="en"><head><title>t</title></head>'
            '<body><main><input type="text"></main></body></html>'
        )
        rules = {violation["id"] for violation in blocking_violations(page)}
    finally:
        context.close()
    assert "label" in rules


def test_the_audit_reports_landmarks_that_cannot_be_told_apart(chromium):
    """Moderate violations block too: two search forms without distinct names."""
    search_form = '<form role="search"><input type="search" aria-label="q"></form>'
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<html lang="en"><head><title>t</title></head>'
            f"<body><main>{search_form}{search_form}</main></body></html>"
        )
        found = {v["id"]: v["impact"] for v in blocking_violations(page)}
    finally:
        context.close()
    assert found.get("landmark-unique") == "moderate"
