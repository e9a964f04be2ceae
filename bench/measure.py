"""Shared helpers for the benchmarks: time requests and count their SQL queries."""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager

from sqlalchemy import event

from forum.extensions import db


@contextmanager
def counting_queries(app):
    """Count the SQL statements run inside the block (`with counting_queries(app)`)."""
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", count)


def measure(client, path: str, *, runs: int = 200, warmup: int = 10) -> dict:
    """Request `path` repeatedly; return median and p95 ms and queries per request."""
    for _ in range(warmup):
        assert client.get(path).status_code == 200, path
    timings = []
    with counting_queries(client.application) as queries:
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, path
    timings.sort()
    return {
        "path": path,
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "queries": queries["n"] / runs,
        "bytes": len(response.get_data()),
    }


def print_table(rows: list[dict]) -> None:
    """Print measurements as an aligned table."""
    print(f"{'page':40} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>8}")
    for row in rows:
        print(
            f"{row['path']:40} {row['median_ms']:10.2f} {row['p95_ms']:8.2f} "
            f"{row['queries']:8.1f} {row['bytes']:8d}"
        )
