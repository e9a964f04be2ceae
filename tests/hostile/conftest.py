"""Fixtures of the hostile-input tests: a member who posts through the real forms."""

from __future__ import annotations

import pytest

from tests.factories import make_user


@pytest.fixture
def app_config() -> dict:
    # Hundreds of posts in a minute by one member: no approval queue, no
    # posting limits, and every reply of a thread on its first page.
    return {
        "POSTS_NEEDING_APPROVAL": 0,
        "RATELIMIT_ENABLED": False,
        "POSTS_PER_PAGE": 1000,
    }


class FormPoster:
    """Post forms as a logged-in browser does, reusing the session's CSRF token."""

    def __init__(self, client):
        self.client = client
        self.token = client.csrf_token()

    def post(self, path: str, data: dict):
        return self.client.post(
            path, data={"csrf_token": self.token, **data}, csrf=False
        )


@pytest.fixture
def writer(auth, client):
    """A logged-in member who may also organise workshops."""
    user = make_user(username="hostile", can_organise=True)
    assert auth.login(user.email).status_code == 302
    return user


@pytest.fixture
def poster(writer, client) -> FormPoster:
    return FormPoster(client)
