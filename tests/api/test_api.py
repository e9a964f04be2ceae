"""The JSON API: reference data, the caller's account, JSON errors."""

from __future__ import annotations

import pytest

LANGUAGES = {"en", "fr", "ar", "es", "it"}


def assert_json_error(response, status: int, error: str | None = None):
    assert response.status_code == status
    assert response.is_json
    assert set(response.json) == {"error", "message"}
    assert response.json["message"]
    if error:
        assert response.json["error"] == error


def test_countries_have_codes_and_names_in_every_language(client):
    response = client.get("/api/v1/countries")
    assert response.status_code == 200
    countries = response.json["countries"]
    assert countries[0]["code"] == "MED"
    assert {"TN", "FR", "IT", "EG"} <= {c["code"] for c in countries}
    for country in countries:
        assert set(country) == {"code", "names", "active"}
        assert set(country["names"]) == LANGUAGES
        assert country["active"] is True
    tunisia = next(c for c in countries if c["code"] == "TN")
    assert tunisia["names"]["fr"] == "Tunisie"


def test_themes_have_slugs_names_and_descriptions(client):
    themes = client.get("/api/v1/themes").json["themes"]
    assert len(themes) == 12
    for theme in themes:
        assert set(theme) == {"slug", "names", "descriptions", "active"}
        assert set(theme["names"]) == LANGUAGES
    finance = next(t for t in themes if t["slug"] == "social-finance")
    assert finance["names"]["en"] == "Social finance"


def test_me_without_credentials_is_401_json(client):
    assert_json_error(client.get("/api/v1/me"), 401, "unauthorized")


def test_me_with_a_session_describes_the_member(client, auth, member):
    auth.login(member.email)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json["username"] == "maria"
    assert "email" not in response.json


def test_unknown_api_path_is_404_json(client):
    assert_json_error(client.get("/api/v1/nope"), 404, "not_found")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_writing_to_read_only_resource_is_405_json(client, method):
    # A program sends no CSRF token; the answer must still be a clean 405.
    response = client.open("/api/v1/countries", method=method)
    assert_json_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
