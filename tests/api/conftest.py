"""API tests: call as a program does, with a personal token and JSON."""

from __future__ import annotations

import pytest
from flask.globals import _cv_app

from forum.services.api_tokens import create_api_token
from tests.factories import make_user
from tests.forum.factories import old_member


@pytest.fixture
def app_config() -> dict:
    # New members' posts are published at once unless a test says otherwise.
    return {"POSTS_NEEDING_APPROVAL": 0, "THREADS_PER_PAGE": 3}


class ApiClient:
    """Calls /api/v1 with `Authorization: Bearer` and no cookies."""

    def __init__(self, app, secret: str | None):
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def open(self, method: str, path: str, **kwargs):
        # Each call is served in its own app context, as by a server.
        token = _cv_app.set(None)
        try:
            return self.client.open(
                "/api/v1" + path, method=method, headers=self.headers, **kwargs
            )
        finally:
            _cv_app.reset(token)

    def get(self, path: str, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.open("POST", path, json=json, **kwargs)

    def patch(self, path: str, json=None, **kwargs):
        return self.open("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.open("DELETE", path, **kwargs)


@pytest.fixture
def api_as(app):
    """Return an API client acting as `user` through a fresh personal token."""

    def client_for(user) -> ApiClient:
        _, secret = create_api_token(user, name="tests")
        return ApiClient(app, secret)

    return client_for


@pytest.fixture
def visitor(app) -> ApiClient:
    """An API client without credentials."""
    return ApiClient(app, None)


@pytest.fixture
def author(app):
    return old_member(username="karim", display_name="Karim")


@pytest.fixture
def moderator(app):
    """A global moderator."""
    return make_user(username="selma", role="moderator")
