"""Template helpers: names of reference data, pagination links, asset URLs."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, current_app, g, request, url_for

from forum.i18n import SPOKEN_LANGUAGES, current_locale_code
from forum.labels import (
    ACTOR_TYPE_LABELS,
    AUDIT_ACTION_LABELS,
    ROLE_LABELS,
    ROOM_STATE_LABELS,
    STATUS_LABELS,
    TARGET_TYPE_LABELS,
    WORKSHOP_ACCESS_LABELS,
    WORKSHOP_PHASE_LABELS,
)
from forum.models import ActorType
from forum.services.reference import ReferenceItem, list_countries, list_themes


def reference_names() -> tuple[dict[str, ReferenceItem], dict[str, ReferenceItem]]:
    """Return countries and themes by key (from the cached reference data)."""
    if "reference_names" not in g:
        countries = {c.code: c for c in list_countries(include_retired=True)}
        themes = {t.slug: t for t in list_themes(include_retired=True)}
        g.reference_names = (countries, themes)
    return g.reference_names


def country_name(code: str | None) -> str:
    """Return the country's name in the page's language."""
    if not code:
        return ""
    country = reference_names()[0].get(code)
    return country.name_in(current_locale_code()) if country else code


def theme_name(slug: str) -> str:
    """Return the theme's name in the page's language."""
    theme = reference_names()[1].get(slug)
    return theme.name_in(current_locale_code()) if theme else slug


def actor_type_label(value) -> str:
    """Return the translated label of an actor type."""
    return str(ACTOR_TYPE_LABELS.get(ActorType(value), value))


@cache
def _asset_version(path: Path, modified: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_url(filename: str) -> str:
    """Return a static file's URL carrying a hash of its content.

    The hash changes whenever the file does, so browsers may keep assets for a
    year (SEND_FILE_MAX_AGE_DEFAULT) and still never use a stale one.
    """
    path = Path(current_app.static_folder) / filename
    version = _asset_version(path, path.stat().st_mtime)
    return url_for("static", filename=filename, v=version)


def url_with(**changes) -> str:
    """Return the current URL with some query arguments changed."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    """Register the helpers as Jinja globals."""
    app.jinja_env.globals.update(
        country_name=country_name,
        theme_name=theme_name,
        actor_type_label=actor_type_label,
        url_with=url_with,
        asset_url=asset_url,
        role_labels=ROLE_LABELS,
        status_labels=STATUS_LABELS,
        audit_action_labels=AUDIT_ACTION_LABELS,
        target_type_labels=TARGET_TYPE_LABELS,
        actor_type_labels=ACTOR_TYPE_LABELS,
        workshop_access_labels=WORKSHOP_ACCESS_LABELS,
        workshop_phase_labels=WORKSHOP_PHASE_LABELS,
        room_state_labels=ROOM_STATE_LABELS,
        spoken_languages=SPOKEN_LANGUAGES,
    )
    app.jinja_env.filters.update(country_name=country_name, theme_name=theme_name)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
