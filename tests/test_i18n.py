"""Five UI languages: choice of language, right-to-left Arabic, complete catalogs."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from forum.extensions import db

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "forum" / "translations"
LANGUAGES = ["fr", "ar", "es", "it"]


def _lang_attributes(response) -> str:
    page = response.get_data(as_text=True)
    return page[page.index("<html") : page.index(">", page.index("<html")) + 1]


def test_browser_language_is_used_for_visitors(client):
    response = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert 'lang="fr"' in _lang_attributes(response)
    assert "Se connecter" in response.get_data(as_text=True)


def test_arabic_pages_are_right_to_left(client):
    response = client.get("/auth/login", headers={"Accept-Language": "ar"})
    assert _lang_attributes(response) == '<html lang="ar" dir="rtl">'


def test_other_languages_are_left_to_right(client):
    for language in ["en", "fr", "es", "it"]:
        response = client.get("/", headers={"Accept-Language": language})
        assert f'lang="{language}" dir="ltr"' in _lang_attributes(response)


def test_switcher_cookie_beats_the_browser_language(client):
    response = client.post("/language", data={"locale": "es", "next": "/auth/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    page = client.get("/", headers={"Accept-Language": "fr"})
    assert 'lang="es"' in _lang_attributes(page)


def test_member_preference_beats_the_cookie(client, member, auth):
    member.locale = "it"
    db.session.commit()
    client.set_cookie("lang", "ar")
    auth.login(member.email)
    assert 'lang="it"' in _lang_attributes(client.get("/"))


def test_switching_language_when_logged_in_saves_the_preference(client, member, auth):
    auth.login(member.email)
    client.post("/language", data={"locale": "ar"})
    db.session.refresh(member)
    assert member.locale == "ar"


def test_switcher_rejects_unknown_language_and_foreign_redirect(client):
    assert client.post("/language", data={"locale": "xx"}).status_code == 400
    response = client.post(
        "/language", data={"locale": "fr", "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/"


def test_dates_are_localised_in_the_members_time_zone(app, client, admin, auth):
    admin.timezone = "Asia/Beirut"
    admin.locale = "fr"
    admin.created_at = datetime(2026, 1, 15, 22, 30, tzinfo=UTC)
    db.session.commit()
    auth.login(admin.email)
    page = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    # 22:30 UTC is 00:30 the next day in Beirut (UTC+2 in winter).
    assert "16 janv. 2026" in page
    assert "00:30" in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_translates_every_message(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and not _translated(m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [], f"{language}: {len(missing)} untranslated"
    assert fuzzy == []


def _translated(string) -> bool:
    if isinstance(string, tuple):
        return all(string)
    return bool(string)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_its_source(language):
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as handle:
        source = {_key(m.id): _key(m.string) for m in read_po(handle) if m.id}
    with open(folder / "messages.mo", "rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    assert compiled == source, "run: pybabel compile -d forum/translations"


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_template_lists_every_string_of_the_code(tmp_path):
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "extract",
            "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
            "-k", "lazy_pgettext:1c,2",
            "-o", str(extracted), "--no-location", "--sort-output", ".",
        ],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with open(extracted, "rb") as handle:
        fresh = {(m.context, m.id) for m in read_po(handle) if m.id}
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        committed = {(m.context, m.id) for m in read_po(handle) if m.id}
    assert fresh == committed, "run the catalog update step in the README"
