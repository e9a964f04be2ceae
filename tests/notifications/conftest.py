"""Notification tests: posts are published at once unless a test says otherwise."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config() -> dict:
    return {"POSTS_NEEDING_APPROVAL": 0}


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every test here reads and writes the database of `app`."""
    return app
