"""Feed tests: new members' posts are published at once unless a test says so."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config() -> dict:
    return {"POSTS_NEEDING_APPROVAL": 0}
