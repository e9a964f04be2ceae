"""Moderation tests: moderators of several scopes, and threads to act on."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import Country, Theme
from tests.factories import make_user


@pytest.fixture
def app_config() -> dict:
    return {"POSTS_NEEDING_APPROVAL": 0}


@pytest.fixture
def tn_moderator(app):
    """A moderator of Tunisia only."""
    return make_user(
        username="salma",
        role="moderator",
        scope_countries=[db.session.get(Country, "TN")],
    )


@pytest.fixture
def circular_moderator(app):
    """A moderator of the circular economy theme, in every country."""
    return make_user(
        username="luca",
        role="moderator",
        scope_themes=[db.session.get(Theme, "circular-economy")],
    )


@pytest.fixture
def global_moderator(app):
    return make_user(username="yusuf", role="moderator")
