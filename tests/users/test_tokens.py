"""Personal API tokens: shown once, used as Bearer, revoked."""

from __future__ import annotations

import re

import pytest

from forum.extensions import db
from forum.models import ApiToken

SECRET = re.compile(r"agora_[A-Za-z0-9_-]{20,}")


def create_token(client, name: str = "Newsletter robot") -> str:
    """Create a token on the settings page and return the secret it shows."""
    response = client.post("/settings/tokens", data={"name": name})
    assert response.status_code == 200
    return SECRET.search(response.text).group(0)


def assert_refused(response):
    assert response.status_code == 401
    assert response.is_json
    assert set(response.json) == {"error", "message"}


def token_id(secret: str) -> int:
    return db.session.scalar(
        db.select(ApiToken.id).where(ApiToken.prefix == secret[:12])
    )


def test_new_token_is_shown_once(client, maria):
    secret = create_token(client, "Newsletter robot")
    page = client.get("/settings/tokens").text
    assert "Newsletter robot" in page
    assert secret[:12] in page
    assert secret not in page


def test_bearer_token_identifies_its_owner(bearer, client, maria):
    response = bearer(create_token(client))
    assert response.status_code == 200
    assert response.json["username"] == "maria"
    assert response.json["id"] == maria.id


def test_revoked_token_is_refused(bearer, client, maria):
    secret = create_token(client)
    response = client.post(f"/settings/tokens/{token_id(secret)}/revoke")
    assert response.status_code == 302
    assert_refused(bearer(secret))


def test_another_members_token_cannot_be_revoked(bearer, client, admin, browser, maria):
    secret = create_token(browser(admin.email), "Regional dashboard")
    response = client.post(f"/settings/tokens/{token_id(secret)}/revoke")
    assert response.status_code == 404
    assert bearer(secret).status_code == 200


@pytest.mark.parametrize(
    "secret", ["garbage", "agora_" + "x" * 43, "agora_" + "y" * 200]
)
def test_unknown_token_is_refused(bearer, secret):
    assert_refused(bearer(secret))


def test_token_of_suspended_member_is_refused(bearer, client, maria, admin, browser):
    secret = create_token(client)
    suspension = {"until": "2099-01-01T00:00", "reason": "Spam in the Tunis forum"}
    admin_browser = browser(admin.email)
    response = admin_browser.post(f"/admin/users/{maria.id}/suspend", data=suspension)
    assert response.status_code == 302
    assert_refused(bearer(secret))
