"""Server time and SQL queries of the forum's pages on a large forum (in-process).

Builds a temporary SQLite instance with 20,000 threads and 300,000 posts (one
thread of 1,000 posts), then requests the home page, the busiest country+theme
listing and the 1,000-post thread with Flask's test client, as a visitor, as
a logged-in member and as a moderator of three countries.

Run: .venv/bin/python bench/forum.py [--threads N --posts M --runs R] [--postgres]

With --postgres the forum lives in a new PostgreSQL database on
127.0.0.1:5432 (FORUM_BENCH_ADMIN_URL), dropped at the end.

The home page's counts are cached per process for ACTIVITY_CACHE_SECONDS, so
after the first request it shows the cached path; `--no-cache` sets the cache
to 0 s to show the cost of counting on every request.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from bench.databases import postgres_database  # noqa: E402
from bench.measure import bench_app, measure, print_table  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Thread, thread_themes  # noqa: E402
from forum.services import demo, generator  # noqa: E402
from forum.services.visibility import public_threads  # noqa: E402

# FlaskBB answers its 1,000-post topic page in about 85 ms (issue 3).
FLASKBB_THREAD_MS = 85.0
MAX_QUERIES = 10
THREAD_TARGET_MS = 30.0
LISTING_TARGET_MS = 20.0
MEMBER = "nadia.cherif@panierdesquartiers.example"
# A moderator's pages also count what waits in their review queue.
MODERATOR = "rania.haddad@cedarlab.example"


def build(args, database_uri: str | None) -> tuple:
    """Create the instance and the large forum; return the app and its numbers."""
    app = bench_app("agora-bench-forum-", database_uri)
    with app.app_context():
        started = time.perf_counter()
        made = generator.generate(
            threads=args.threads,
            posts=args.posts,
            seed=args.seed,
            big_thread=args.big_thread,
        )
        seconds = time.perf_counter() - started
        if args.no_cache:
            app.config["ACTIVITY_CACHE_SECONDS"] = 0
        country, theme = busiest_combination()
        password = demo.demo_password()
    print(
        f"Generated {made.threads} threads and {made.posts} posts in {seconds:.1f} s "
        f"({app.instance_path})."
    )
    return app, made.first_thread_id, country, theme, password


def busiest_combination() -> tuple[str, str]:
    """Return the country and theme that hold the most public threads."""
    count = func.count(Thread.id)
    return db.session.execute(
        select(Thread.country_code, thread_themes.c.theme_slug)
        .join(thread_themes, thread_themes.c.thread_id == Thread.id)
        .where(public_threads())
        .group_by(Thread.country_code, thread_themes.c.theme_slug)
        .order_by(count.desc())
        .limit(1)
    ).one()


def pages(thread_id: int, country: str, theme: str, big_thread: int) -> list[tuple]:
    """Return (label, path, target ms) for every page measured."""
    middle = max(1, big_thread // 50 // 2)
    thread = f"/threads/{thread_id}"
    return [
        ("home", "/", LISTING_TARGET_MS),
        (f"listing {country}+{theme}", f"/c/{country}/t/{theme}", LISTING_TARGET_MS),
        (f"listing {country}", f"/c/{country}", LISTING_TARGET_MS),
        (f"listing {theme}", f"/t/{theme}", LISTING_TARGET_MS),
        ("thread, tree, page 1", thread, THREAD_TARGET_MS),
        (f"thread, tree, page {middle}", f"{thread}?page={middle}", THREAD_TARGET_MS),
        ("thread, flat, page 1", f"{thread}?view=flat", THREAD_TARGET_MS),
        (
            f"thread, flat, page {middle}",
            f"{thread}?view=flat&page={middle}",
            THREAD_TARGET_MS,
        ),
    ]


def run(client, who: str, targets: list[tuple], runs: int) -> list[dict]:
    rows = []
    for label, path, target in targets:
        row = measure(client, path, runs=runs)
        row.update(label=f"{who}: {label}", target_ms=target, query_target=MAX_QUERIES)
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=300_000)
    parser.add_argument("--big-thread", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="count the home page's matrix on every request",
    )
    parser.add_argument(
        "--postgres", action="store_true", help="a PostgreSQL database, not SQLite"
    )
    args = parser.parse_args()
    if args.postgres:
        with postgres_database("forum") as url:
            measure_pages(args, url)
    else:
        measure_pages(args, None)


def measure_pages(args, database_uri: str | None) -> None:
    """Build the forum, then time every page as a visitor and as a member."""
    app, thread_id, country, theme, password = build(args, database_uri)
    targets = pages(thread_id, country, theme, args.big_thread)
    visitor = app.test_client()
    rows = run(visitor, "visitor", targets, args.runs)
    for who, email in [("member", MEMBER), ("moderator", MODERATOR)]:
        client = app.test_client()
        login = {"email": email, "password": password}
        response = client.post("/auth/login", data=login)
        assert response.status_code == 302, f"the {who} could not log in"
        rows += run(client, who, targets, args.runs)
    print_table(rows)
    for row in (row for row in rows if "thread," in row["label"]):
        print(
            f"{row['label']}: {row['median_ms']:.1f} ms median, "
            f"{FLASKBB_THREAD_MS / row['median_ms']:.1f}x faster than FlaskBB's "
            f"{FLASKBB_THREAD_MS:.0f} ms"
        )


if __name__ == "__main__":
    main()
