"""The forum API: starting threads and answering them."""

from __future__ import annotations

import pytest

from forum.columns import utcnow
from forum.extensions import db
from forum.models import Post, Thread
from forum.services.api_tokens import revoke_api_token
from tests.api.test_api import assert_json_error
from tests.api.test_threads_api import shape
from tests.factories import make_user, reload
from tests.forum.factories import make_reply, make_thread, opening_post

NEW_THREAD = {
    "title": "Microcredit for women's cooperatives",
    "body": "Which **banks** lend to cooperatives?",
    "country": "TN",
    "themes": ["social-finance", "women-youth-entrepreneurship"],
    "language": "en",
}


# Starting a thread ----------------------------------------------------------------


def test_member_starts_a_thread(api_as, author):
    response = api_as(author).post("/threads", json=NEW_THREAD)

    assert response.status_code == 201, response.json
    data = response.json
    assert response.headers["Location"].endswith(f"/api/v1/threads/{data['id']}")
    assert data["title"] == NEW_THREAD["title"]
    assert data["themes"] == NEW_THREAD["themes"]
    assert data["approved"] is True
    (opening,) = data["posts"]
    assert (
        opening["body_html"]
        == "<p>Which <strong>banks</strong> lend to cooperatives?</p>"
    )
    thread = db.session.get(Thread, data["id"])
    assert thread.author_id == author.id and thread.country_code == "TN"


@pytest.mark.parametrize("app_config", [{"POSTS_NEEDING_APPROVAL": 2}])
def test_new_members_thread_waits_for_approval(api_as, visitor):
    response = api_as(make_user()).post("/threads", json=NEW_THREAD)

    assert response.status_code == 201
    assert response.json["approved"] is False
    assert response.json["posts"][0]["status"] == "pending"
    assert visitor.get("/threads").json["total"] == 0


def test_starting_a_thread_needs_credentials(visitor):
    assert_json_error(visitor.post("/threads", json=NEW_THREAD), 401, "unauthorized")
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 0


def test_revoked_token_is_401(app, api_as, author):
    client = api_as(author)
    assert client.get("/me").status_code == 200
    revoke_api_token(author, author.api_tokens[0].id)

    assert_json_error(client.get("/me"), 401, "unauthorized")
    assert_json_error(client.post("/threads", json=NEW_THREAD), 401, "unauthorized")


def test_cookie_session_write_without_csrf_token_is_refused(client, maria):
    response = client.post("/api/v1/threads", json=NEW_THREAD)
    assert_json_error(response, 400)
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 0


@pytest.mark.parametrize(
    ("change", "field_in_message"),
    [
        ({"title": ""}, None),
        ({"title": "x" * 201}, None),
        ({"body": "   "}, None),
        ({"country": "XX"}, None),
        ({"themes": []}, None),
        ({"themes": ["a", "b", "c", "d"]}, None),
        ({"themes": ["no-such-theme"]}, None),
        ({"language": "klingon"}, None),
        ({"themes": "social-finance"}, "themes"),
        ({"title": 42}, "title"),
        ({"title": None}, "title"),
        ({"body": ["a"]}, "body"),
        ({"country": {"code": "TN"}}, "country"),
        ({"themes": [1, 2]}, "themes"),
        ({"body": "nul \x00 byte"}, "body"),
    ],
)
def test_invalid_thread_is_422(api_as, author, change, field_in_message):
    response = api_as(author).post("/threads", json={**NEW_THREAD, **change})
    assert_json_error(response, 422, "invalid")
    if field_in_message:
        assert field_in_message in response.json["message"]


@pytest.mark.parametrize("missing", sorted(NEW_THREAD))
def test_thread_with_a_missing_field_is_422_naming_it(api_as, author, missing):
    payload = {k: v for k, v in NEW_THREAD.items() if k != missing}
    response = api_as(author).post("/threads", json=payload)
    assert_json_error(response, 422, "invalid")
    assert missing in response.json["message"]


# Replying -----------------------------------------------------------------------


def test_member_replies_to_the_thread_and_to_a_post(api_as, author):
    thread = make_thread()
    client = api_as(author)

    top = client.post(f"/threads/{thread.id}/posts", json={"body": "Top answer"})
    nested = client.post(
        f"/threads/{thread.id}/posts",
        json={"body": "Nested answer", "parent_id": top.json["id"]},
    )

    assert (top.status_code, nested.status_code) == (201, 201)
    assert top.json["parent_id"] is None
    assert nested.json["parent_id"] == top.json["id"]
    assert nested.headers["Location"].endswith(f"/api/v1/posts/{nested.json['id']}")
    tree = client.get(f"/threads/{thread.id}").json["posts"][0]
    assert shape(tree)[1] == [("<p>Top answer</p>", [("<p>Nested answer</p>", [])])]


def test_reply_with_the_opening_post_as_parent_answers_the_thread(api_as, author):
    thread = make_thread()
    response = api_as(author).post(
        f"/threads/{thread.id}/posts",
        json={"body": "To the thread", "parent_id": opening_post(thread).id},
    )
    assert response.status_code == 201
    assert response.json["parent_id"] is None


def test_reply_to_a_post_of_another_thread_is_422(api_as, author):
    thread, other = make_thread(), make_thread()
    elsewhere = make_reply(other)

    response = api_as(author).post(
        f"/threads/{thread.id}/posts", json={"body": "Hi", "parent_id": elsewhere.id}
    )

    assert_json_error(response, 422, "invalid")
    assert (
        db.session.scalar(
            db.select(db.func.count(Post.id)).where(Post.thread_id == thread.id)
        )
        == 1
    )


def test_reply_to_a_locked_thread_is_403(api_as, author):
    thread = make_thread(locked=True, lock_reason="Off topic")
    response = api_as(author).post(f"/threads/{thread.id}/posts", json={"body": "Hi"})
    assert_json_error(response, 403, "forbidden")
    assert "Off topic" in response.json["message"]


def test_moderator_may_reply_to_a_locked_thread(api_as, moderator):
    thread = make_thread(locked=True)
    response = api_as(moderator).post(
        f"/threads/{thread.id}/posts", json={"body": "Closing words"}
    )
    assert response.status_code == 201


def test_reply_without_credentials_is_401(visitor):
    thread = make_thread()
    response = visitor.post(f"/threads/{thread.id}/posts", json={"body": "Hi"})
    assert_json_error(response, 401, "unauthorized")


def test_reply_to_a_thread_not_visible_is_404(api_as, author):
    thread = make_thread(deleted_at=utcnow())
    response = api_as(author).post(f"/threads/{thread.id}/posts", json={"body": "Hi"})
    assert_json_error(response, 404, "not_found")


def test_reply_counts_in_the_thread(api_as, author):
    thread = make_thread()
    api_as(author).post(f"/threads/{thread.id}/posts", json={"body": "Answer"})
    assert reload(thread).reply_count == 1
