"""Liveness answers without I/O; readiness checks every engine the app needs."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, jsonify
from sqlalchemy import text

from forum.blueprints.health import bp
from forum.extensions import db
from forum.services.search import search_index

PROBE_TIMEOUT_SECONDS = 2


@bp.get("/healthz")
def healthz():
    """Say the process is up and serving."""
    return _uncached(jsonify(status="ok"), 200)


@bp.get("/readyz")
def readyz():
    """Check the database, Redis when configured, and the search index."""
    checks: dict[str, Callable[[], None]] = {"database": _check_database}
    if current_app.config["REDIS_URL"]:
        checks["redis"] = _check_redis
    checks["search"] = _check_search
    results = {name: _run(name, check) for name, check in checks.items()}
    failing = [name for name, result in results.items() if result != "ok"]
    status = 503 if failing else 200
    body = jsonify(
        status="unavailable" if failing else "ok", failing=failing, checks=results
    )
    return _uncached(body, status)


def _run(name: str, check: Callable[[], None]) -> str:
    # A probe must answer, whatever the engine does: any failure is "not ready".
    try:
        check()
    except Exception as error:  # noqa: BLE001
        current_app.logger.warning("Readiness check %s failed: %s", name, error)
        return f"error: {type(error).__name__}"
    return "ok"


def _check_database() -> None:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _check_redis() -> None:
    import redis

    client = redis.Redis.from_url(
        current_app.config["REDIS_URL"],
        socket_timeout=PROBE_TIMEOUT_SECONDS,
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def _check_search() -> None:
    search_index().doc_count()


def _uncached(response, status: int):
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
