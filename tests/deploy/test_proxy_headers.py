"""Behind nginx: whose address and scheme the app believes, and its Redis channel."""

from __future__ import annotations

import pytest

from forum.realtime import queue_channel

BEHIND_NGINX = {"PROXY_FIX_X_FOR": 1, "PROXY_FIX_X_PROTO": 1}


def failed_login(client, forwarded_for: str) -> int:
    response = client.post(
        "/auth/login",
        data={"email": "nobody@example.org", "password": "wrong"},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return response.status_code


@pytest.mark.parametrize("app_config", [BEHIND_NGINX])
def test_behind_nginx_each_client_address_has_its_own_login_limit(client):
    # RATELIMIT_LOGIN is "5 per minute" in TestingConfig.
    assert 429 not in [failed_login(client, "198.51.100.1") for _ in range(5)]
    # nginx appends the address it saw: a forged first entry changes nothing.
    assert failed_login(client, "10.0.0.1, 198.51.100.1") == 429
    assert failed_login(client, "198.51.100.2") != 429


def test_without_a_trusted_proxy_a_forged_address_escapes_no_limit(client):
    addresses = [f"198.51.100.{n}" for n in range(1, 6)]
    assert 429 not in [failed_login(client, address) for address in addresses]
    assert failed_login(client, "198.51.100.99") == 429


@pytest.mark.parametrize(
    ("app_config", "scheme"), [(BEHIND_NGINX, "https"), ({}, "http")]
)
def test_links_in_mails_use_the_scheme_nginx_was_reached_by(
    client, outbox, member, scheme
):
    client.post(
        "/auth/reset",
        data={"email": member.email},
        # Over HTTPS, Flask-WTF also checks that the form came from this site.
        headers={
            "X-Forwarded-Proto": "https",
            "Referer": f"{scheme}://localhost/auth/reset",
        },
    )
    (mail,) = outbox.to(member.email)
    assert f"{scheme}://localhost/auth/reset/" in mail.get_content()


@pytest.mark.parametrize(
    ("config", "channel"),
    [
        ({}, "agora-0"),
        ({"REDIS_URL": "redis://127.0.0.1:6379"}, "agora-0"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/9"}, "agora-9"),
        ({"REDIS_URL": "redis://r:6379/3", "REALTIME_CHANNEL": "north"}, "north"),
    ],
)
def test_sites_on_one_redis_server_use_their_own_channel(config, channel):
    assert queue_channel(config) == channel
