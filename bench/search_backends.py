"""Whoosh and PostgreSQL search side by side, on the same generated documents.

Generates content in a temporary SQLite instance (`generate`), reads the
documents a reindex would write, then for each backend prints:

1. the time to rebuild the index from those documents;
2. the median and 95th percentile time of `index.search()` for the 200
   queries of bench/search_queries.py (with facets and snippets, as the
   search page asks), over a few passes;
3. the time to add one document (what a new reply costs);

and finally how many of the 200 queries find the same number of documents on
both backends (stemmers differ a little, so a few may not).

Needs a PostgreSQL server: a database `agora_bench_search` is created on
FORUM_BENCH_DATABASE_URL's server (default postgres@127.0.0.1:5432) and
dropped at the end.

Run: .venv/bin/python bench/search_backends.py
     .venv/bin/python bench/search_backends.py --practices 5000 --posts 80000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from werkzeug.datastructures import MultiDict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search import build, log, read_documents  # noqa: E402
from bench.search_queries import QUERIES  # noqa: E402
from forum.services.site_search import read_params  # noqa: E402
from search_index import Document, SearchIndex  # noqa: E402
from search_index.postgres import PostgresSearchIndex  # noqa: E402

SERVER = os.environ.get(
    "FORUM_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
DATABASE = "agora_bench_search"


def _administer(statement: str) -> None:
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(statement)


def index_url() -> str:
    """Return the URL of the benchmark's own database on the server."""
    return SERVER.rsplit("/", 1)[0] + "/" + DATABASE


def time_rebuild(index, documents) -> float:
    started = time.perf_counter()
    index.rebuild(documents)
    return time.perf_counter() - started


def searches(app) -> list[tuple[str, dict]]:
    """Return the 200 queries as (text, index filters), read as the API reads them."""
    with app.test_request_context():
        return [
            (params.text, params.index_filters())
            for params in (
                read_params(MultiDict(args | {"q": text})) for text, args in QUERIES
            )
        ]


def time_searches(index, queries, passes: int) -> tuple[dict, list[int]]:
    timings, totals = [], []
    for number in range(passes):
        for text, filters in queries:
            started = time.perf_counter()
            found = index.search(text, filters=filters, per_page=20)
            timings.append(time.perf_counter() - started)
            if number == 0:
                totals.append(found.total)
    ordered = sorted(timings)
    return {
        "median": statistics.median(ordered) * 1000,
        "p95": ordered[int(len(ordered) * 0.95)] * 1000,
    }, totals


def time_one_add(index) -> float:
    samples = []
    for number in range(20):
        document = Document(
            "post",
            10_000_000 + number,
            "Bench",
            f"Nouvelle réponse {number}",
            "/p",
            "fr",
        )
        started = time.perf_counter()
        index.add([document])
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=2_000)
    parser.add_argument("--posts", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    app = build(args)
    documents = read_documents(app)
    queries = searches(app)
    _administer(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    _administer(f"CREATE DATABASE {DATABASE}")
    whoosh_folder = Path(tempfile.mkdtemp(prefix="agora-bench-idx-"))
    try:
        backends = {
            "whoosh": SearchIndex(whoosh_folder),
            "postgres": PostgresSearchIndex(index_url()),
        }
        totals = {}
        for name, index in backends.items():
            seconds = time_rebuild(index, documents)
            figures, totals[name] = time_searches(index, queries, args.passes)
            add_ms = time_one_add(index)
            log(
                f"{name:9} rebuild {len(documents):,} documents {seconds:6.1f} s | "
                f"search median {figures['median']:6.1f} ms, p95 "
                f"{figures['p95']:6.1f} ms | add one {add_ms:5.1f} ms"
            )
        same = sum(
            a == b for a, b in zip(totals["whoosh"], totals["postgres"], strict=True)
        )
        log(f"Queries finding the same number of documents: {same} / {len(queries)}")
        backends["postgres"].close()
    finally:
        _administer(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        shutil.rmtree(whoosh_folder, ignore_errors=True)
        shutil.rmtree(app.instance_path, ignore_errors=True)


if __name__ == "__main__":
    main()
