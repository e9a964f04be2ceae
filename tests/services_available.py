"""Pytest marks that skip a test when PostgreSQL or Redis does not answer."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest

POSTGRES_URL = os.environ.get(
    "FORUM_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/agora_test"
)
REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def answers(url: str, default_port: int) -> bool:
    """Return whether something accepts a TCP connection at the URL's host and port."""
    parts = urlsplit(url)
    address = (parts.hostname or "127.0.0.1", parts.port or default_port)
    try:
        with socket.create_connection(address, timeout=0.5):
            return True
    except OSError:
        return False


def _where(url: str, default_port: int) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or '127.0.0.1'}:{parts.port or default_port}"


requires_postgres = pytest.mark.skipif(
    not answers(POSTGRES_URL, 5432),
    reason=(
        f"PostgreSQL does not answer at {_where(POSTGRES_URL, 5432)} "
        "(set FORUM_TEST_DATABASE_URL to point at one)"
    ),
)

requires_redis = pytest.mark.skipif(
    not answers(REDIS_URL, 6379),
    reason=(
        f"Redis does not answer at {_where(REDIS_URL, 6379)} "
        "(set FORUM_TEST_REDIS_URL to point at one)"
    ),
)
