"""Repeat views answer 304, responses are compressed, visitors' pages are cached."""

from __future__ import annotations

import gzip
import itertools
import re

import pytest
from flask import current_app

from forum import page_cache
from forum.services import moderation
from tests.factories import make_user
from tests.forum.factories import make_reply, make_thread, old_member
from tests.forum.test_query_counts import counting_queries
from tests.services_available import REDIS_URL, requires_redis

ASSET_LINK = re.compile(r'(?:href|src)="(/static/[^"?]+\.(?:css|js)\?v=[^"]+)"')
_prefixes = itertools.count(1)


@pytest.fixture(params=["process", pytest.param("redis", marks=requires_redis)])
def app_config(request) -> dict:
    config = {"PAGE_CACHE_SECONDS": 60, "POSTS_NEEDING_APPROVAL": 0}
    if request.param == "redis":
        config.update(
            REDIS_URL=REDIS_URL,
            RATELIMIT_STORAGE_URI="memory://",
            PAGE_CACHE_PREFIX=f"agora-test-{next(_prefixes)}-{id(config)}:",
        )
    return config


def test_repeat_view_of_a_page_answers_304(client):
    thread = make_thread(title="Seed banks")
    first = client.get(f"/threads/{thread.id}")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(
        f"/threads/{thread.id}", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.get_data() == b""


def test_compressed_repeat_view_answers_304(client):
    thread = make_thread()
    headers = {"Accept-Encoding": "gzip"}
    first = client.get(f"/threads/{thread.id}", headers=headers)
    assert first.headers["Content-Encoding"] == "gzip"
    assert b"<h1" in gzip.decompress(first.get_data())
    headers["If-None-Match"] = first.headers["ETag"]
    assert client.get(f"/threads/{thread.id}", headers=headers).status_code == 304


def test_changed_page_gets_a_new_etag(client):
    thread = make_thread()
    before = client.get(f"/threads/{thread.id}").headers["ETag"]
    make_reply(thread, body="A new answer")
    after = client.get(f"/threads/{thread.id}", headers={"If-None-Match": before})
    assert after.status_code == 200
    assert "A new answer" in after.text


def test_visitor_page_may_be_cached_but_varies_by_cookie_and_language(client):
    response = client.get("/")
    assert response.cache_control.no_cache
    assert not response.cache_control.private
    assert {"cookie", "accept-language"} <= {v.lower() for v in response.vary}


def test_member_page_is_private(client, maria):
    response = client.get("/")
    assert response.cache_control.private
    assert response.cache_control.no_cache


def test_feeds_answer_304(client):
    make_thread(country="TN")
    first = client.get("/feeds/c/TN.atom")
    assert first.status_code == 200
    assert first.headers["ETag"]
    etag = first.headers["ETag"]
    assert (
        client.get("/feeds/c/TN.atom", headers={"If-None-Match": etag}).status_code
        == 304
    )


def test_pages_are_compressed_with_brotli_or_gzip(client):
    assert client.get("/", headers={"Accept-Encoding": "br"}).content_encoding == "br"
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert plain.content_encoding is None
    assert b"<h1" in plain.get_data()


def test_tiny_bodies_are_not_compressed(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.content_encoding is None


def test_versioned_assets_are_immutable_for_a_year(client):
    url = ASSET_LINK.search(client.get("/").text).group(1)
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable
        assert response.cache_control.public


def test_cached_visitor_page_runs_no_query(client):
    thread = make_thread()
    client.get(f"/threads/{thread.id}")
    with counting_queries() as statements:
        assert client.get(f"/threads/{thread.id}").status_code == 200
    assert statements == []


def test_reply_through_the_service_shows_at_once(client):
    thread = make_thread()
    assert "Fresh from the service" not in client.get(f"/threads/{thread.id}").text
    make_reply(thread, body="Fresh from the service")
    assert "Fresh from the service" in client.get(f"/threads/{thread.id}").text


def test_members_are_never_served_a_cached_page(app, client, member, auth):
    thread = make_thread()
    visitor = app.test_client()
    assert member.display_name not in visitor.get(f"/threads/{thread.id}").text
    auth.login(member.email)
    page = client.get(f"/threads/{thread.id}").text
    assert member.display_name in page
    assert 'name="csrf_token"' in page
    assert member.display_name not in visitor.get(f"/threads/{thread.id}").text


def test_two_languages_do_not_mix(client):
    visitor = client
    thread = make_thread()
    french = visitor.get(f"/threads/{thread.id}", headers={"Accept-Language": "fr"})
    arabic = visitor.get(f"/threads/{thread.id}", headers={"Accept-Language": "ar"})
    assert '<html lang="fr"' in french.text
    assert '<html lang="ar" dir="rtl"' in arabic.text
    again = visitor.get(f"/threads/{thread.id}", headers={"Accept-Language": "fr"})
    assert '<html lang="fr"' in again.text


def test_page_setting_a_cookie_is_not_cached(app, client):
    visitor = app.test_client()
    first = visitor.get("/auth/login")
    assert "Set-Cookie" in first.headers
    second = app.test_client().get("/auth/login")
    assert "Set-Cookie" in second.headers
    assert second.text != first.text  # each visitor gets their own CSRF token


def test_visitor_switches_language_without_a_token(client):
    response = client.post("/language", data={"locale": "fr"}, csrf=False)
    assert response.status_code == 302
    assert "lang=fr" in response.headers["Set-Cookie"]


def test_member_switching_language_needs_a_token(client, maria):
    response = client.post("/language", data={"locale": "fr"}, csrf=False)
    assert response.status_code == 400
    assert client.post("/language", data={"locale": "fr"}).status_code == 302


def test_cached_page_is_kept_compressed_and_served_whole(client):
    thread = make_thread(title="Compressed once")
    headers = {"Accept-Encoding": "gzip"}
    first = client.get(f"/threads/{thread.id}", headers=headers)
    with counting_queries() as statements:
        second = client.get(f"/threads/{thread.id}", headers=headers)
    assert statements == []
    assert second.content_encoding == "gzip"
    assert second.headers["ETag"] == first.headers["ETag"]
    assert gzip.decompress(second.get_data()) == gzip.decompress(first.get_data())
    plain = client.get(f"/threads/{thread.id}")
    assert plain.content_encoding is None
    assert "Compressed once" in plain.text


def _served_from_cache(client, path: str) -> bool:
    with counting_queries() as statements:
        assert client.get(path).status_code == 200
    return statements == []


def test_a_reply_renews_its_thread_and_the_lists_but_not_other_threads(client):
    author = old_member()
    replied, other = make_thread(author), make_thread(author)
    paths = [f"/threads/{replied.id}", f"/threads/{other.id}", "/"]
    for path in [*paths, f"/feeds/threads/{replied.id}.atom"]:
        client.get(path)
    assert all(_served_from_cache(client, path) for path in paths)
    make_reply(replied, author, body="Only this thread changed")
    assert _served_from_cache(client, f"/threads/{other.id}")
    assert not _served_from_cache(client, "/")
    assert "Only this thread changed" in client.get(f"/threads/{replied.id}").text
    assert (
        "Only this thread changed"
        in client.get(f"/feeds/threads/{replied.id}.atom").text
    )


def test_moving_a_post_to_another_thread_renews_every_page(client):
    author, moderator = old_member(), make_user(role="moderator")
    source, bystander = make_thread(author), make_thread(author)
    answer = make_reply(source, author, body="Better on its own")
    client.get(f"/threads/{bystander.id}")
    assert _served_from_cache(client, f"/threads/{bystander.id}")
    with current_app.test_request_context():
        moderation.split_thread(
            moderator, source, post_ids=[answer.id], title="A thread of its own"
        )
    assert not _served_from_cache(client, f"/threads/{bystander.id}")


def test_a_merge_renews_every_page(client):
    author, moderator = old_member(), make_user(role="moderator")
    source, target, bystander = (make_thread(author) for _ in range(3))
    client.get(f"/threads/{bystander.id}")
    with current_app.test_request_context():
        moderation.merge_threads(moderator, source, target)
    assert not _served_from_cache(client, f"/threads/{bystander.id}")


@requires_redis
def test_a_thread_generation_in_redis_is_forgotten_after_the_pages(app):
    import redis

    store = page_cache.RedisStore(REDIS_URL, f"agora-test-{next(_prefixes)}:", 60)
    store.bump([page_cache.LISTS, f"{page_cache.THREAD_SCOPE}7"])
    assert store.generations([page_cache.LISTS, f"{page_cache.THREAD_SCOPE}7"]) == [
        1,
        1,
    ]
    client = redis.Redis.from_url(REDIS_URL)
    assert client.ttl(store.prefix + page_cache.LISTS) == -1  # kept
    assert 60 * 2 <= client.ttl(f"{store.prefix}{page_cache.THREAD_SCOPE}7") <= 180
    client.delete(*client.keys(store.prefix + "*"))
