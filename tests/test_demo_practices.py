"""The demo good practices that `flask forum seed-demo` adds."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum import create_app
from forum.extensions import db
from forum.models import (
    SECTIONS,
    Practice,
    PracticeAdoption,
    PracticeRevision,
    PracticeState,
    Thread,
    User,
)
from forum.services import practice_review
from forum.services.demo_practices import demo_items
from tests.conftest import _test_config, fresh_database_uri
from tests.factories import fresh_session


def forum(runner, *args):
    result = runner.invoke(args=["forum", *args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, migrated_database) -> Iterator[tuple[Path, str]]:
    """A database and index where `seed-demo` ran once (shared: seeding takes time).

    Yield the app's folder (with the index) and the database URI.
    """
    folder = tmp_path_factory.mktemp("seeded-practices")
    with fresh_database_uri(migrated_database, folder) as uri:
        app = create_app(_test_config(folder, uri))
        with app.app_context():
            result = forum(app.test_cli_runner(), "seed-demo")
            db.session.remove()
            db.engine.dispose()
        published = sum(
            1 + len(item.get("translations", []))
            for item in demo_items()
            if item.get("state", "published") == "published"
        )
        assert f"Added {published + 3} demo practices." in result.output
        yield folder, uri


@pytest.fixture
def app_config(tmp_path, seeded) -> Iterator[dict]:
    """Each test works on its own copy of the seeded database and index."""
    folder, seeded_uri = seeded
    shutil.copytree(folder / "search-index", tmp_path / "seeded-index")
    with fresh_database_uri(seeded_uri, tmp_path) as uri:
        yield {
            "SQLALCHEMY_DATABASE_URI": uri,
            "SEARCH_INDEX_DIR": str(tmp_path / "seeded-index"),
        }


def published() -> list[Practice]:
    return list(
        fresh_session().scalars(
            select(Practice).where(Practice.state == PracticeState.PUBLISHED)
        )
    )


def search(client, **args) -> dict:
    response = client.get("/api/v1/search", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_seed_demo_publishes_forty_complete_practices(app):
    practices = published()
    assert len(practices) >= 40
    assert {"en", "fr", "ar", "es", "it"} <= {p.language for p in practices}
    assert len({p.country_code for p in practices}) >= 12
    assert len({slug for p in practices for slug in p.theme_slugs}) == 12
    for practice in practices:
        assert 0 < len(practice.summary) <= 500, practice.title
        for name in SECTIONS:
            assert practice.sections[name], (practice.title, name)
            assert practice.sections_html[name].startswith("<p>"), practice.title
        assert practice.organisation and practice.start_year
        assert all(link.startswith("https://") for link in practice.links)
        assert all(".example" in link for link in practice.links)


def test_demo_practices_went_through_review(app):
    session = fresh_session()
    for practice in published():
        assert practice.reviewed_by_id and practice.reviewed_by_id != practice.author_id
        assert practice.thread_id, practice.title
        assert session.scalar(
            select(func.count(PracticeRevision.id)).where(
                PracticeRevision.practice_id == practice.id
            )
        )
    # Translations share the discussion of their original.
    for practice in published():
        if practice.original_id:
            original = session.get(Practice, practice.original_id)
            assert practice.thread_id == original.thread_id


def test_demo_has_translations_adoptions_and_featured_practices(app):
    practices = published()
    translations = [p for p in practices if p.original_id]
    assert len(translations) >= 6
    pairs = {
        (fresh_session().get(Practice, p.original_id).language, p.language)
        for p in translations
    }
    assert {("ar", "fr"), ("fr", "en")} <= pairs
    session = fresh_session()
    adopted = session.scalar(
        select(func.count(func.distinct(PracticeAdoption.practice_id)))
    )
    assert adopted >= 10
    notes = session.scalars(select(PracticeAdoption.note)).all()
    assert all(notes) and any("تعاونية" in note for note in notes)
    assert 3 <= sum(p.featured for p in practices) <= 8


def test_demo_leaves_the_review_queue_and_a_draft(app):
    session = fresh_session()
    states = session.scalars(select(Practice.state)).all()
    assert states.count(PracticeState.SUBMITTED) >= 2
    assert states.count(PracticeState.DRAFT) == 1
    waiting = session.scalars(
        select(Practice.id).where(Practice.state == PracticeState.SUBMITTED)
    ).all()
    everywhere = session.scalar(
        select(User).where(User.username == "giorgos.papadakis")
    )
    queue = practice_review.review_queue(everywhere)
    assert set(waiting) <= {practice.id for practice in queue}


def test_demo_practices_are_dated_over_months_with_their_discussions(app):
    practices = published()
    dates = sorted(p.published_at for p in practices)
    assert (dates[-1] - dates[0]).days >= 300
    session = fresh_session()
    for practice in practices:
        thread = session.get(Thread, practice.thread_id)
        assert thread.created_at <= practice.published_at or practice.original_id
        assert practice.created_at < practice.published_at


def test_demo_practices_are_found_in_their_languages(client):
    # A French word typed without its accents finds a French practice.
    found = search(client, q="epicerie solidaire", type="practices")
    assert any(
        "épicerie solidaire" in hit["title"].lower() for hit in found["results"]
    ), found
    # An Arabic word finds the Arabic practice (and its translation's original).
    found = search(client, q="البلاستيك", type="practices")
    assert any("الزرقاء" in hit["title"] for hit in found["results"]), found
    # Stemmed: "cooperativas" finds Spanish and Italian text about cooperatives.
    found = search(client, q="cooperativas", lang="es")
    assert found["total"] >= 1
    assert search(client, q="honey", type="practices")["total"] >= 1


def test_demo_drafts_and_submissions_are_not_searchable(client):
    assert search(client, q="Troodos")["total"] == 0
    assert search(client, q="toolkit")["total"] == 0


def test_demo_practice_pages_show(client):
    practice = fresh_session().scalar(
        select(Practice).where(
            Practice.language == "ar", Practice.state == PracticeState.PUBLISHED
        )
    )
    page = client.get(f"/practices/{practice.id}")
    assert page.status_code == 200
    assert practice.title in page.get_data(as_text=True)


def test_seed_demo_twice_adds_no_practice(runner):
    session = fresh_session()
    before = (
        session.scalar(select(func.count(Practice.id))),
        session.scalar(select(func.count(PracticeAdoption.id))),
        session.scalar(select(func.count(Thread.id))),
    )
    again = forum(runner, "seed-demo")
    assert "Added 0 demo practices." in again.output
    session = fresh_session()
    assert (
        session.scalar(select(func.count(Practice.id))),
        session.scalar(select(func.count(PracticeAdoption.id))),
        session.scalar(select(func.count(Thread.id))),
    ) == before
