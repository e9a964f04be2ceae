"""`flask forum seed-demo` discussions and `flask forum generate`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text

from forum import create_app
from forum.extensions import db
from forum.models import AuditEntry, Post, PostReaction, Thread, User
from forum.models.threads import path_segment
from forum.services.reference import DATA_DIR
from forum.services.visibility import public_posts
from tests.conftest import _test_config, fresh_database_uri
from tests.factories import fresh_session
from tests.postgres_databases import analysed_tables

DEMO_THREADS = DATA_DIR / "demo_threads.json"


def forum(runner, *args):
    result = runner.invoke(args=["forum", *args])
    assert result.exit_code == 0, result.output
    return result


def count(model) -> int:
    return fresh_session().scalar(select(func.count()).select_from(model))


@pytest.fixture(scope="module")
def seeded_database(tmp_path_factory, migrated_database) -> Iterator[tuple[Path, str]]:
    """A database where `seed-demo` ran once (seeding takes seconds: share it).

    Yield the app's folder and the database URI.
    """
    folder = tmp_path_factory.mktemp("seeded")
    with fresh_database_uri(migrated_database, folder) as uri:
        app = create_app(_test_config(folder, uri))
        with app.app_context():
            result = forum(app.test_cli_runner(), "seed-demo")
            db.session.remove()
            db.engine.dispose()
        assert "Added 40 demo discussions." in result.output
        yield folder, uri


class TestSeedDemo:
    """The demo discussions, on a copy of the seeded database for each test."""

    @pytest.fixture
    def app_config(self, tmp_path, seeded_database) -> Iterator[dict]:
        _, seeded_uri = seeded_database
        with fresh_database_uri(seeded_uri, tmp_path) as uri:
            yield {"SQLALCHEMY_DATABASE_URI": uri}

    def test_seed_demo_adds_discussions_across_countries_and_languages(self, app):
        # The demo discussions; practices and workshops open threads of their own.
        titles = [item["title"] for item in json.loads(DEMO_THREADS.read_text())]
        threads = list(
            fresh_session().scalars(select(Thread).filter(Thread.title.in_(titles)))
        )
        assert len(threads) >= 30
        assert len({thread.country_code for thread in threads}) >= 8
        assert {"en", "fr", "ar", "es", "it"} <= {thread.language for thread in threads}
        assert len({slug for thread in threads for slug in thread.theme_slugs}) == 12
        assert all(thread.is_public and thread.reply_count > 0 for thread in threads)

    def test_seed_demo_builds_nested_replies_with_mentions_and_tables(self, app):
        session = fresh_session()
        assert session.scalar(select(func.max(Post.depth))) >= 2
        nested = session.scalars(select(Post).where(Post.depth >= 2)).all()
        for post in nested:
            parent = session.get(Post, post.parent_id)
            assert post.path.startswith(parent.path + "/")
        assert session.scalar(
            select(func.count(Post.id)).where(
                Post.body_html.contains('class="mention"')
            )
        )
        assert session.scalar(
            select(func.count(Post.id)).where(Post.body_html.contains("<table>"))
        )
        assert session.scalar(
            select(func.count(Post.id)).where(Post.body_html.contains("<blockquote>"))
        )

    def test_seed_demo_curates_some_threads(self, app):
        session = fresh_session()
        answered = session.scalar(
            select(Thread).where(Thread.accepted_post_id.is_not(None))
        )
        answer = session.get(Post, answered.accepted_post_id)
        assert answer.thread_id == answered.id and not answer.is_first
        locked = session.scalar(select(Thread).where(Thread.locked.is_(True)))
        assert locked.lock_reason
        assert session.scalar(select(func.count()).where(Thread.pinned.is_(True))) == 1
        assert (
            session.scalar(select(func.count()).where(Thread.featured.is_(True))) == 2
        )
        assert count(PostReaction) > 0
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "thread.lock")
        )
        assert (entry.target_id, entry.reason) == (str(locked.id), locked.lock_reason)

    def test_seed_demo_spreads_discussions_over_months(self, app):
        session = fresh_session()
        oldest, newest = session.execute(
            select(func.min(Thread.created_at), func.max(Thread.created_at))
        ).one()
        assert (newest - oldest).days >= 90
        for thread in session.scalars(select(Thread)):
            latest = session.scalar(
                select(func.max(Post.created_at)).where(Post.thread_id == thread.id)
            )
            assert thread.created_at <= thread.last_activity_at
            assert thread.last_activity_at.replace(tzinfo=None) == latest.replace(
                tzinfo=None
            )

    def test_seed_demo_pages_show_the_discussions(self, client):
        thread = fresh_session().scalar(
            select(Thread).where(Thread.accepted_post_id.is_not(None))
        )
        page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
        assert thread.title in page
        home = client.get("/").get_data(as_text=True)
        assert "Welcome to Agora" in home or "Microcrédit" in home

    def test_seed_demo_twice_adds_nothing_twice(self, runner):
        threads, posts, reactions = count(Thread), count(Post), count(PostReaction)
        again = forum(runner, "seed-demo")
        assert "Added 0 demo discussions." in again.output
        assert (count(Thread), count(Post), count(PostReaction)) == (
            threads,
            posts,
            reactions,
        )

    def test_seed_demo_mails_nobody_and_keeps_mail_settings(self, app, seeded_database):
        folder, _ = seeded_database
        assert not (folder / "outbox").exists()
        settings = set(fresh_session().scalars(select(User.email_notifications)))
        assert settings == {"immediate"}


# generate ---------------------------------------------------------------------


def _snapshot() -> dict:
    session = fresh_session()
    threads = session.scalars(select(Thread).order_by(Thread.id)).all()
    return {
        "threads": [
            (t.title, t.country_code, t.language, t.theme_slugs, t.reply_count)
            for t in threads
        ],
        "posts": session.execute(
            select(Post.thread_id, Post.parent_id, Post.depth, Post.path).order_by(
                Post.id
            )
        ).all(),
    }


@pytest.fixture
def other_app(tmp_path, migrated_database):
    """A second application on its own fresh copy of the migrated database."""
    folder = tmp_path / "other"
    folder.mkdir()
    with fresh_database_uri(migrated_database, folder) as uri:
        other = create_app(_test_config(folder, uri))
        yield other
        with other.app_context():
            db.engine.dispose()


GENERATE = ("generate", "--threads", "25", "--posts", "300", "--seed", "7")


def test_generate_is_deterministic_for_a_seed(runner, other_app):
    forum(runner, *GENERATE, "--big-thread", "40")
    first = _snapshot()
    with other_app.app_context():
        forum(other_app.test_cli_runner(), *GENERATE, "--big-thread", "40")
        second = _snapshot()
        db.session.remove()
        db.engine.dispose()
    assert first == second
    assert len(first["threads"]) == 25 and len(first["posts"]) == 300


def test_generate_with_another_seed_differs(runner):
    forum(runner, *GENERATE)
    first = _snapshot()["threads"]
    forum(runner, "generate", "--threads", "25", "--posts", "300", "--seed", "8")
    second = _snapshot()["threads"][25:]
    assert [t[0] for t in first] != [t[0] for t in second]


def test_generated_forum_is_consistent(runner):
    result = forum(runner, *GENERATE, "--big-thread", "40")
    assert "Added 25 threads, 300 posts" in result.output
    session = fresh_session()
    for thread in session.scalars(select(Thread)):
        public_replies = session.scalar(
            select(func.count(Post.id)).where(
                Post.thread_id == thread.id, Post.is_first.is_(False), public_posts()
            )
        )
        assert thread.reply_count == public_replies, thread.id
        assert thread.created_at <= thread.last_activity_at
        assert 1 <= len(thread.theme_slugs) <= 3
    posts = {post.id: post for post in session.scalars(select(Post))}
    for post in posts.values():
        if post.parent_id is None:
            assert post.path == path_segment(post.id)
            assert post.depth == 0
        else:
            parent = posts[post.parent_id]
            assert parent.thread_id == post.thread_id
            assert post.path == parent.path + "/" + path_segment(post.id)
            assert post.depth == parent.depth + 1
            assert parent.created_at <= post.created_at
    first = session.scalar(select(func.min(Thread.id)))
    assert session.scalar(select(func.count()).where(Post.thread_id == first)) == 40
    assert session.scalar(select(func.max(Post.depth))) >= 2


def test_generate_gives_postgresql_statistics_of_its_rows(runner, app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite plans from its indexes alone")
    with db.engine.connect() as connection:
        started = connection.scalar(text("SELECT clock_timestamp()"))
    forum(runner, *GENERATE)
    assert {"threads", "posts", "thread_themes"} <= analysed_tables(db.engine, started)


def test_generated_threads_show_as_pages(runner, client):
    forum(runner, *GENERATE, "--big-thread", "40")
    thread = fresh_session().scalar(select(Thread).order_by(Thread.id))
    page = client.get(f"/threads/{thread.id}")
    assert page.status_code == 200
    assert thread.title in page.get_data(as_text=True)
    assert client.get(f"/c/{thread.country_code}").status_code == 200


def _query_plans(client, paths: list[str]) -> list[str]:
    """Return the database's plan for every SELECT the pages at `paths` run.

    On PostgreSQL, sequential scans are priced out, so a plan names one only
    where no index can serve the query (the tables here are too small for
    the planner to prefer an index by itself).
    """
    selects = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        for path in paths:
            assert client.get(path).status_code == 200, path
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")
            explain, column = "EXPLAIN ", 0
        else:
            explain, column = "EXPLAIN QUERY PLAN ", 3
        return [
            " ".join(
                row[column]
                for row in connection.exec_driver_sql(explain + statement, parameters)
            )
            for statement, parameters in selects
        ]


def test_thread_page_never_scans_a_whole_table(app, runner, client, member, auth):
    forum(runner, *GENERATE, "--big-thread", "120")
    first = fresh_session().scalar(select(func.min(Thread.id)))
    paths = [f"/threads/{first}?page=2", f"/threads/{first}?view=flat&page=2"]
    plans = _query_plans(client, paths)
    auth.login(member.email)
    plans += _query_plans(client, paths)
    for plan in plans:
        # A whole-table pass costs tens of ms at 20,000 threads (bench/forum.py).
        assert "MATERIALIZE" not in plan, plan
        for table in ("threads", "posts", "thread_themes"):
            assert f"SCAN {table}" not in plan, plan  # SQLite
            assert f"Seq Scan on {table} " not in plan + " ", plan  # PostgreSQL


def test_generate_refuses_fewer_posts_than_threads(runner):
    result = runner.invoke(
        args=["forum", "generate", "--threads", "10", "--posts", "5"]
    )
    assert result.exit_code != 0
    assert "posts >= threads" in result.output
    assert count(Thread) == 0
