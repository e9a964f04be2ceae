"""Schemathesis against /api/v1/openapi.json, as a member and as a moderator.

For every operation of the document, generated requests (valid ones and
ones that break the schema) get no 5xx, and every answer matches what the
document says of that operation: status code, content type and body schema.
Each role calls with its own personal token, so that moderators' operations
are exercised both with and without authority.
"""

from __future__ import annotations

import tempfile

import pytest
import schemathesis
from flask import current_app
from flask.globals import _cv_app
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from forum import create_app
from forum.blueprints.api.openapi import openapi_document
from forum.extensions import db
from forum.models import User
from forum.services.api_tokens import create_api_token
from forum.services.moderation_queue import flag_post
from forum.services.practice_review import submit_practice
from tests.factories import make_user
from tests.forum.factories import make_reply, make_thread, opening_post
from tests.library.factories import make_practice
from tests.workshops.factories import make_workshop

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Generated cases per operation and role (on top of schemathesis's fixed
# coverage cases): fifty operations by two roles in about a minute, no more
# than twice the time one role took with 25 cases.
EXAMPLES = 15


class ServedApart:
    """The app as a WSGI server runs it: each request in its own app context.

    The test holds an app context for its fixtures; without this, every
    generated request would share the test's `g` and database session.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        token = _cv_app.set(None)
        try:
            return self.app(environ, start_response)
        finally:
            _cv_app.reset(token)


@pytest.fixture
def app_config() -> dict:
    # Many writes in a row by one member: no approval queue, no posting limits.
    return {"POSTS_NEEDING_APPROVAL": 0, "RATELIMIT_ENABLED": False}


def seed_content(caller: User) -> None:
    """Give the generated ids something to find: the caller's and others' records.

    Besides the caller's own thread, reply and workshop, another member's
    thread is flagged and has a reply waiting for approval, and a practice
    waits for review, so that moderators' actions can succeed.
    """
    thread = make_thread(caller)
    make_reply(thread, caller)
    others = make_thread()
    flag_post(caller, opening_post(others), reason="spam")
    waiting = make_reply(others)
    waiting.approved = False
    db.session.commit()
    make_workshop(caller)
    practice = make_practice()
    with current_app.test_request_context():
        submit_practice(practice.author, practice)


@pytest.fixture(params=["member", "moderator"])
def token(request, app) -> str:
    """The personal token of a member, or of a global moderator, with content."""
    caller = make_user(username=request.param, role=request.param, can_organise=True)
    seed_content(caller)
    return create_api_token(caller, name="schemathesis")[1]


def served_document() -> dict:
    """Return the OpenAPI document as /api/v1/openapi.json serves it.

    Test ids come from the document, so it is read when the module is
    collected, from a throwaway app (tests/api/test_openapi.py shows the
    served document is this one).
    """
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "CONFIG_NAME": "testing",
                "SECRET_KEY": "document only",
                "INSTANCE_PATH": folder,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            }
        )
        with app.test_request_context():
            document = openapi_document()
            db.engine.dispose()
    return document


FUZZED_DOCUMENT = served_document()
schema = schemathesis.openapi.from_dict(FUZZED_DOCUMENT)


def test_the_fuzzed_document_is_the_served_one(client):
    assert client.get("/api/v1/openapi.json").json == FUZZED_DOCUMENT


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    # Each run starts from a fresh database: examples saved from another run
    # would name records that do not exist.
    database=None,
    # One database for all the examples of an operation, on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_as_its_document_says(case, app, token):
    case.call_and_validate(
        app=ServedApart(app),
        # The in-process transport does not decompress; a real client would.
        headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"},
        checks=CHECKS,
    )
