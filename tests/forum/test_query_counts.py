"""Point 11: the pages that matter run a fixed, small number of SQL statements."""

from __future__ import annotations

import random
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from forum.extensions import db
from tests.forum.factories import make_reply, make_thread, old_member

MAX_QUERIES = 10


@contextmanager
def counting_queries():
    """Collect the SQL statements the engine runs meanwhile."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def queries_for(client, path: str) -> list[str]:
    client.get(path)  # warm up: caches, the member's last-seen time
    with counting_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return statements


def build_tree(replies: int, authors: int = 15):
    """A thread whose replies answer random earlier posts, by varied authors."""
    chooser = random.Random(replies)
    people = [old_member() for _ in range(authors)]
    thread = make_thread(people[0])
    posts = []
    for n in range(replies):
        parent = chooser.choice([None, *posts[-10:]]) if posts else None
        posts.append(make_reply(thread, people[n % authors], to=parent))
    return thread


@pytest.fixture
def reader(browser):
    """A logged-in member's browser."""
    return browser(old_member().email)


def thread_page_counts(client, thread) -> list[int]:
    paths = [
        f"/threads/{thread.id}",
        f"/threads/{thread.id}?page=2",
        f"/threads/{thread.id}?view=flat",
        f"/threads/{thread.id}?view=flat&page=2",
    ]
    return [len(queries_for(client, path)) for path in paths]


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_thread_page_queries_are_few_and_do_not_grow_with_replies(client, reader, who):
    browser = client if who == "visitor" else reader
    small, large = build_tree(20), build_tree(120)
    assert db.session.get(type(large), large.id).reply_count == 120

    counts_small = thread_page_counts(browser, small)
    counts_large = thread_page_counts(browser, large)

    assert max(counts_large) <= MAX_QUERIES, counts_large
    # Page 2 of the small thread is empty; compare the pages that show posts.
    assert counts_large[0] == counts_small[0]
    assert counts_large[2] == counts_small[2]


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_listing_and_home_queries_do_not_grow_with_threads(client, reader, who):
    browser = client if who == "visitor" else reader
    paths = ["/", "/c/TN", "/t/social-finance", "/c/TN/t/social-finance"]
    make_thread(themes=("social-finance", "digital"), featured=True)
    few = [len(queries_for(browser, path)) for path in paths]
    for n in range(29):
        thread = make_thread(
            old_member(),
            country=["TN", "MA", "EG"][n % 3],
            themes=("social-finance", "digital") if n % 2 else ("social-finance",),
            pinned=n == 5,
            featured=n % 4 == 0,
        )
        make_reply(thread)
    many = [len(queries_for(browser, path)) for path in paths]
    assert max(many) <= MAX_QUERIES, many
    assert many == few
