"""The schema is built only by migrations, and they match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from forum import create_app
from forum.extensions import db


def _empty_app(tmp_path):
    return create_app(
        {
            "CONFIG_NAME": "testing",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "migration-test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}",
        }
    )


def _differences(app) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts=app.extensions["migrate"].configure_args
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_database_matches_models(tmp_path):
    app = _empty_app(tmp_path)
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        upgrade()
        assert "users" in inspect(db.engine).get_table_names()
        assert _differences(app) == []
        db.engine.dispose()


def test_downgrade_to_base_removes_every_table(tmp_path):
    app = _empty_app(tmp_path)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_constraint_names_follow_the_naming_convention(tmp_path):
    app = _empty_app(tmp_path)
    with app.app_context():
        upgrade()
        foreign_keys = inspect(db.engine).get_foreign_keys("users")
        assert [fk["name"] for fk in foreign_keys] == [
            "fk_users_country_code_countries"
        ]
        db.engine.dispose()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
