"""Run the site-search tests on each search backend (`search_backend`)."""

from __future__ import annotations

import pytest

from tests.search_index.backends import BACKENDS, index_database

_INDEX_KEY = "agora_search_index"


@pytest.fixture(params=BACKENDS)
def search_backend(request) -> str:
    """The backend under test: "whoosh" or "postgres"."""
    return request.param


@pytest.fixture
def search_config(search_backend):
    """Configure the backend; PostgreSQL gets a database of its own per test."""
    if search_backend == "whoosh":
        yield {"SEARCH_BACKEND": "whoosh"}
        return
    with index_database() as url:
        yield {"SEARCH_BACKEND": "postgres", "SEARCH_DATABASE_URL": url}


@pytest.fixture
def app_config(search_config) -> dict:
    """Publish replies at once, on the backend under test."""
    return {"POSTS_NEEDING_APPROVAL": 0, **search_config}


@pytest.fixture(autouse=True)
def _close_search_index(app):
    """Close the index's database connection before its database is dropped."""
    yield
    index = app.extensions.pop(_INDEX_KEY, None)
    if hasattr(index, "close"):
        index.close()
