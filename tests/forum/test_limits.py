"""Point 7: size caps, duplicate posts and posting rate limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.columns import utcnow
from forum.errors import ValidationError
from forum.extensions import db
from forum.models import Post, Thread
from forum.services import threads
from tests.factories import make_user
from tests.forum.factories import make_thread, old_member

NEW_THREAD = {
    "title": "Cooperative housing in Valencia",
    "country": "ES",
    "themes": ["governance-cooperatives"],
    "language": "es",
    "body": "¿Quién tiene experiencia?",
}


def stored() -> tuple[int, int]:
    threads_count = db.session.scalar(select(func.count(Thread.id)))
    return threads_count, db.session.scalar(select(func.count(Post.id)))


def test_title_over_200_characters_is_refused(client, maria):
    response = client.post("/threads/new", data={**NEW_THREAD, "title": "t" * 201})
    assert response.status_code == 422
    assert "The title is too long: at most 200 characters." in response.text
    assert stored() == (0, 0)


def test_title_of_200_characters_is_accepted(client, maria):
    response = client.post("/threads/new", data={**NEW_THREAD, "title": "t" * 200})
    assert response.status_code == 302
    assert stored() == (1, 1)


def test_body_over_50000_characters_is_refused(client, maria):
    thread = make_thread()
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "b" * 50_001})
    assert response.status_code == 422
    assert "The text is too long: at most 50000 characters." in response.text
    assert stored() == (1, 1)
    response = client.post("/threads/new", data={**NEW_THREAD, "body": "b" * 50_001})
    assert response.status_code == 422
    assert stored() == (1, 1)


def test_body_of_50000_characters_is_accepted(client, maria):
    thread = make_thread()
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "b" * 50_000})
    assert response.status_code == 302
    assert stored() == (1, 2)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "t" * 201}, "The title is too long: at most 200 characters."),
        ({"body": "b" * 50_001}, "The text is too long: 50001 characters, at most"),
    ],
)
def test_service_explains_the_size_caps(app, member, fields, message):
    values = {
        "title": "Title",
        "body": "Body",
        "country": "TN",
        "themes": ["digital"],
        "language": "en",
    } | fields
    with app.test_request_context(), pytest.raises(ValidationError) as refused:
        threads.create_thread(member, **values)
    assert message in refused.value.message
    assert stored() == (0, 0)


def test_same_body_twice_within_a_minute_is_refused(client, maria):
    thread = make_thread()
    body = {"body": "Interested! Send me the details."}
    assert client.post(f"/threads/{thread.id}/reply", data=body).status_code == 302

    again = client.post(f"/threads/{thread.id}/reply", data=body)

    assert again.status_code == 422
    assert "You posted exactly this a moment ago." in again.text
    assert stored() == (1, 2)
    elsewhere = make_thread()
    assert client.post(f"/threads/{elsewhere.id}/reply", data=body).status_code == 422


def test_same_body_is_accepted_after_a_minute(client, maria):
    thread = make_thread()
    body = {"body": "+1"}
    client.post(f"/threads/{thread.id}/reply", data=body)
    earlier = db.session.scalar(select(Post).where(Post.author_id == maria.id))
    earlier.created_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    assert client.post(f"/threads/{thread.id}/reply", data=body).status_code == 302


def test_same_body_by_two_members_is_accepted(client, maria, browser):
    thread = make_thread()
    body = {"body": "Thank you!"}
    assert client.post(f"/threads/{thread.id}/reply", data=body).status_code == 302
    other = browser(old_member().email)
    assert other.post(f"/threads/{thread.id}/reply", data=body).status_code == 302


def test_duplicate_opening_post_is_refused(client, maria):
    assert client.post("/threads/new", data=NEW_THREAD).status_code == 302
    again = client.post("/threads/new", data={**NEW_THREAD, "title": "Again"})
    assert again.status_code == 422
    assert stored() == (1, 1)


class TestRateLimits:
    @pytest.fixture
    def app_config(self, app_config):
        return {
            **app_config,
            "RATELIMIT_REPLIES_NEW_ACCOUNT": "2 per minute",
            "RATELIMIT_THREADS_NEW_ACCOUNT": "1 per minute",
        }

    def reply_three_times(self, client, thread) -> list[int]:
        return [
            client.post(
                f"/threads/{thread.id}/reply", data={"body": f"Reply {n}"}
            ).status_code
            for n in range(3)
        ]

    def test_third_reply_of_a_new_account_is_refused(self, client, maria):
        thread = make_thread()
        assert self.reply_three_times(client, thread) == [302, 302, 429]
        refused = client.post(f"/threads/{thread.id}/reply", data={"body": "Again"})
        assert refused.status_code == 429
        assert "Too many requests" in refused.text
        assert "You are posting too fast." in refused.text
        assert stored() == (1, 3)

    def test_previews_do_not_count(self, client, maria):
        thread = make_thread()
        for n in range(3):
            client.post(
                f"/threads/{thread.id}/reply",
                data={"body": f"Draft {n}", "preview": "Preview"},
            )
        assert self.reply_three_times(client, thread) == [302, 302, 429]

    def test_second_thread_of_a_new_account_is_refused(self, client, maria):
        assert client.post("/threads/new", data=NEW_THREAD).status_code == 302
        again = client.post(
            "/threads/new", data={**NEW_THREAD, "title": "More", "body": "Other"}
        )
        assert again.status_code == 429
        assert stored() == (1, 1)

    def test_old_account_gets_the_normal_limit(self, client, auth):
        auth.login(old_member().email)
        assert self.reply_three_times(client, make_thread()) == [302, 302, 302]

    def test_limit_is_per_member(self, client, maria, browser):
        thread = make_thread()
        assert self.reply_three_times(client, thread)[-1] == 429
        other = browser(make_user().email)
        assert self.reply_three_times(other, thread) == [302, 302, 429]

    @pytest.mark.parametrize("role", ["moderator", "admin"])
    def test_moderators_are_not_limited(self, client, auth, role):
        auth.login(make_user(role=role).email)
        thread = make_thread()
        assert self.reply_three_times(client, thread) == [302, 302, 302]
        assert client.post("/threads/new", data=NEW_THREAD).status_code == 302
        assert (
            client.post(
                "/threads/new", data={**NEW_THREAD, "title": "Two", "body": "Second"}
            ).status_code
            == 302
        )
