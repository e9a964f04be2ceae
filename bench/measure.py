"""Shared helpers for the benchmarks: time requests and count their SQL queries."""

from __future__ import annotations

import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event

from forum import create_app
from forum.extensions import db
from forum.services import demo, reference


def bench_app(prefix: str = "agora-bench-", database_uri: str | None = None):
    """Return an app on a new temporary instance: migrated, with the demo members.

    Its database is SQLite in the instance, or `database_uri` (an empty one).
    """
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    config = {
        "INSTANCE_PATH": str(folder),
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        # The pages' own cost: a visitor's page would otherwise come from the
        # page cache after the first request (bench/load.py measures that).
        "PAGE_CACHE_SECONDS": 0,
    }
    if database_uri:
        config["SQLALCHEMY_DATABASE_URI"] = database_uri
    app = create_app(config)
    with app.app_context():
        upgrade()
        reference.seed_reference_data()
        demo.seed_demo_members()
    return app


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
    timings, cpu, counts = [], [], []
    with counting_queries(client.application) as queries:
        for _ in range(runs):
            before = queries["n"]
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            counts.append(queries["n"] - before)
            assert response.status_code == 200, path
    timings.sort()
    return {
        "path": path,
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        # CPU time stays meaningful when other programs share the machine.
        "cpu_ms": statistics.median(cpu),
        # The usual count; the most a request ran (periodic writes) is kept too.
        "queries": statistics.median(counts),
        "max_queries": max(counts),
        "bytes": len(response.get_data()),
    }


def print_table(rows: list[dict]) -> None:
    """Print measurements as an aligned table, against their targets when given."""
    width = max(40, *(len(row.get("label", row["path"])) for row in rows))
    print(
        f"{'page':{width}} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>7} "
        f"{'queries':>8} {'max':>4} {'bytes':>8} {'target':>8}"
    )
    for row in rows:
        print(
            f"{row.get('label', row['path']):{width}} {row['median_ms']:10.2f} "
            f"{row['p95_ms']:8.2f} {row['cpu_ms']:7.2f} {row['queries']:8.0f} "
            f"{row['max_queries']:4d} {row['bytes']:8d} {_verdict(row):>8}"
        )


def _verdict(row: dict) -> str:
    """Say whether a row meets its time and query targets ("" without targets)."""
    if "target_ms" not in row:
        return ""
    fast = row["median_ms"] < row["target_ms"]
    lean = row["queries"] <= row.get("query_target", float("inf"))
    if fast and lean:
        return "ok"
    return "MISS " + ("" if fast else "t") + ("" if lean else "q")
