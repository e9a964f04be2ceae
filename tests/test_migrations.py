"""The schema is built only by migrations, and they match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from forum import create_app
from forum.extensions import db
from tests.conftest import TEST_DATABASE_URL, empty_database_uri


@pytest.fixture
def empty_app(tmp_path):
    """An application on an empty database (SQLite, or PostgreSQL when asked)."""
    with empty_database_uri(tmp_path) as uri:
        app = create_app(
            {
                "CONFIG_NAME": "testing",
                "INSTANCE_PATH": str(tmp_path / "instance"),
                "SECRET_KEY": "migration-test",
                "SQLALCHEMY_DATABASE_URI": uri,
            }
        )
        yield app
        with app.app_context():
            db.engine.dispose()


def _differences(app) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts=app.extensions["migrate"].configure_args
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_database_matches_models(empty_app):
    with empty_app.app_context():
        assert inspect(db.engine).get_table_names() == []
        upgrade()
        assert "users" in inspect(db.engine).get_table_names()
        assert _differences(empty_app) == []


def test_downgrade_to_base_removes_every_table(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_constraint_names_follow_the_naming_convention(empty_app):
    with empty_app.app_context():
        upgrade()
        foreign_keys = inspect(db.engine).get_foreign_keys("users")
        assert [fk["name"] for fk in foreign_keys] == [
            "fk_users_country_code_countries"
        ]


def test_connections_enforce_foreign_keys(app):
    with db.engine.connect() as connection, pytest.raises(IntegrityError):
        connection.execute(
            text(
                "INSERT INTO thread_themes (thread_id, theme_slug)"
                " VALUES (999999, 'no-such-theme')"
            )
        )


@pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="SQLite pragmas; PostgreSQL has no such settings"
)
def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
