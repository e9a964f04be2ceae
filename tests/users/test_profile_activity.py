"""A profile lists the member's posts, and never what others may not see."""

from __future__ import annotations

import pytest

from forum.columns import utcnow
from forum.extensions import db
from tests.forum.factories import make_reply, make_thread, old_member


@pytest.fixture
def app_config():
    return {"POSTS_NEEDING_APPROVAL": 0}


def test_profile_lists_public_posts_and_nothing_hidden(client, browser):
    karim = old_member(username="karim")
    public = make_thread(karim, title="Compost cooperatives in Sousse")
    answered = make_thread(title="Waste pickers in Casablanca")
    make_reply(answered, karim, body="Our association trains waste pickers.")
    hidden = make_reply(answered, karim, body="A reply a moderator hid.")
    deleted = make_reply(answered, karim, body="A reply its author deleted.")
    pending = make_reply(answered, karim, body="A reply waiting for approval.")
    gone = make_thread(karim, title="A discussion that was deleted")
    waiting = make_thread(karim, title="A discussion waiting for approval")
    hidden.hidden_at = deleted.deleted_at = gone.deleted_at = utcnow()
    pending.approved = waiting.approved = False
    db.session.commit()

    moderator = old_member(role="moderator", email="giorgos@mods.example")
    # A profile is the same for everyone, moderators included.
    for viewer in (client, browser(moderator.email)):
        page = viewer.get("/u/karim").text
        assert public.title in page
        assert "Our association trains waste pickers." in page
        for secret in (
            "A reply a moderator hid.",
            "A reply its author deleted.",
            "A reply waiting for approval.",
            "A discussion that was deleted",
            "A discussion waiting for approval",
        ):
            assert secret not in page


def test_profile_without_posts_says_so(client):
    old_member(username="newcomer")
    assert "No posts yet." in client.get("/u/newcomer").text
