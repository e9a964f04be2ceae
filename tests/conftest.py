"""Fixtures: an app on a fresh copy of a migrated database per test.

The copy is a SQLite file, or a PostgreSQL database made from a template when
FORUM_TEST_DATABASE_URL names a server (see README "Tests on PostgreSQL").
"""

from __future__ import annotations

import email
import itertools
import os
import queue
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import make_url

from forum import create_app, realtime
from forum.extensions import db, limiter
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.postgres_databases import administer, drop_stale_databases

TEST_DATABASE_URL = os.environ.get("FORUM_TEST_DATABASE_URL")
_copy_numbers = itertools.count()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Iterator[str]:
    """Build one migrated database with reference data; yield its URI, to copy."""
    folder = tmp_path_factory.mktemp("template")
    if TEST_DATABASE_URL:
        drop_stale_databases(make_url(TEST_DATABASE_URL).database)
    with empty_database_uri(folder) as uri:
        migrate_and_seed(folder, uri)
        yield uri


def migrate_and_seed(folder: Path, uri: str) -> None:
    """Run the real migrations on an empty database and load the reference data."""
    from flask_migrate import upgrade

    from forum.services.reference import seed_reference_data

    app = create_app(_test_config(folder, uri))
    with app.app_context():
        upgrade()
        seed_reference_data()
        db.session.remove()
        db.engine.dispose()


def _test_config(folder: Path, database_uri: str, **extra) -> dict:
    return {
        "CONFIG_NAME": "testing",
        "INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "tests-only-" + folder.name,
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "SEARCH_INDEX_DIR": str(folder / "search-index"),
        "MAIL_OUTBOX_DIR": str(folder / "outbox"),
        # Said every time: Flask-Limiter is one object for the whole process,
        # and an app that does not say takes the previous app's choice.
        "RATELIMIT_ENABLED": True,
        **extra,
    }


@contextmanager
def fresh_database_uri(template_uri: str, folder: Path) -> Iterator[str]:
    """Copy the template database, yield the copy's URI, then drop the copy."""
    if not template_uri.startswith("postgresql"):
        database = folder / f"agora-{next(_copy_numbers)}.db"
        shutil.copy(make_url(template_uri).database, database)
        yield f"sqlite:///{database}"
        return
    template = make_url(template_uri).database
    with _server_database(f"TEMPLATE {_quoted(template)}") as uri:
        yield uri


@contextmanager
def empty_database_uri(folder: Path) -> Iterator[str]:
    """Yield the URI of a new empty database, dropped afterwards."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{folder / f'agora-{next(_copy_numbers)}.db'}"
        return
    with _server_database() as uri:
        yield uri


@contextmanager
def _server_database(options: str = "") -> Iterator[str]:
    url = make_url(TEST_DATABASE_URL)
    name = f"{url.database}_{os.getpid()}_{next(_copy_numbers)}"
    administer(f"CREATE DATABASE {_quoted(name)} {options}")
    try:
        # Throwaway data: a commit need not wait for the disk (no risk of corruption).
        administer(f"ALTER DATABASE {_quoted(name)} SET synchronous_commit = off")
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        _finished_databases.put(name)
        if not _dropper.is_alive():
            _dropper.start()


def _drop_finished_databases() -> None:
    """Drop each finished test database, in the background.

    PostgreSQL makes a checkpoint on every DROP DATABASE, which takes a second
    or two: no test need wait for it.
    """
    while (name := _finished_databases.get()) is not None:
        try:
            # WITH (FORCE) ends connections a server process or a pool left open.
            administer(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
        except Exception as error:  # reported when the session ends
            _drop_errors.append(error)
        finally:
            _finished_databases.task_done()


_finished_databases: queue.Queue[str | None] = queue.Queue()
_drop_errors: list[Exception] = []
_dropper = threading.Thread(target=_drop_finished_databases, daemon=True)


def pytest_sessionfinish(session):
    """Wait until every test database is dropped."""
    if _dropper.is_alive():
        _finished_databases.put(None)
        _dropper.join()
    if _drop_errors:
        raise _drop_errors[0]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@pytest.fixture
def app_config() -> dict:
    """Extra configuration for the `app` fixture; override in a test module."""
    return {}


@pytest.fixture
def app(tmp_path, migrated_database, app_config):
    """An application on its own copy of the migrated database."""
    with ExitStack() as stack:
        # A module may bring its own database (a copy of a seeded one).
        uri = app_config.get("SQLALCHEMY_DATABASE_URI") or stack.enter_context(
            fresh_database_uri(migrated_database, tmp_path)
        )
        application = create_app(_test_config(tmp_path, uri, **app_config))
        with application.app_context():
            limiter.reset()
            yield application
            # A presence announcement due shortly uses the database: let it go out.
            realtime.wait_for_delayed_sends()
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def second_app(app):
    """Build more apps on the test's database with some settings changed.

    Their connection pools are closed after the test: a pool left to the
    garbage collector leaves PostgreSQL connections open until it runs.
    """
    made = []

    def make(**overrides):
        other = create_app({**app.config, "CONFIG_NAME": "testing", **overrides})
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class BrowserClient(FlaskClient):
    """A test client that sends the page's CSRF token with each form, as a browser does.

    Pass `csrf=False` to post without it.
    """

    def csrf_token(self) -> str:
        # A logged-in member is sent on to the home page, whose header forms
        # (language switcher, logout) carry the token too.
        page = self.get("/auth/login", follow_redirects=True).get_data(as_text=True)
        match = CSRF_FIELD.search(page)
        assert match, "no CSRF token on the login page"
        return match.group(1)

    def open(self, *args, **kwargs):
        """Serve each request in its own application context, as a server does.

        Tests hold an app context for factories and assertions; without this,
        every request would share its `g` (cached user, locale) and its
        database session with the test and with each other.
        """
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)) and "json" not in kwargs:
            kwargs["data"] = {"csrf_token": self.csrf_token(), **(data or {})}
        return super().post(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = BrowserClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Outbox:
    """The mails the app wrote to its outbox folder."""

    def __init__(self, folder: Path):
        self.folder = folder

    def messages(self) -> list[email.message.EmailMessage]:
        if not self.folder.exists():
            return []
        paths = sorted(self.folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        return [
            email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in paths
        ]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages() if m["To"] == address]

    def last_link(self, address: str, marker: str) -> str:
        """Return the path of the last link containing `marker` mailed to `address`."""
        for message in reversed(self.to(address)):
            for word in message.get_content().split():
                if marker in word:
                    return urlsplit(word).path
        raise AssertionError(f"no link with {marker!r} mailed to {address}")


@pytest.fixture
def outbox(app) -> Outbox:
    return Outbox(Path(app.config["MAIL_OUTBOX_DIR"]))


class AuthActions:
    """Log in and out through the real pages."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = DEFAULT_PASSWORD, **extra):
        return self.client.post(
            "/auth/login", data={"email": email, "password": password, **extra}
        )

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def browser(app, client):
    """Open another browser (its own cookies), logged in through the login page."""

    def open_browser(email: str, password: str = DEFAULT_PASSWORD) -> BrowserClient:
        other = app.test_client()
        response = AuthActions(other).login(email, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return other

    return open_browser


@pytest.fixture
def member(app):
    return make_user(username="maria", email="maria@coop.example")


@pytest.fixture
def maria(auth, member):
    """The `member` fixture (Maria), logged in on `client`."""
    response = auth.login(member.email)
    assert response.status_code == 302
    return member


@pytest.fixture
def bearer(app):
    """Call the API as a program does: no cookies, only `Authorization: Bearer`."""

    def call(secret: str, path: str = "/api/v1/me"):
        headers = {"Authorization": f"Bearer {secret}"}
        return app.test_client().get(path, headers=headers)

    return call


@pytest.fixture
def admin(app):
    return make_user(username="amina", email="amina@region.example", role="admin")
