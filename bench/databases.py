"""Throwaway PostgreSQL databases for the benchmarks (no application imports)."""

from __future__ import annotations

import os
from contextlib import contextmanager

POSTGRES_ADMIN_URL = os.environ.get(
    "FORUM_BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def postgres_database(purpose: str):
    """Yield the SQLAlchemy URL of a new PostgreSQL database, dropped afterwards."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    name = f"agora_bench_{purpose}_{os.getpid()}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    server = conninfo_to_dict(POSTGRES_ADMIN_URL)
    try:
        yield (
            f"postgresql+psycopg://{server.get('user', 'postgres')}@"
            f"{server.get('host', '127.0.0.1')}:{server.get('port', 5432)}/{name}"
        )
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
