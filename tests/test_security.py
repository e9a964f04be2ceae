"""Security baseline: headers, cookies, CSRF, size caps, error pages."""

from __future__ import annotations

import pytest
from flask import request
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import User


def test_every_page_sends_the_protective_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_contain_no_inline_script_or_style(client):
    page = client.get("/auth/register").get_data(as_text=True)
    assert "<script>" not in page
    assert " style=" not in page
    assert " onclick=" not in page


def test_session_cookie_is_httponly_and_samesite_lax(client, member, auth):
    response = auth.login(member.email)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie


def test_form_without_csrf_token_is_refused(client, member):
    response = client.post(
        "/auth/login",
        data={"email": member.email, "password": "olive trees by the sea"},
        csrf=False,
    )
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)


def test_ten_megabyte_field_is_refused_and_nothing_is_stored(client):
    before = db.session.scalar(select(func.count(User.id)))
    response = client.post(
        "/auth/register",
        data={
            "display_name": "x" * (10 * 1024 * 1024),
            "username": "bigfield",
            "email": "big@field.example",
            "password": "a long enough passphrase",
            "confirm": "a long enough passphrase",
        },
    )
    assert response.status_code == 413
    assert db.session.scalar(select(func.count(User.id))) == before


def test_unknown_page_is_a_helpful_html_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<title>" in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert set(response.get_json()) == {"error", "message"}
    response = client.delete("/api/v1/countries")
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"


def test_unexpected_error_gives_500_page_and_rolls_back(app, client, member):
    def explode():
        member.display_name = "half-written change"
        raise RuntimeError("boom")

    app.add_url_rule("/explode", "explode", explode)
    response = client.get("/explode")
    assert response.status_code == 500
    assert "logged" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, member.id).display_name != "half-written change"


def test_unexpected_api_error_is_json_500(app, client):
    def explode():
        raise RuntimeError("boom")

    app.add_url_rule("/api/v1/explode", "api_explode", explode)
    response = client.get("/api/v1/explode")
    assert response.status_code == 500
    assert response.get_json()["error"] == "server_error"


def test_api_write_with_session_cookie_needs_csrf(app, client, member, auth):
    app.add_url_rule("/api/v1/echo", "api_echo", lambda: {"ok": True}, methods=["POST"])
    auth.login(member.email)
    response = client.post("/api/v1/echo", json={})
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


@pytest.mark.parametrize(
    "path",
    [
        "/c/%00",
        "/t/%00",
        "/u/%00",
    ],
)
def test_a_nul_character_in_the_path_is_a_clear_400(client, path):
    response = client.get(path)
    assert response.status_code == 400


def test_a_nul_character_in_a_form_is_refused_and_nothing_stored(client, auth, member):
    auth.login(member.email)
    response = client.post(
        "/settings", data={"display_name": "Nul\x00Name", "bio": "x"}
    )
    assert response.status_code == 400
    db.session.refresh(member)
    assert "\x00" not in member.display_name


@pytest.mark.parametrize(
    "path",
    [
        "/workshops?country=%00",
        "/workshops?theme=%00",
        "/practices?language=%00",
        "/search?q=%00&country=%00",
        "/c/TN?theme=%00",
    ],
)
def test_a_nul_character_in_a_query_string_finds_nothing_without_error(client, path):
    response = client.get(path)
    assert response.status_code == 200


def test_a_nul_character_in_the_admin_member_search_finds_nothing(client, auth, admin):
    auth.login(admin.email)
    response = client.get("/admin/users?q=%00&country=%00")
    assert response.status_code == 200


def test_query_string_nul_becomes_a_visible_stand_in(app):
    with app.test_request_context("/?q=a%00b&%00=x"):
        assert request.args["q"] == "a\ufffdb"
        assert request.args["\ufffd"] == "x"
