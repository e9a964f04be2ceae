"""Countries and themes: loading, seeding and admin edits."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from forum.errors import NotFound, ValidationError
from forum.extensions import db
from forum.models import Country, Theme, User
from forum.services.audit import record_action
from forum.services.permissions import require_admin

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
COUNTRY_CODE = re.compile(r"^(?:[A-Z]{2}|MED)$")
THEME_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@cache
def _reference_file(name: str) -> tuple:
    return tuple(json.loads((DATA_DIR / name).read_text(encoding="utf-8")))


def seed_reference_data() -> tuple[int, int]:
    """Add the countries and themes that are missing; return how many were added.

    Rows that exist are left alone, so admins' edits and retirements survive.
    """
    added_countries = _seed(Country, "code", _reference_file("countries.json"))
    added_themes = _seed(Theme, "slug", _reference_file("themes.json"))
    db.session.commit()
    forget_cached_reference()
    return added_countries, added_themes


def _seed(model, key: str, items) -> int:
    existing = set(db.session.scalars(select(getattr(model, key))))
    added = 0
    for position, item in enumerate(items):
        if item[key] in existing:
            continue
        db.session.add(model(position=position, **item))
        added += 1
    return added


@dataclass(frozen=True)
class ReferenceItem:
    """A read-only copy of a country or theme, safe to keep between requests."""

    key: str
    names: dict
    descriptions: dict
    position: int
    active: bool

    @property
    def code(self) -> str:
        return self.key

    @property
    def slug(self) -> str:
        return self.key

    def name_in(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get("en") or self.key

    def description_in(self, locale: str) -> str:
        return self.descriptions.get(locale) or self.descriptions.get("en") or ""


@dataclass
class _Snapshot:
    countries: list[ReferenceItem]
    themes: list[ReferenceItem]
    taken_at: float


# Reference data changes rarely and is on every page: keep a copy per
# application for a short while. Edits through this module drop the copy at
# once; other worker processes see them within REFERENCE_CACHE_SECONDS.
_CACHE_KEY = "agora_reference_snapshot"


def _snapshot() -> _Snapshot:
    cached = current_app.extensions.get(_CACHE_KEY)
    max_age = current_app.config["REFERENCE_CACHE_SECONDS"]
    if cached is not None and time.monotonic() - cached.taken_at < max_age:
        return cached
    countries = db.session.scalars(select(Country).order_by(Country.position))
    themes = db.session.scalars(select(Theme).order_by(Theme.position))
    snapshot = _Snapshot(
        countries=[
            ReferenceItem(c.code, dict(c.names), {}, c.position, c.active)
            for c in countries
        ],
        themes=[
            ReferenceItem(
                t.slug, dict(t.names), dict(t.descriptions), t.position, t.active
            )
            for t in themes
        ],
        taken_at=time.monotonic(),
    )
    current_app.extensions[_CACHE_KEY] = snapshot
    return snapshot


def forget_cached_reference() -> None:
    """Drop this process's copy of the reference data after a change."""
    current_app.extensions.pop(_CACHE_KEY, None)


def list_countries(*, include_retired: bool = False) -> list[ReferenceItem]:
    """Return countries in display order (MED first)."""
    rows = _snapshot().countries
    return rows if include_retired else [row for row in rows if row.active]


def list_themes(*, include_retired: bool = False) -> list[ReferenceItem]:
    """Return themes in display order."""
    rows = _snapshot().themes
    return rows if include_retired else [row for row in rows if row.active]


def get_country(code: str) -> Country:
    """Return a country by code or raise NotFound."""
    country = db.session.get(Country, (code or "").upper())
    if country is None:
        raise NotFound(_("There is no country with the code %(code)s.", code=code))
    return country


def get_theme(slug: str) -> Theme:
    """Return a theme by slug or raise NotFound."""
    theme = db.session.get(Theme, slug or "")
    if theme is None:
        raise NotFound(_("There is no theme called %(slug)s.", slug=slug))
    return theme


def _clean_names(names: dict, field: str = "names") -> dict:
    languages = current_app.config["LANGUAGES"]
    cleaned = {lang: (names.get(lang) or "").strip() for lang in languages}
    if not cleaned.get("en"):
        raise ValidationError(_("The English name is required."), field=f"{field}_en")
    if any(len(value) > 120 for value in cleaned.values()):
        raise ValidationError(_("Use at most %(n)d characters.", n=120), field=field)
    return {lang: value for lang, value in cleaned.items() if value}


def create_country(admin: User, *, code: str, names: dict) -> Country:
    """Add a country (ISO 3166-1 alpha-2 code)."""
    require_admin(admin)
    code = (code or "").strip().upper()
    if not COUNTRY_CODE.match(code):
        raise ValidationError(_("Use a two-letter ISO 3166 code."), field="code")
    if db.session.get(Country, code) is not None:
        raise ValidationError(_("This code is already used."), field="code")
    position = len(list_countries(include_retired=True))
    country = Country(code=code, names=_clean_names(names), position=position)
    db.session.add(country)
    record_action(admin, "country.create", **_country_target(country))
    db.session.commit()
    forget_cached_reference()
    return country


def update_country(admin: User, country: Country, *, names: dict, active: bool) -> None:
    """Rename a country in every language, or retire or restore it."""
    require_admin(admin)
    country.names = _clean_names(names)
    action = _activity_action("country", country.active, active)
    country.active = active
    record_action(admin, action, **_country_target(country))
    db.session.commit()
    forget_cached_reference()


def create_theme(admin: User, *, slug: str, names: dict, descriptions: dict) -> Theme:
    """Add a theme with a permanent slug."""
    require_admin(admin)
    slug = (slug or "").strip().lower()
    if not THEME_SLUG.match(slug) or len(slug) > 60:
        raise ValidationError(
            _("Use lower-case letters, digits and dashes."), field="slug"
        )
    if db.session.get(Theme, slug) is not None:
        raise ValidationError(_("This slug is already used."), field="slug")
    theme = Theme(
        slug=slug,
        names=_clean_names(names),
        descriptions=_clean_descriptions(descriptions),
        position=len(list_themes(include_retired=True)),
    )
    db.session.add(theme)
    record_action(admin, "theme.create", **_theme_target(theme))
    db.session.commit()
    forget_cached_reference()
    return theme


def update_theme(
    admin: User, theme: Theme, *, names: dict, descriptions: dict, active: bool
) -> None:
    """Rename or describe a theme, or retire or restore it."""
    require_admin(admin)
    theme.names = _clean_names(names)
    theme.descriptions = _clean_descriptions(descriptions)
    action = _activity_action("theme", theme.active, active)
    theme.active = active
    record_action(admin, action, **_theme_target(theme))
    db.session.commit()
    forget_cached_reference()


def _clean_descriptions(descriptions: dict) -> dict:
    languages = current_app.config["LANGUAGES"]
    cleaned = {lang: (descriptions.get(lang) or "").strip() for lang in languages}
    if any(len(value) > 300 for value in cleaned.values()):
        raise ValidationError(
            _("Use at most %(n)d characters.", n=300), field="descriptions"
        )
    return {lang: value for lang, value in cleaned.items() if value}


def _activity_action(kind: str, was_active: bool, active: bool) -> str:
    if was_active and not active:
        return f"{kind}.retire"
    if active and not was_active:
        return f"{kind}.restore"
    return f"{kind}.update"


def _country_target(country: Country) -> dict:
    return {
        "target_type": "country",
        "target_id": country.code,
        "target_label": country.name_in("en"),
    }


def _theme_target(theme: Theme) -> dict:
    return {
        "target_type": "theme",
        "target_id": theme.slug,
        "target_label": theme.name_in("en"),
    }
