"""Throwaway PostgreSQL databases for the tests that need one of their own."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from tests.services_available import POSTGRES_URL

_numbers = itertools.count()
_cleaned: set[str] = set()


def administer(statement: str) -> list:
    """Run one statement on the server's maintenance database, outside a transaction."""
    url = make_url(POSTGRES_URL).set(database="postgres")
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            result = connection.execute(text(statement))
            return result.fetchall() if result.returns_rows else []
    finally:
        engine.dispose()


def process_alive(pid: int) -> bool:
    """Say whether a process with this id still runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        pass
    return True


def drop_stale_databases(prefix: str) -> None:
    """Drop the `<prefix>_<pid>_...` databases of runs that crashed."""
    for (name,) in administer("SELECT datname FROM pg_database"):
        if not name.startswith(prefix + "_"):
            continue
        pid = name[len(prefix) + 1 :].split("_")[0]
        if pid.isdigit() and not process_alive(int(pid)):
            administer(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def new_database(prefix: str) -> Iterator[str]:
    """Create an empty database; yield its SQLAlchemy URL; drop it afterwards."""
    if prefix not in _cleaned:
        _cleaned.add(prefix)
        drop_stale_databases(prefix)
    name = f"{prefix}_{os.getpid()}_{next(_numbers)}"
    administer(f'CREATE DATABASE "{name}"')
    try:
        yield (
            make_url(POSTGRES_URL)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        # WITH (FORCE) ends the connections a server or index may still hold.
        administer(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def analysed_tables(engine, since=None) -> set[str]:
    """Return the tables someone ran ANALYZE on (after `since`, a server time).

    Autovacuum's own runs count apart (last_autoanalyze): these are the
    application's.
    """
    with engine.connect() as connection:
        return set(
            connection.scalars(
                text(
                    "SELECT relname FROM pg_stat_user_tables "
                    "WHERE last_analyze >= coalesce(:since, '-infinity'::timestamptz)"
                ),
                {"since": since},
            )
        )
