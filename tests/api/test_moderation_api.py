"""Moderation through the API: each action in scope, and 403 outside it."""

from __future__ import annotations

import pytest

from forum.blueprints.api.openapi import openapi_document
from forum.columns import utcnow
from forum.extensions import db
from forum.models import AuditEntry, Country, Flag, Post, Theme, Thread
from tests.api.test_api import assert_json_error
from tests.factories import make_user, reload
from tests.forum.factories import make_reply, make_thread, old_member


@pytest.fixture
def tunisia_moderator(app):
    """A moderator of Tunisia only."""
    return make_user(role="moderator", scope_countries=[db.session.get(Country, "TN")])


@pytest.fixture
def scoped(api_as, tunisia_moderator):
    return api_as(tunisia_moderator)


@pytest.fixture
def documented(app):
    """Return the status codes the OpenAPI document gives a POST operation."""
    with app.test_request_context():
        paths = openapi_document()["paths"]
    return lambda path: {int(code) for code in paths[path]["post"]["responses"]}


@pytest.fixture
def tunisian():
    return make_thread(title="Tunisian thread", country="TN", themes=("digital",))


@pytest.fixture
def french():
    return make_thread(title="French thread", country="FR", themes=("digital",))


# Thread states: pin, lock, feature, delete --------------------------------------

STATES = [
    ("pin", {}, "pinned", True),
    ("unpin", {"pinned": True}, "pinned", False),
    ("lock", {}, "locked", True),
    ("unlock", {"locked": True}, "locked", False),
    ("feature", {}, "featured", True),
    ("unfeature", {"featured": True}, "featured", False),
]


@pytest.mark.parametrize(("action", "before", "column", "after"), STATES)
def test_moderator_changes_a_thread_in_scope(scoped, action, before, column, after):
    thread = make_thread(country="TN", **before)

    response = scoped.post(f"/threads/{thread.id}/{action}", json={"reason": "Why"})

    assert response.status_code == 200, response.json
    assert response.json[column] is after
    assert getattr(reload(thread), column) is after


@pytest.mark.parametrize(("action", "before", "column", "after"), STATES)
def test_moderator_out_of_scope_gets_403(scoped, action, before, column, after):
    thread = make_thread(country="FR", **before)

    response = scoped.post(f"/threads/{thread.id}/{action}", json={"reason": "Why"})

    assert_json_error(response, 403, "forbidden")
    assert getattr(reload(thread), column) is not after


@pytest.mark.parametrize("action", ["pin", "lock", "feature", "delete", "move"])
def test_member_cannot_moderate(api_as, tunisian, action):
    response = api_as(old_member()).post(
        f"/threads/{tunisian.id}/{action}", json={"reason": "Because"}
    )
    assert_json_error(response, 403, "forbidden")


def test_moderation_needs_credentials(visitor, tunisian):
    response = visitor.post(f"/threads/{tunisian.id}/pin", json={})
    assert_json_error(response, 401, "unauthorized")


def test_lock_reason_is_kept_and_shown(scoped, tunisian):
    response = scoped.post(f"/threads/{tunisian.id}/lock", json={"reason": "Solved"})
    assert response.json["lock_reason"] == "Solved"
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "thread.lock")
    )
    assert entry.reason == "Solved"


def test_pin_without_a_body_is_fine(scoped, tunisian):
    assert scoped.post(f"/threads/{tunisian.id}/pin").status_code == 200


def test_moderator_deletes_a_thread_in_scope_and_only_admins_restore_it(
    api_as, scoped, tunisian, tunisia_moderator
):
    deleted = scoped.post(f"/threads/{tunisian.id}/delete", json={"reason": "Spam"})
    refused = scoped.post(f"/threads/{tunisian.id}/restore", json={})
    restored = api_as(make_user(role="admin")).post(
        f"/threads/{tunisian.id}/restore", json={"reason": "Mistake"}
    )

    assert deleted.status_code == 200 and deleted.json["deleted"] is True
    assert_json_error(refused, 403, "forbidden")
    assert restored.status_code == 200 and restored.json["deleted"] is False
    assert reload(tunisian).deleted_at is None


def test_deleting_needs_a_reason(scoped, tunisian):
    assert_json_error(scoped.post(f"/threads/{tunisian.id}/delete", json={}), 422)
    assert reload(tunisian).deleted_at is None


def test_deleting_out_of_scope_is_403(scoped, french):
    response = scoped.post(f"/threads/{french.id}/delete", json={"reason": "Spam"})
    assert_json_error(response, 403, "forbidden")
    assert reload(french).deleted_at is None


# Move, rename, merge, split -------------------------------------------------------


def test_moderator_moves_a_thread_to_other_themes_in_scope(scoped, tunisian):
    response = scoped.post(
        f"/threads/{tunisian.id}/move",
        json={"themes": ["social-finance", "circular-economy"], "reason": "Topic"},
    )
    assert response.status_code == 200, response.json
    assert response.json["country"] == "TN"
    assert response.json["themes"] == ["social-finance", "circular-economy"]


def test_moving_a_thread_out_of_scope_is_403(scoped, tunisian, french):
    outside = scoped.post(f"/threads/{french.id}/move", json={"country": "TN"})
    away = scoped.post(f"/threads/{tunisian.id}/move", json={"country": "FR"})

    assert_json_error(outside, 403, "forbidden")
    assert_json_error(away, 403, "forbidden")
    assert (reload(french).country_code, reload(tunisian).country_code) == ("FR", "TN")


def test_global_moderator_moves_a_thread_to_another_country(api_as, moderator, french):
    response = api_as(moderator).post(
        f"/threads/{french.id}/move", json={"country": "IT"}
    )
    assert response.json["country"] == "IT"
    assert reload(french).theme_slugs == ["digital"]


def test_moderator_renames_a_thread(scoped, tunisian, french):
    renamed = scoped.post(f"/threads/{tunisian.id}/rename", json={"title": "Better"})
    refused = scoped.post(f"/threads/{french.id}/rename", json={"title": "Better"})

    assert renamed.json["title"] == "Better"
    assert_json_error(refused, 403, "forbidden")
    assert reload(french).title == "French thread"


def test_moderator_merges_two_threads_in_scope(scoped, tunisian):
    other = make_thread(country="TN")
    reply = make_reply(other)

    response = scoped.post(
        f"/threads/{other.id}/merge", json={"target_id": tunisian.id, "reason": "Dup"}
    )

    assert response.status_code == 200, response.json
    assert response.json["id"] == tunisian.id
    assert response.json["reply_count"] == 2
    assert reload(reply).thread_id == tunisian.id
    assert reload(other).merged_into_id == tunisian.id


@pytest.mark.parametrize("outside", ["source", "target"])
def test_merging_with_a_thread_out_of_scope_is_403(scoped, tunisian, french, outside):
    source, target = (french, tunisian) if outside == "source" else (tunisian, french)

    response = scoped.post(f"/threads/{source.id}/merge", json={"target_id": target.id})

    assert_json_error(response, 403, "forbidden")
    assert reload(source).merged_into_id is None


def test_merging_into_an_unknown_thread_is_404(scoped, tunisian):
    response = scoped.post(f"/threads/{tunisian.id}/merge", json={"target_id": 987654})
    assert_json_error(response, 404, "not_found")


def test_moderator_splits_replies_into_a_new_thread(scoped, tunisian):
    keep = make_reply(tunisian, body="Stays")
    off = make_reply(tunisian, body="Off topic")
    answer = make_reply(tunisian, to=off, body="Answer to the off-topic post")

    response = scoped.post(
        f"/threads/{tunisian.id}/split",
        json={"post_ids": [off.id, answer.id], "title": "A new topic"},
    )

    assert response.status_code == 201, response.json
    new_id = response.json["id"]
    assert response.headers["Location"].endswith(f"/api/v1/threads/{new_id}")
    assert response.json["title"] == "A new topic"
    assert reload(off).thread_id == reload(answer).thread_id == new_id
    assert reload(keep).thread_id == tunisian.id


def test_splitting_out_of_scope_is_403(scoped, french):
    reply = make_reply(french)
    response = scoped.post(
        f"/threads/{french.id}/split", json={"post_ids": [reply.id], "title": "New"}
    )
    assert_json_error(response, 403, "forbidden")
    assert reload(reply).thread_id == french.id


def test_splitting_posts_of_another_thread_is_422(scoped, tunisian):
    elsewhere = make_reply(make_thread(country="TN"))
    response = scoped.post(
        f"/threads/{tunisian.id}/split", json={"post_ids": [elsewhere.id], "title": "X"}
    )
    assert_json_error(response, 422, "invalid")


# Posts: hide, unhide, approve, reject ------------------------------------------------


def test_moderator_hides_and_unhides_a_post_in_scope(scoped, tunisian, api_as):
    post = make_reply(tunisian, body="Nasty")

    hidden = scoped.post(f"/posts/{post.id}/hide", json={"reason": "Abuse"})
    member_view = api_as(old_member()).get(f"/posts/{post.id}").json
    shown = scoped.post(f"/posts/{post.id}/unhide", json={})

    assert hidden.status_code == 200, hidden.json
    assert (hidden.json["status"], hidden.json["hidden_reason"]) == ("hidden", "Abuse")
    assert hidden.json["body_html"] == "<p>Nasty</p>"
    assert member_view["body_html"] is None
    assert shown.json["status"] == "visible"
    assert reload(post).hidden_at is None


def test_hiding_a_post_out_of_scope_is_403(scoped, french):
    post = make_reply(french)
    assert_json_error(
        scoped.post(f"/posts/{post.id}/hide", json={"reason": "Abuse"}),
        403,
        "forbidden",
    )
    assert reload(post).hidden_at is None


def test_unhiding_a_post_out_of_scope_is_403(scoped, french):
    post = make_reply(french)
    post.hidden_at = utcnow()
    db.session.commit()
    assert_json_error(scoped.post(f"/posts/{post.id}/unhide", json={}), 403)
    assert reload(post).hidden_at is not None


def test_hiding_needs_a_reason(scoped, tunisian):
    post = make_reply(tunisian)
    assert_json_error(scoped.post(f"/posts/{post.id}/hide", json={}), 422, "invalid")


def waiting_reply(thread: Thread) -> Post:
    post = make_reply(thread, make_user(), body="A newcomer's words")
    post.approved = False
    db.session.commit()
    return post


def test_moderator_approves_a_waiting_post(scoped, tunisian, visitor):
    post = waiting_reply(tunisian)

    response = scoped.post(f"/posts/{post.id}/approve")

    assert response.status_code == 200, response.json
    assert response.json["status"] == "visible"
    assert visitor.get(f"/posts/{post.id}").json["body_html"]


def test_moderator_rejects_a_waiting_post(scoped, tunisian):
    post = waiting_reply(tunisian)
    response = scoped.post(f"/posts/{post.id}/reject", json={"reason": "Spam"})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "deleted"


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_waiting_post_out_of_scope_is_not_even_visible(scoped, french, action):
    # Outside their scope a moderator cannot see waiting posts at all: 404, not 403.
    post = waiting_reply(french)
    response = scoped.post(f"/posts/{post.id}/{action}", json={"reason": "Spam"})
    assert_json_error(response, 404, "not_found")
    assert reload(post).approved is False


def test_approving_a_published_post_is_a_documented_409(scoped, tunisian, documented):
    post = make_reply(tunisian)
    assert_json_error(scoped.post(f"/posts/{post.id}/approve"), 409, "conflict")
    assert 409 in documented("/posts/{post_id}/approve")


# Queues: flags and posts waiting for approval ----------------------------------


def flag(post: Post, reason: str = "spam") -> Flag:
    flag = Flag(post_id=post.id, reporter_id=old_member().id, reason=reason)
    db.session.add(flag)
    db.session.commit()
    return flag


def test_flags_list_shows_open_flags_in_scope_only(scoped, tunisian, french):
    here = flag(make_reply(tunisian, body="Spam here"))
    flag(make_reply(french))

    response = scoped.get("/moderation/flags")

    assert response.status_code == 200
    assert [f["id"] for f in response.json["flags"]] == [here.id]
    (item,) = response.json["flags"]
    assert item["reason"] == "spam"
    assert item["post"]["body_html"] == "<p>Spam here</p>"


def test_pending_list_shows_waiting_posts_in_scope_only(scoped, tunisian, french):
    here = waiting_reply(tunisian)
    waiting_reply(french)

    response = scoped.get("/moderation/pending")

    assert [p["id"] for p in response.json["posts"]] == [here.id]
    assert response.json["posts"][0]["status"] == "pending"


@pytest.mark.parametrize("path", ["/moderation/flags", "/moderation/pending"])
def test_queues_are_for_moderators(api_as, visitor, path):
    assert_json_error(api_as(old_member()).get(path), 403, "forbidden")
    assert_json_error(visitor.get(path), 401, "unauthorized")


def test_resolving_a_flag_by_hiding_hides_the_post(scoped, tunisian):
    post = make_reply(tunisian)
    open_flag = flag(post)

    response = scoped.post(f"/flags/{open_flag.id}/resolve", json={"action": "hide"})

    assert response.status_code == 200, response.json
    assert response.json["resolution"] == "hidden"
    assert reload(post).hidden_at is not None


def test_resolving_a_flag_by_dismissing_keeps_the_post(scoped, tunisian):
    post = make_reply(tunisian)
    open_flag = flag(post)

    response = scoped.post(
        f"/flags/{open_flag.id}/resolve", json={"action": "dismiss", "reason": "Fine"}
    )

    assert response.json["resolution"] == "dismissed"
    assert reload(post).hidden_at is None


def test_resolving_a_flag_out_of_scope_is_403(scoped, french):
    open_flag = flag(make_reply(french))
    response = scoped.post(f"/flags/{open_flag.id}/resolve", json={"action": "hide"})
    assert_json_error(response, 403, "forbidden")
    assert reload(open_flag).resolved_at is None


def test_resolving_with_an_unknown_action_is_422(scoped, tunisian):
    open_flag = flag(make_reply(tunisian))
    response = scoped.post(f"/flags/{open_flag.id}/resolve", json={"action": "burn"})
    assert_json_error(response, 422, "invalid")


def test_resolving_a_settled_flag_is_a_documented_409(scoped, tunisian, documented):
    settled = flag(make_reply(tunisian))
    scoped.post(f"/flags/{settled.id}/resolve", json={"action": "dismiss"})

    response = scoped.post(f"/flags/{settled.id}/resolve", json={"action": "hide"})

    assert_json_error(response, 409, "conflict")
    assert 409 in documented("/flags/{flag_id}/resolve")


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("pin", {}),
        ("lock", {}),
        ("feature", {}),
        ("delete", {"reason": "Again"}),
        ("move", {"themes": ["social-finance"]}),
        ("rename", {"title": "Another title"}),
    ],
)
def test_acting_on_a_deleted_thread_is_a_documented_409(
    api_as, moderator, tunisian, documented, action, data
):
    tunisian.deleted_at = utcnow()
    db.session.commit()

    response = api_as(moderator).post(f"/threads/{tunisian.id}/{action}", json=data)

    assert_json_error(response, 409, "conflict")
    assert 409 in documented(f"/threads/{{thread_id}}/{action}")


def test_resolving_an_unknown_flag_is_404(scoped):
    assert_json_error(scoped.post("/flags/4242/resolve", json={"action": "hide"}), 404)


def test_theme_moderator_acts_on_threads_of_their_theme_anywhere(api_as, french):
    digital = make_user(
        role="moderator", scope_themes=[db.session.get(Theme, "digital")]
    )
    finance = make_thread(country="FR", themes=("social-finance",))
    client = api_as(digital)

    assert client.post(f"/threads/{french.id}/pin").status_code == 200
    assert_json_error(client.post(f"/threads/{finance.id}/pin"), 403, "forbidden")
