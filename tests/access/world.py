"""A world the access tests share: snapshot and restore between requests.

The database (SQLite) is copied page by page into memory once the world is
built, and copied back when a request changed it (SQLite's data_version
says so); the attachment folder is copied along. Each role keeps the session
cookie and CSRF token of one login, and its personal API token.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import inspect, make_url

from forum.extensions import db, limiter
from forum.models import User
from forum.services import attachments
from tests.conftest import CSRF_FIELD, BrowserClient
from tests.factories import DEFAULT_PASSWORD

# Columns a request may touch without changing anything that matters.
VOLATILE_COLUMNS = {
    "users": {"last_seen_at", "previous_visit_at"},
    "api_tokens": {"last_used_at"},
}


@dataclass
class Session:
    """What a role's browser keeps: its session cookie and a CSRF token."""

    cookie: str | None = None
    csrf_token: str = ""
    api_secret: str | None = None


@dataclass
class World:
    """The app, its content, and every role's session, restorable between requests."""

    app: Flask
    ids: dict = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    _snapshot: sqlite3.Connection | None = None
    _watch: sqlite3.Connection | None = None
    _version: int = 0
    _files: Path | None = None
    _rows: dict | None = None

    def client(self, role: str, *, api: bool = False) -> BrowserClient:
        """Return a fresh browser of `role` (for the API: no cookie, a bearer token)."""
        client = self.app.test_client()
        session = self.sessions[role]
        if api:
            if session.api_secret:
                client.environ_base["HTTP_AUTHORIZATION"] = (
                    f"Bearer {session.api_secret}"
                )
        elif session.cookie:
            client.set_cookie(self.app.config["SESSION_COOKIE_NAME"], session.cookie)
        return client

    def take_snapshot(self) -> None:
        """Keep the database and the attachment files as they are now."""
        db.session.remove()
        if self._watch is not None:
            self.close()
        self._snapshot = sqlite3.connect(":memory:")
        with self._database() as live:
            live.backup(self._snapshot)
        self._files = Path(self.app.instance_path).parent / "attachments-snapshot"
        shutil.rmtree(self._files, ignore_errors=True)
        shutil.copytree(attachments.storage_dir(), self._files)
        self._rows = self.rows()
        # SQLite bumps a connection's data_version when another one commits.
        self._watch = sqlite3.connect(self._path(), timeout=10)
        self._version = self._data_version()

    def close(self) -> None:
        """Close the connections the world keeps."""
        self._watch.close()
        self._snapshot.close()

    def _data_version(self) -> int:
        return self._watch.execute("PRAGMA data_version").fetchone()[0]

    def written(self) -> bool:
        """Say whether anything was committed since the snapshot was last restored."""
        return self._data_version() != self._version

    def restore_if_written(self) -> None:
        """Put the database and the files back as in the snapshot, if they changed."""
        db.session.remove()
        if self.written():
            with self._database() as live:
                self._snapshot.backup(live)
            storage = attachments.storage_dir()
            shutil.rmtree(storage, ignore_errors=True)
            shutil.copytree(self._files, storage)
            self._version = self._data_version()
        limiter.reset()

    def changed_tables(self) -> list[str]:
        """Name the tables whose rows differ from the snapshot's."""
        if not self.written():
            return []
        now = self.rows()
        return sorted(name for name in now if now[name] != self._rows.get(name))

    def rows(self) -> dict[str, list[tuple]]:
        """Return every table's rows, leaving out columns a visit may touch."""
        db.session.remove()
        tables = {}
        with self._database() as live:
            for name in inspect(db.engine).get_table_names():
                skipped = VOLATILE_COLUMNS.get(name, set())
                columns = [
                    row[1]
                    for row in live.execute(f'PRAGMA table_info("{name}")')
                    if row[1] not in skipped
                ]
                listed = ", ".join(f'"{c}"' for c in columns)
                tables[name] = sorted(
                    live.execute(f'SELECT {listed} FROM "{name}"').fetchall(), key=repr
                )
        return tables

    def _path(self) -> str:
        return make_url(self.app.config["SQLALCHEMY_DATABASE_URI"]).database

    def _database(self) -> _Closing:
        return _Closing(sqlite3.connect(self._path(), timeout=10))


class _Closing:
    """A sqlite3 connection used in a with block: committed and closed at the end."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc) -> None:
        self.connection.commit()
        self.connection.close()


def log_in(app: Flask, user: User | None) -> Session:
    """Log `user` in through the login page (None: a visitor); keep the session."""
    client = app.test_client()
    if user is not None:
        response = client.post(
            "/auth/login", data={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302, response.text
    page = client.get("/auth/login", follow_redirects=True).text
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return Session(cookie=cookie.value, csrf_token=CSRF_FIELD.search(page).group(1))
