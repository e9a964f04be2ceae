"""Run the search_index tests on each backend: `search_backend` says which."""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from search_index import SearchIndex
from search_index.postgres import PostgresSearchIndex
from tests.search_index.backends import BACKENDS, index_database


@pytest.fixture(params=BACKENDS)
def search_backend(request) -> str:
    """The backend under test: "whoosh" or "postgres"."""
    return request.param


@pytest.fixture
def make_index(search_backend, tmp_path):
    """Return a function that opens a new empty index of the backend under test."""
    with ExitStack() as stack:

        def make(name: str = "index"):
            if search_backend == "whoosh":
                return SearchIndex(tmp_path / name)
            index = PostgresSearchIndex(stack.enter_context(index_database()))
            stack.callback(index.close)
            return index

        yield make
