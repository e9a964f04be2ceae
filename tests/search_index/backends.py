"""Both search backends for tests: Whoosh in a folder, PostgreSQL in a new database."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.postgres_databases import new_database
from tests.services_available import requires_postgres

BACKENDS = ["whoosh", pytest.param("postgres", marks=requires_postgres)]
_numbers = itertools.count()


def libpq_url(url: str, database: str | None = None) -> str:
    """Return a libpq URL (no SQLAlchemy driver), maybe naming another database."""
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://", 1))
    if database is not None:
        parts = parts._replace(path="/" + database)
    return urlunsplit(parts)


@contextmanager
def index_database() -> Iterator[str]:
    """Create an empty database for a search index; yield its libpq URL; drop it."""
    with new_database("agora_search") as url:
        yield libpq_url(url)
