"""Fixtures: an app on a fresh copy of a migrated SQLite database per test."""

from __future__ import annotations

import email
import re
import shutil
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient

from forum import create_app
from forum.extensions import db, limiter
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """Build one migrated database with reference data, to copy for each test."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    app = create_app(_test_config(folder, path))
    with app.app_context():
        from flask_migrate import upgrade

        from forum.services.reference import seed_reference_data

        upgrade()
        seed_reference_data()
        db.engine.dispose()
    return path


def _test_config(folder: Path, database: Path, **extra) -> dict:
    return {
        "CONFIG_NAME": "testing",
        "INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "tests-only-" + folder.name,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "SEARCH_INDEX_DIR": str(folder / "search-index"),
        "MAIL_OUTBOX_DIR": str(folder / "outbox"),
        **extra,
    }


@pytest.fixture
def app_config() -> dict:
    """Extra configuration for the `app` fixture; override in a test module."""
    return {}


@pytest.fixture
def app(tmp_path, migrated_database, app_config):
    """An application on its own copy of the migrated database."""
    database = tmp_path / "agora.db"
    shutil.copy(migrated_database, database)
    application = create_app(_test_config(tmp_path, database, **app_config))
    with application.app_context():
        limiter.reset()
        yield application
        db.session.remove()
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
