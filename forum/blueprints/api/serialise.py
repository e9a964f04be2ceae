"""Plain-dict shapes of records returned by the API."""

from __future__ import annotations

from forum.models import Country, Theme, User


def country_dict(country: Country) -> dict:
    return {"code": country.code, "names": country.names, "active": country.active}


def theme_dict(theme: Theme) -> dict:
    return {
        "slug": theme.slug,
        "names": theme.names,
        "descriptions": theme.descriptions,
        "active": theme.active,
    }


def user_dict(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.public_name,
        "organisation": user.organisation,
        "actor_type": user.actor_type.value,
        "country": user.country_code,
        "languages": user.languages,
        "role": user.role.value,
        "bio_html": user.bio_html,
    }
