"""Search at scale: reindex speed, /api/v1/search latency, FTS5, publish to found.

Builds a temporary SQLite instance with `generate`: 20,000 published practices
in seven languages, 20,000 threads and 300,000 posts. Then it prints:

1. the time to rebuild the index from the same documents with one plain
   Whoosh writer (one process, default memory, one segment) and with the
   parallel rebuild (`SearchIndex.rebuild(procs=N)`: N processes, each writing
   its own segment), and the ratio; then a full `flask forum reindex`
   (database to index);
2. the median and 95th percentile time of GET /api/v1/search (Flask test
   client, in-process) for a fixed list of 200 queries, on the index as the
   parallel rebuild leaves it and after `optimise()` merged it into one segment;
3. the same queries against a SQLite FTS5 table (unicode61 remove_diacritics 2)
   over the same text, as a reference;
4. the time from `publish_practice` to the practice being found by a search.

Run: .venv/bin/python bench/search.py
     .venv/bin/python bench/search.py --practices 2000 --threads 2000 --posts 30000
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import current_app  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.measure import bench_app  # noqa: E402
from bench.search_queries import QUERIES  # noqa: E402
from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import User  # noqa: E402
from forum.services import generator, practice_review, practices, search  # noqa: E402
from search_index import SearchIndex  # noqa: E402

TARGET_MEDIAN_MS = 25.0
TARGET_P95_MS = 100.0
PUBLISH_TARGET_S = 1.0
MODERATOR = "giorgos.papadakis"
AUTHOR = "nadia.cherif"


def log(message: str) -> None:
    print(message, flush=True)


# Building ---------------------------------------------------------------------


def build(args):
    """Create the instance and generate the content; return the app."""
    app = bench_app("agora-bench-search-")
    with app.app_context():
        # Open the (empty) index now: opened later on a full database, it
        # would first be rebuilt in one process before we time anything.
        search.search_index()
        started = time.perf_counter()
        made = generator.generate(
            threads=args.threads,
            posts=args.posts,
            practices=args.practices,
            seed=args.seed,
        )
        seconds = time.perf_counter() - started
    log(
        f"Generated {made.practices:,} practices, {made.threads:,} threads and "
        f"{made.posts:,} posts in {seconds:.1f} s ({app.instance_path})."
    )
    return app


def reuse_app(folder: str):
    """Return an app on the instance an earlier run built (and indexed)."""
    app = create_app(
        {"INSTANCE_PATH": folder, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False}
    )
    log(f"Reusing {folder}.")
    return app


def read_documents(app) -> list:
    """Return every document the index should hold, read from the database."""
    with app.app_context():
        started = time.perf_counter()
        total = search.count_documents_to_index()
        done = [0]

        def progress(step: int) -> None:
            done[0] += step
            if done[0] % 5000 < step:
                log(f"  read {done[0]:,} / {total:,} practices and threads")

        # The same walk over the database as `flask forum reindex`.
        with Session(db.engine) as session:
            documents = list(search._all_documents(session, progress))
        seconds = time.perf_counter() - started
    log(f"Read {len(documents):,} documents from the database in {seconds:.1f} s.")
    return documents


# Reindexing -------------------------------------------------------------------


def time_rebuild(documents, folder: Path, *, procs: int, limitmb: int) -> dict:
    """Rebuild an index in `folder` from `documents`; return its figures.

    CPU seconds include the indexing processes'; the load average says how
    much else ran on the machine meanwhile.
    """
    index = SearchIndex.recreate(folder)
    cpu = _cpu_seconds()
    started = time.perf_counter()
    count = index.rebuild(documents, procs=procs, limitmb=limitmb)
    seconds = time.perf_counter() - started
    segments = segment_count(folder)
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "seconds": seconds,
        "cpu": _cpu_seconds() - cpu,
        "load": os.getloadavg()[0],
        "count": count,
        "segments": segments,
    }


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def segment_count(folder: Path) -> int:
    """Count an index's segments (one compound file each)."""
    return len(list(folder.glob("*.seg")))


def compare_rebuilds(documents, folder: Path, configurations, rounds: int = 1):
    """Time each (label, procs, limitmb) rebuild on the same documents.

    With several rounds, the configurations take turns and each keeps its
    fastest round: other programs on the machine slow runs down, never up.
    """
    best: dict[str, dict] = {}
    for round_number in range(1, rounds + 1):
        for label, procs, limitmb in configurations:
            log(f"  rebuilding (round {round_number}): {label} ...")
            row = time_rebuild(documents, folder, procs=procs, limitmb=limitmb)
            log(
                f"    {row['seconds']:.1f} s, {row['cpu']:.0f} CPU s, "
                f"load {row['load']:.1f}"
            )
            if label not in best or row["seconds"] < best[label]["seconds"]:
                best[label] = row
    plain = best[configurations[0][0]]["seconds"]
    print(
        f"\n{'rebuild (best of ' + str(rounds) + ')':44} {'seconds':>8} "
        f"{'docs/s':>8} {'CPU s':>7} {'segments':>8} {'ratio':>6}"
    )
    for label, *_ in configurations:
        row = best[label]
        print(
            f"{label:44} {row['seconds']:8.1f} {row['count'] / row['seconds']:8.0f} "
            f"{row['cpu']:7.0f} {row['segments']:8d} {plain / row['seconds']:6.2f}"
        )
    return best


def full_reindex(app, procs: int) -> float:
    """Run what `flask forum reindex` runs; return the seconds it took."""
    with app.app_context():
        started = time.perf_counter()
        count = search.rebuild_all(procs=procs)
        seconds = time.perf_counter() - started
    log(
        f"\nFull reindex (database to index, procs={procs}): {count:,} documents "
        f"in {seconds:.1f} s, {count / seconds:.0f} documents/s."
    )
    return seconds


# Searching --------------------------------------------------------------------


def api_path(text: str, filters: dict) -> str:
    return "/api/v1/search?" + urlencode({"q": text, **filters}, doseq=True)


def time_api(client, *, passes: int, profile: bool = False) -> tuple[dict, dict]:
    """Ask every query once (cold), then `passes` times more (warm).

    Return the figures of the first pass and of the others: the first time a
    process meets a word in a segment it reads its postings from disk.
    """
    totals, first, per_query = {}, [], {}
    for text, filters in QUERIES:
        started = time.perf_counter()
        response = client.get(api_path(text, filters))
        first.append((time.perf_counter() - started) * 1000)
        per_query[api_path(text, filters)] = [first[-1]]
        assert response.status_code == 200, (text, filters, response.status_code)
        totals[(text, tuple(filters.items()))] = response.get_json()["total"]
    cold = _figures(first, per_query, totals)
    profiler = cProfile.Profile() if profile else None
    timings, per_query = [], {}
    for _ in range(passes):
        for text, filters in QUERIES:
            path = api_path(text, filters)
            if profiler:
                profiler.enable()
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            if profiler:
                profiler.disable()
            assert response.status_code == 200, path
            timings.append(elapsed)
            per_query.setdefault(path, []).append(elapsed)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return cold, _figures(timings, per_query, totals)


def _figures(timings: list[float], per_query: dict, totals: dict) -> dict:
    timings = sorted(timings)
    slowest = sorted(
        ((statistics.median(times), path) for path, times in per_query.items()),
        reverse=True,
    )[:8]
    return {
        "median": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "max": timings[-1],
        "slowest": slowest,
        "hits": statistics.median(totals.values()),
        "empty": sum(1 for total in totals.values() if not total),
    }


def print_latency(label: str, figures: dict) -> None:
    verdict = (
        "ok"
        if figures["median"] < TARGET_MEDIAN_MS and figures["p95"] < TARGET_P95_MS
        else "MISS"
    )
    print(
        f"{label:44} median {figures['median']:6.1f} ms  p95 {figures['p95']:6.1f} ms"
        f"  max {figures['max']:6.1f} ms  (median {figures['hits']:,.0f} hits, "
        f"{figures['empty']} queries without) {verdict}"
    )


def print_slowest(figures: dict) -> None:
    for median, path in figures["slowest"]:
        print(f"    {median:7.1f} ms  {path}")


# The SQLite FTS5 reference ---------------------------------------------------


def build_fts(documents, path: Path) -> sqlite3.Connection:
    """Load the documents' text into an FTS5 table; print how long it took."""
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, body, kind UNINDEXED, "
        "country UNINDEXED, language UNINDEXED, themes UNINDEXED, "
        "actor_types UNINDEXED, tokenize='unicode61 remove_diacritics 2')"
    )
    started = time.perf_counter()
    connection.executemany(
        "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                "" if doc.kind == "post" else doc.title,
                doc.body,
                doc.kind,
                doc.country,
                doc.language,
                "," + ",".join(doc.themes) + ",",
                "," + ",".join(doc.actor_types) + ",",
            )
            for doc in documents
        ),
    )
    connection.commit()
    log(
        f"FTS5 table of {len(documents):,} documents built in "
        f"{time.perf_counter() - started:.1f} s."
    )
    return connection


def fts_query(text: str) -> str:
    """Turn a query of words and "phrases" into FTS5's syntax (all must match)."""
    parts, phrase = [], None
    for word in text.split():
        if phrase is not None:
            phrase.append(word)
            if word.endswith('"'):
                parts.append(" ".join(phrase))
                phrase = None
        elif word.startswith('"') and not (len(word) > 1 and word.endswith('"')):
            phrase = [word]
        else:
            parts.append('"' + word.strip('"') + '"')
    if phrase:
        parts.append(" ".join(phrase) + '"')
    return " ".join(parts)


FTS_FILTERS = {
    "type": ("kind = ?", lambda v: {"practices": "practice"}.get(v, v)),
    "country": ("country = ?", str.upper),
    "lang": ("language = ?", str),
    "theme": ("themes LIKE ?", lambda v: f"%,{v},%"),
    "actor_type": ("actor_types LIKE ?", lambda v: f"%,{v},%"),
}


def time_fts(connection, *, passes: int) -> dict:
    """Run the queries against FTS5: the first page by rank and the total."""
    timings, per_query, totals = [], {}, {}
    for pass_number in range(passes + 1):
        for text, filters in QUERIES:
            # No words: the filters alone, newest (last inserted) first.
            where, values, order = ["1"], [], "rowid DESC"
            if text.strip():
                where, values, order = ["docs MATCH ?"], [fts_query(text)], "rank"
            for name, value in filters.items():
                clause, convert = FTS_FILTERS[name]
                where.append(clause)
                values.append(convert(value))
            condition = " AND ".join(where)
            started = time.perf_counter()
            connection.execute(
                "SELECT rowid, title, snippet(docs, 1, '<mark>', '</mark>', ' … ', 24) "
                f"FROM docs WHERE {condition} ORDER BY {order} LIMIT 20",
                values,
            ).fetchall()
            total = connection.execute(
                f"SELECT count(*) FROM docs WHERE {condition}", values
            ).fetchone()[0]
            elapsed = (time.perf_counter() - started) * 1000
            if pass_number:  # the first pass warms the page cache
                timings.append(elapsed)
                per_query.setdefault(f"{text} {filters}", []).append(elapsed)
            totals[(text, tuple(filters.items()))] = total
    return _figures(timings, per_query, totals)


# Publish to searchable -------------------------------------------------------


def publish_to_searchable(app, rounds: int) -> list[float]:
    """Publish practices one by one; return the seconds until each is found."""
    seconds = []
    with app.app_context(), app.test_request_context():
        author = db.session.scalar(db.select(User).filter_by(username=AUTHOR))
        moderator = db.session.scalar(db.select(User).filter_by(username=MODERATOR))
        index = search.search_index()
        for number in range(rounds):
            word = f"benchmarkword{number}x{int(time.time())}"
            practice = practices.create_practice(author, _practice_data(word))
            practice_review.submit_practice(author, practice)
            started = time.perf_counter()
            practice_review.publish_practice(moderator, practice)
            while not index.search(word, per_page=1, facets=()).total:
                if time.perf_counter() - started > 30:
                    raise RuntimeError("a published practice was not found in 30 s")
                time.sleep(0.005)
            seconds.append(time.perf_counter() - started)
        current_app.logger.info("published %d practices", rounds)
    return seconds


def _practice_data(word: str) -> dict:
    return {
        "title": f"Shared cold room for fishers ({word})",
        "summary": "Fishers of the harbour share a cold room and sell together.",
        "sections": {
            "context": "Catches were sold at a loss on the quay every evening.",
            "actions": f"Twelve fishers built a shared cold room in 2021 ({word}).",
            "results": "Prices per kilo rose by 22 percent in the first year.",
        },
        "country": "MT",
        "place": "Marsaxlokk",
        "themes": ["agriculture-food"],
        "actor_types": ["sse_enterprise"],
        "language": "en",
        "start_year": 2021,
        "status": "ongoing",
        "organisation": "Marsaxlokk Fishers' Cooperative",
    }


# Main -------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--procs", type=int, default=2, help="for the full reindex")
    parser.add_argument("--passes", type=int, default=3, help="over the 200 queries")
    parser.add_argument("--publish-rounds", type=int, default=20)
    parser.add_argument(
        "--skip-compare", action="store_true", help="skip the rebuild comparison"
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="compare rebuilds even with --reuse",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="rebuild comparison rounds (best kept)"
    )
    parser.add_argument(
        "--parallel",
        type=int,
        nargs="+",
        default=[2, 3, 4],
        metavar="PROCS",
        help="the parallel rebuilds to compare with the plain writer",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the API")
    parser.add_argument(
        "--reuse",
        metavar="FOLDER",
        help="time the searches again on the instance of an earlier run "
        "(no generation, no rebuilds)",
    )
    parser.add_argument(
        "--optimise",
        action="store_true",
        help="also merge the index into one segment and time the queries again",
    )
    args = parser.parse_args()
    app = reuse_app(args.reuse) if args.reuse else build(args)
    documents = read_documents(app)
    folder = Path(app.instance_path) / "rebuild-comparison"
    if args.compare or not (args.skip_compare or args.reuse):
        compare_rebuilds(
            documents,
            folder,
            [
                ("plain writer (procs=1, limitmb=128)", 1, 128),
                *(
                    (f"parallel, procs={procs}, limitmb=256", procs, 256)
                    for procs in args.parallel
                ),
            ],
            rounds=args.rounds,
        )
    with app.app_context():
        indexed = segment_count(Path(current_app.config["SEARCH_INDEX_DIR"]))
    if not (args.reuse and indexed):
        full_reindex(app, args.procs)
    client = app.test_client()
    print(f"\n{len(QUERIES)} queries: a first (cold) pass, then {args.passes} more:")
    with app.app_context():
        segments = segment_count(Path(current_app.config["SEARCH_INDEX_DIR"]))
    cold, warm = time_api(client, passes=args.passes, profile=args.profile)
    print_latency(f"/api/v1/search, {segments} segments, cold", cold)
    print_slowest(cold)
    print_latency(f"/api/v1/search, {segments} segments, warm", warm)
    print_slowest(warm)
    if args.optimise:
        with app.app_context():
            started = time.perf_counter()
            search.search_index().optimise()
            log(f"optimise(): {time.perf_counter() - started:.1f} s")
        cold, warm = time_api(client, passes=args.passes)
        print_latency("/api/v1/search, optimised (1 segment), cold", cold)
        print_latency("/api/v1/search, optimised (1 segment), warm", warm)
        print_slowest(warm)
    fts = build_fts(documents, Path(app.instance_path) / "fts.db")
    reference = time_fts(fts, passes=args.passes)
    print_latency("SQLite FTS5 (first 20 by rank + count)", reference)
    print_slowest(reference)
    seconds = sorted(publish_to_searchable(app, args.publish_rounds))
    print(
        f"\nPublish to searchable ({len(seconds)} practices): median "
        f"{statistics.median(seconds) * 1000:.0f} ms, max {seconds[-1] * 1000:.0f} ms "
        f"(target under {PUBLISH_TARGET_S * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
