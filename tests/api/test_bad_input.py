"""Bad input to every write endpoint is a 400 or 422 in JSON, never a 500."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import Flag
from tests.api.test_api import assert_json_error
from tests.forum.factories import make_reply, make_thread, old_member

NOT_AN_OBJECT = [
    b"{",
    b"not json",
    b'{"title": "unclosed',
    b"[1, 2]",
    b'"a string"',
    b"42",
    b"null",
    b"\xff\xfe\x00garbage",
    b"[" * 100_000 + b"]" * 100_000,
]


@pytest.fixture
def ids(app) -> dict:
    """Records every endpoint can work on: a thread, a reply, an open flag."""
    thread = make_thread(country="TN")
    post = make_reply(thread, old_member())
    other = make_thread(country="TN")
    flag = Flag(post_id=post.id, reporter_id=old_member().id, reason="spam")
    db.session.add(flag)
    db.session.commit()
    return {"thread": thread.id, "post": post.id, "other": other.id, "flag": flag.id}


@pytest.fixture
def caller(api_as, moderator):
    """A global moderator: permission is never what refuses these calls."""
    return api_as(moderator)


# (method, path, a field with a wrong value, ...) for every endpoint with a body.
WRONG_TYPES = {
    ("POST", "/threads"): [
        {"themes": "social-finance"},
        {"themes": [1, 2]},
        {"title": 12},
        {"body": None},
        {"country": ["TN"]},
        {"language": {"code": "en"}},
    ],
    ("POST", "/threads/{thread}/posts"): [
        {"body": 5},
        {"body": "Hi", "parent_id": "abc"},
        {"body": "Hi", "parent_id": "12"},
        {"body": "Hi", "parent_id": 1.5},
        {"body": "Hi", "parent_id": True},
        {"body": "Hi", "parent_id": -1},
        {"body": "Hi", "parent_id": 2**70},
        {"body": "Hi", "parent_id": [1]},
    ],
    ("PATCH", "/posts/{post}"): [{"body": []}, {"body": "ok", "title": 3}, {}],
    ("POST", "/posts/{post}/flag"): [
        {"reason": 1},
        {"reason": "spam", "text": ["a"]},
        {"reason": "rude"},
        {},
    ],
    ("POST", "/threads/{thread}/pin"): [{"reason": 1}, {"reason": {"a": 1}}],
    ("POST", "/threads/{thread}/lock"): [{"reason": ["stop"]}],
    ("POST", "/threads/{thread}/feature"): [{"reason": False}],
    ("POST", "/threads/{thread}/delete"): [{"reason": 0}, {}],
    ("POST", "/threads/{thread}/move"): [
        {"country": 1},
        {"themes": "digital"},
        {"themes": [None]},
        {"country": "XX"},
    ],
    ("POST", "/threads/{thread}/rename"): [{"title": None}, {"title": 5}, {}],
    ("POST", "/threads/{thread}/merge"): [
        {"target_id": "{other}"},
        {"target_id": None},
        {"target_id": 1e100},
        {},
    ],
    ("POST", "/threads/{thread}/split"): [
        {"post_ids": "1,2", "title": "New"},
        {"post_ids": [1, "2"], "title": "New"},
        {"post_ids": [1], "title": []},
        {"title": "New"},
    ],
    ("POST", "/posts/{post}/hide"): [{"reason": 7}, {}],
    ("POST", "/posts/{post}/unhide"): [{"reason": [1]}],
    ("POST", "/posts/{post}/reject"): [{"reason": None}],
    ("POST", "/flags/{flag}/resolve"): [{"action": 1}, {"action": None}, {}],
}

CASES = [
    pytest.param(method, path, body, id=f"{method} {path} {body}")
    for (method, path), bodies in WRONG_TYPES.items()
    for body in bodies
]


@pytest.mark.parametrize(("method", "path", "body"), CASES)
def test_wrong_or_missing_field_is_422(caller, ids, method, path, body):
    body = {k: v.format(**ids) if isinstance(v, str) else v for k, v in body.items()}
    response = caller.open(method, path.format(**ids), json=body)
    assert_json_error(response, 422, "invalid")


@pytest.mark.parametrize(("method", "path"), list(WRONG_TYPES))
def test_body_that_is_not_a_json_object_is_400(caller, ids, method, path):
    # One test per endpoint, each trying every bad body: a fresh app per body
    # would make this the slowest module of the suite for no more certainty.
    for raw in NOT_AN_OBJECT:
        response = caller.open(
            method, path.format(**ids), data=raw, content_type="application/json"
        )
        assert response.status_code == 400, (raw[:20], response.status_code)
        assert_json_error(response, 400, "bad_request")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/posts/{post}/helpful"),
        ("POST", "/posts/{post}/accept"),
        ("POST", "/posts/{post}/approve"),
        ("POST", "/threads/{thread}/restore"),
        ("DELETE", "/posts/{post}"),
    ],
)
def test_endpoints_without_a_body_ignore_garbage(caller, ids, method, path):
    response = caller.open(
        method, path.format(**ids), data=b"{garbage", content_type="application/json"
    )
    assert response.status_code < 500
    assert response.is_json


def test_nul_character_in_a_reply_is_422_not_a_database_error(caller, ids):
    response = caller.post(f"/threads/{ids['thread']}/posts", json={"body": "a\x00b"})
    assert_json_error(response, 422, "invalid")


def test_lone_surrogate_in_a_title_is_422(caller):
    raw = (
        b'{"title": "\\ud800", "body": "b", "country": "TN", '
        b'"themes": ["digital"], "language": "en"}'
    )
    response = caller.post("/threads", data=raw, content_type="application/json")
    assert_json_error(response, 422, "invalid")


def test_form_encoded_body_is_400(caller, ids):
    response = caller.post(
        f"/threads/{ids['thread']}/posts",
        data="body=hello",
        content_type="application/x-www-form-urlencoded",
    )
    assert_json_error(response, 400, "bad_request")


@pytest.mark.parametrize(
    "path",
    [
        "/threads/99999999999999999999",
        "/posts/99999999999999999999",
        "/posts/99999999999999999999/hide",
        "/flags/99999999999999999999/resolve",
    ],
)
def test_ids_too_large_for_the_database_are_404(caller, path):
    method = "GET" if path.count("/") == 2 else "POST"
    assert_json_error(caller.open(method, path, json={}), 404, "not_found")
