"""The world of the access tests: one app on its own SQLite file per module.

The snapshot and restore between requests copy SQLite pages, so this suite
always runs on SQLite, even when FORUM_TEST_DATABASE_URL names a PostgreSQL
server: who may do what is decided in the services, not by the engine.
"""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import make_url

from forum import create_app
from forum.extensions import db
from tests.access.roles import build_world
from tests.access.world import World
from tests.conftest import _test_config, migrate_and_seed

WORLD_CONFIG = {
    # Every post of the world is published at once; approval has its own rows.
    "POSTS_NEEDING_APPROVAL": 0,
    # Nine roles log in from one address; the login limit is tested elsewhere.
    "RATELIMIT_LOGIN": "1000 per minute",
}


def _sqlite_copy(template_uri: str, folder) -> str:
    """Return the URI of a migrated SQLite database of our own."""
    database = folder / "access.db"
    if template_uri.startswith("sqlite"):
        shutil.copy(make_url(template_uri).database, database)
        return f"sqlite:///{database}"
    uri = f"sqlite:///{database}"
    migrate_and_seed(folder, uri)
    return uri


@pytest.fixture(scope="module")
def world(tmp_path_factory, migrated_database) -> World:
    """Build the world once for the module; each request restores its snapshot."""
    folder = tmp_path_factory.mktemp("access")
    uri = _sqlite_copy(migrated_database, folder)
    app = create_app(_test_config(folder, uri, **WORLD_CONFIG))
    with app.app_context():
        world = build_world(app)
        yield world
        world.close()
        db.session.remove()
        db.engine.dispose()
