"""The PostgreSQL search index living in the application's own database."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade

from forum import create_app
from forum.extensions import db
from forum.services import search
from forum.services.reference import seed_reference_data
from search_index.postgres import PostgresSearchIndex
from tests.forum.factories import make_thread
from tests.search_index.backends import index_database
from tests.services_available import requires_postgres


@pytest.fixture(autouse=True)
def _close_search_index():
    """This module makes its own app (no `app` fixture to clean up)."""
    yield


@requires_postgres
def test_index_in_the_app_database_leaves_migrations_clean(tmp_path):
    with index_database() as url:
        app = create_app(
            {
                "CONFIG_NAME": "testing",
                "INSTANCE_PATH": str(tmp_path / "instance"),
                "SECRET_KEY": "tests-only",
                "SQLALCHEMY_DATABASE_URI": url.replace(
                    "postgresql://", "postgresql+psycopg://", 1
                ),
                "SEARCH_BACKEND": "postgres",
                "POSTS_NEEDING_APPROVAL": 0,
                "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
            }
        )
        with app.app_context():
            upgrade()
            seed_reference_data()
            index = search.search_index()
            assert isinstance(index, PostgresSearchIndex)
            assert search.search_database_url() == url
            thread = make_thread(body="Cork oak cooperatives of Kroumirie.")
            found = index.search("kroumirie")
            assert [hit.doc_id for hit in found.hits] == [f"thread:{thread.id}"]
            result = app.test_cli_runner().invoke(args=["db", "check"])
            assert result.exit_code == 0, result.output
            index.close()
            db.session.remove()
            db.engine.dispose()
