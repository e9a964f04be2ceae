"""Every page has a title, one h1, headings in order, and labelled fields."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser

import pytest

VISITOR_PAGES = [
    "/",
    "/auth/login",
    "/auth/register",
    "/auth/reset",
    "/auth/confirm",
    "/auth/check-email",
    "/no-such-page",
]
MEMBER_PAGES = ["/settings", "/auth/password", "/settings/tokens", "/settings/erase"]
ADMIN_PAGES = [
    "/admin/users",
    "/admin/countries",
    "/admin/countries/TN",
    "/admin/themes",
    "/admin/themes/social-finance",
    "/admin/audit",
]


class PageOutline(HTMLParser):
    """Collect what the checks need: title, headings, fields and their labels."""

    def __init__(self):
        super().__init__()
        self.title = ""
        self.headings: list[int] = []
        self.fields: list[dict] = []
        self.label_targets: set[str] = set()
        self.in_title = False
        self.label_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "title":
            self.in_title = True
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        elif tag == "label":
            self.label_depth += 1
            if attributes.get("for"):
                self.label_targets.add(attributes["for"])
        elif tag in {"input", "select", "textarea"} and attributes.get("type") not in {
            "hidden",
            "submit",
            "button",
        }:
            self.fields.append({**attributes, "_wrapped": self.label_depth > 0})

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag == "label":
            self.label_depth -= 1

    def handle_data(self, data):
        if self.in_title:
            self.title += data

    def unlabelled_fields(self) -> list[str]:
        return [
            field.get("name", "?")
            for field in self.fields
            if not field["_wrapped"]
            and field.get("id") not in self.label_targets
            and not field.get("aria-label")
        ]


def _check_page(client, path: str, language: str = "en") -> None:
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code in (200, 404), path
    outline = PageOutline()
    outline.feed(response.get_data(as_text=True))
    assert outline.title.strip(" ·Agora"), f"{path}: empty title"
    assert outline.headings.count(1) == 1, f"{path}: needs exactly one h1"
    assert outline.headings[0] == 1, f"{path}: first heading is not h1"
    for before, after in zip(outline.headings, outline.headings[1:], strict=False):
        assert after <= before + 1, f"{path}: heading jumps from h{before} to h{after}"
    assert outline.unlabelled_fields() == [], f"{path}: fields without a label"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_visitor_pages_are_well_formed(client, language):
    for path in VISITOR_PAGES:
        _check_page(client, path, language)


def test_member_pages_are_well_formed(client, member, auth):
    auth.login(member.email)
    for path in [*MEMBER_PAGES, f"/u/{member.username}"]:
        _check_page(client, path)


def test_admin_pages_are_well_formed(client, admin, member, auth):
    auth.login(admin.email)
    for path in [*ADMIN_PAGES, f"/admin/users/{member.id}"]:
        _check_page(client, path)


ASSET_LINK = re.compile(r'(?:href|src)="(/static/[^"?]+\.(?:css|js)(?:\?[^"]*)?)"')


def test_static_assets_are_versioned_and_cached_for_long(client):
    page = client.get("/").get_data(as_text=True)
    url = ASSET_LINK.search(page).group(1)
    assert "?v=" in url
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.cache_control.max_age >= 30 * 24 * 3600


@pytest.mark.parametrize("path", ["/", "/auth/register"])
def test_typical_page_stays_under_the_weight_budget(client, path):
    """A page and the stylesheets and scripts it links stay under 60 KB gzipped."""
    page = client.get(path).get_data()
    assets = ASSET_LINK.findall(page.decode())
    assert assets, "the page links no stylesheet"
    total = len(gzip.compress(page))
    for url in assets:
        with client.get(url) as asset:
            assert asset.status_code == 200, url
            total += len(gzip.compress(asset.get_data()))
    assert total < 60 * 1024, f"{total} bytes compressed"
