"""Watching threads and following countries and themes from the pages."""

from __future__ import annotations

from forum.services import following
from tests.factories import reload
from tests.forum.factories import make_thread


def test_watch_button_toggles_watching(client, maria):
    thread = make_thread()
    assert not following.is_watching(maria, thread)
    client.post(f"/threads/{thread.id}/watch")
    assert following.is_watching(reload(maria), thread)
    assert "Stop watching" in client.get(f"/threads/{thread.id}").text
    client.post(f"/threads/{thread.id}/watch")
    assert not following.is_watching(reload(maria), thread)


def test_starting_or_answering_a_thread_watches_it(client, maria):
    response = client.post(
        "/threads/new",
        data={
            "title": "Tontines et épargne solidaire",
            "country": "MA",
            "themes": ["social-finance"],
            "language": "fr",
            "body": "Qui a de l'expérience avec les tontines ?",
        },
    )
    thread_id = int(response.location.rstrip("/").split("/")[-1])
    assert "Stop watching" in client.get(f"/threads/{thread_id}").text


def test_follow_buttons_toggle_following_a_country_and_a_theme(client, maria):
    client.post("/c/TN/follow")
    client.post("/t/digital/follow")
    assert following.is_following(reload(maria), country_code="TN")
    assert following.is_following(maria, theme_slug="digital")
    assert "Stop following" in client.get("/c/TN").text
    client.post("/c/TN/follow")
    assert not following.is_following(reload(maria), country_code="TN")
    assert client.post("/c/XX/follow").status_code == 404


def test_follow_and_watch_need_a_login(client):
    thread = make_thread()
    assert client.post(f"/threads/{thread.id}/watch").status_code == 302
    assert client.post("/c/TN/follow").status_code == 302
