"""`flask forum generate --practices N`: many published practices, deterministic."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum import create_app
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import (
    SECTIONS,
    Practice,
    PracticeRevision,
    PracticeState,
    Thread,
    practice_themes,
)
from forum.services.generator_practices import LANGUAGE_WEIGHTS
from search_index import STEMMERS
from tests.conftest import _test_config, fresh_database_uri
from tests.factories import fresh_session

GENERATE = ("generate", "--practices", "60", "--seed", "3")


def forum(runner, *args):
    result = runner.invoke(args=["forum", *args])
    assert result.exit_code == 0, result.output
    return result


def practices_snapshot() -> list[tuple]:
    session = fresh_session()
    return [
        (p.title, p.language, p.country_code, p.theme_slugs, p.sections["results"])
        for p in session.scalars(select(Practice).order_by(Practice.id))
    ]


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


def test_generate_practices_is_deterministic(runner, other_app):
    result = forum(runner, *GENERATE)
    assert "Added 60 published practices" in result.output
    assert "forum reindex" in result.output
    first = practices_snapshot()
    with other_app.app_context():
        forum(other_app.test_cli_runner(), *GENERATE)
        second = practices_snapshot()
        db.session.remove()
        db.engine.dispose()
    assert first == second
    assert len(first) == 60 and len({title for title, *_ in first}) > 50


def test_another_seed_gives_other_practices(runner):
    forum(runner, *GENERATE)
    forum(runner, "generate", "--practices", "60", "--seed", "4")
    titles = [row[0] for row in practices_snapshot()]
    assert titles[:60] != titles[60:]


def test_generated_practices_are_complete_and_valid(runner):
    forum(runner, "generate", "--practices", "200", "--seed", "5")
    session = fresh_session()
    practices = session.scalars(select(Practice)).all()
    assert len(practices) == 200
    # Every language the analysers stem is written in.
    assert {p.language for p in practices} == set(LANGUAGE_WEIGHTS)
    assert set(LANGUAGE_WEIGHTS) <= set(STEMMERS)
    assert len({p.country_code for p in practices}) >= 10
    for practice in practices:
        assert practice.state == PracticeState.PUBLISHED
        assert practice.published_at and practice.created_at < practice.published_at
        assert 1 <= len(practice.theme_slugs) <= 3 and practice.actor_types
        assert 0 < len(practice.summary) <= 500 and len(practice.title) <= 200
        for name in SECTIONS:
            markdown = practice.sections[name]
            assert markdown and practice.sections_html[name] == render_markdown(
                markdown
            )
        if practice.end_year:
            assert practice.end_year >= practice.start_year
    revisions = session.scalar(select(func.count(PracticeRevision.id)))
    assert revisions == 200
    assert session.scalar(select(func.count()).select_from(practice_themes)) >= 200
    # Generated practices open no discussion (threads are generated apart).
    assert session.scalar(select(func.count(Thread.id))) == 0


def test_generated_practices_show_and_are_found_after_reindex(runner, client):
    forum(runner, *GENERATE)
    practice = fresh_session().scalar(select(Practice).where(Practice.language == "fr"))
    page = client.get(f"/practices/{practice.id}")
    assert page.status_code == 200 and practice.title in page.get_data(as_text=True)
    forum(runner, "reindex")
    # Words of several languages' vocabularies, French ones without accents.
    for word in ("cooperative", "cooperativa", "economie", "تعاونية"):
        body = api_search(client, q=word)
        assert body["total"] >= 1, word
    # Each practice is found by its own title, as a phrase.
    phrase = '"' + practice.title.replace(":", " ") + '"'
    found = api_search(client, q=phrase, type="practices")
    assert practice.id in {hit["id"] for hit in found["results"]}


def api_search(client, **args) -> dict:
    response = client.get("/api/v1/search", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_generate_practices_with_threads_and_posts(runner):
    result = forum(
        runner, "generate", "--practices", "5", "--threads", "4", "--posts", "20"
    )
    assert "Added 4 threads, 20 posts" in result.output
    assert "Added 5 published practices" in result.output
    session = fresh_session()
    assert session.scalar(select(func.count(Practice.id))) == 5
    assert session.scalar(select(func.count(Thread.id))) == 4


def test_generate_needs_something_to_make(runner):
    result = runner.invoke(args=["forum", "generate"])
    assert result.exit_code != 0
    assert "at least one thread or one practice" in result.output
    result = runner.invoke(args=["forum", "generate", "--posts", "10"])
    assert result.exit_code != 0
