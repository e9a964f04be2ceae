"""The forum API on single posts: read, edit, delete, helpful, accepted answer, flag."""

from __future__ import annotations

from forum.columns import utcnow
from forum.extensions import db
from forum.models import Flag
from tests.api.test_api import assert_json_error
from tests.factories import reload
from tests.forum.factories import make_reply, make_thread, old_member, opening_post


def test_post_is_readable_by_id(visitor, author):
    thread = make_thread()
    post = make_reply(thread, author, body="Hello *there*")

    response = visitor.get(f"/posts/{post.id}")

    assert response.status_code == 200
    assert response.json["id"] == post.id
    assert response.json["thread_id"] == thread.id
    assert response.json["author"]["username"] == "karim"
    assert response.json["body_html"] == "<p>Hello <em>there</em></p>"
    assert response.json["url"] == f"http://localhost/posts/{post.id}"
    assert "replies" not in response.json


def test_hidden_post_by_id_has_no_body_for_a_member(api_as, author, moderator):
    post = make_reply(make_thread(), body="Rude words")
    post.hidden_at = utcnow()
    db.session.commit()

    as_member = api_as(author).get(f"/posts/{post.id}").json
    as_moderator = api_as(moderator).get(f"/posts/{post.id}").json

    assert (as_member["status"], as_member["body_html"]) == ("hidden", None)
    assert as_moderator["body_html"] == "<p>Rude words</p>"


def test_unapproved_post_of_someone_else_is_404(api_as, author):
    post = make_reply(make_thread())
    post.approved = False
    db.session.commit()
    assert_json_error(api_as(author).get(f"/posts/{post.id}"), 404, "not_found")


def test_member_edits_own_post(api_as, author):
    post = make_reply(make_thread(), author, body="Frist")

    response = api_as(author).patch(f"/posts/{post.id}", json={"body": "First"})

    assert response.status_code == 200
    assert response.json["body_html"] == "<p>First</p>"
    assert response.json["edited_at"] is not None
    assert reload(post).edit_count == 1


def test_author_renames_the_thread_by_editing_the_opening_post(api_as, author):
    thread = make_thread(author, title="Old title")
    response = api_as(author).patch(
        f"/posts/{opening_post(thread).id}",
        json={"body": "Same or new body", "title": "New title"},
    )
    assert response.status_code == 200
    assert reload(thread).title == "New title"


def test_editing_someone_elses_post_is_403(api_as, author):
    post = make_reply(make_thread(), body="Theirs")
    response = api_as(author).patch(f"/posts/{post.id}", json={"body": "Mine now"})
    assert_json_error(response, 403, "forbidden")
    assert reload(post).body_markdown == "Theirs"


def test_moderator_edits_any_post_in_scope(api_as, moderator):
    post = make_reply(make_thread(), body="Typo")
    response = api_as(moderator).patch(f"/posts/{post.id}", json={"body": "Fixed"})
    assert response.status_code == 200


def test_member_deletes_own_post_softly(api_as, author, visitor):
    thread = make_thread()
    post = make_reply(thread, author, body="Regrets")

    response = api_as(author).delete(f"/posts/{post.id}")

    assert response.status_code == 200
    assert response.json["status"] == "deleted"
    assert reload(post).deleted_at is not None
    assert reload(thread).reply_count == 0
    placeholder = visitor.get(f"/posts/{post.id}").json
    assert (placeholder["status"], placeholder["body_html"]) == ("deleted", None)


def test_deleting_someone_elses_post_is_403(api_as, author):
    post = make_reply(make_thread())
    assert_json_error(api_as(author).delete(f"/posts/{post.id}"), 403, "forbidden")
    assert reload(post).deleted_at is None


def test_deleting_the_opening_post_is_422(api_as, author):
    thread = make_thread(author)
    response = api_as(author).delete(f"/posts/{opening_post(thread).id}")
    assert_json_error(response, 422, "invalid")


def test_helpful_toggles(api_as, author):
    post = make_reply(make_thread())
    client = api_as(author)

    marked = client.post(f"/posts/{post.id}/helpful")
    unmarked = client.post(f"/posts/{post.id}/helpful")

    assert marked.json == {"helpful": True, "helpful_count": 1}
    assert unmarked.json == {"helpful": False, "helpful_count": 0}


def test_own_post_cannot_be_marked_helpful(api_as, author):
    post = make_reply(make_thread(), author)
    assert_json_error(api_as(author).post(f"/posts/{post.id}/helpful"), 422)


def test_thread_author_accepts_an_answer(api_as, author):
    thread = make_thread(author)
    answer = make_reply(thread)

    response = api_as(author).post(f"/posts/{answer.id}/accept")

    assert response.status_code == 200
    assert response.json["accepted_post_id"] == answer.id
    assert reload(thread).accepted_post_id == answer.id


def test_someone_else_cannot_accept_an_answer(api_as, author):
    answer = make_reply(make_thread())
    assert_json_error(api_as(author).post(f"/posts/{answer.id}/accept"), 403)


def test_member_flags_a_post(api_as, author):
    post = make_reply(make_thread(), body="Buy cheap watches")

    response = api_as(author).post(
        f"/posts/{post.id}/flag", json={"reason": "spam", "text": "An advert"}
    )

    assert response.status_code == 201, response.json
    assert response.json["reason"] == "spam"
    assert response.json["text"] == "An advert"
    assert response.json["post"]["id"] == post.id
    assert response.json["resolved_at"] is None
    flag = db.session.get(Flag, response.json["id"])
    assert (flag.post_id, flag.reporter_id) == (post.id, author.id)


def test_flag_text_is_optional(api_as, author):
    post = make_reply(make_thread())
    response = api_as(author).post(f"/posts/{post.id}/flag", json={"reason": "abusive"})
    assert response.status_code == 201


def test_flagging_needs_credentials(visitor):
    post = make_reply(make_thread())
    response = visitor.post(f"/posts/{post.id}/flag", json={"reason": "spam"})
    assert_json_error(response, 401, "unauthorized")


def test_post_writes_need_credentials(visitor):
    post = make_reply(make_thread(), old_member())
    for response in (
        visitor.patch(f"/posts/{post.id}", json={"body": "x"}),
        visitor.delete(f"/posts/{post.id}"),
        visitor.post(f"/posts/{post.id}/helpful"),
        visitor.post(f"/posts/{post.id}/accept"),
    ):
        assert_json_error(response, 401, "unauthorized")
