"""Logging in and out: messages that reveal nothing, remember-me, suspensions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.dates import format_date

from forum.columns import utcnow
from forum.models import AccountStatus
from tests.factories import make_user, reload

WRONG = "Wrong email address or password."
REASON = "Repeated advertising for a private bank in the Sfax forum"


def login_cookies(response) -> str:
    return " ".join(response.headers.getlist("Set-Cookie"))


def comparable(page: str, email: str) -> str:
    """Return the page without what legitimately differs: token and typed email."""
    page = re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', "", page)
    return page.replace(email, "EMAIL")


def suspended_member(days: int, reason: str = REASON):
    return make_user(
        username="karim",
        email="karim@sfax-coop.example",
        status=AccountStatus.SUSPENDED,
        suspended_until=utcnow() + timedelta(days=days),
        suspension_reason=reason,
    )


def test_login_then_logout(client, auth, member):
    assert client.get("/settings").status_code == 302
    response = auth.login("maria@coop.example")
    assert response.status_code == 302
    assert response.location == "/"
    assert client.get("/settings").status_code == 200
    assert auth.logout().status_code == 302
    response = client.get("/settings")
    assert response.status_code == 302
    assert "/auth/login" in response.location


def test_wrong_password_and_unknown_email_get_the_same_answer(client, auth, member):
    wrong_password = auth.login("maria@coop.example", "olive trees by the lake")
    unknown = auth.login("nobody@coop.example", "olive trees by the lake")
    assert wrong_password.status_code == unknown.status_code == 422
    assert WRONG in wrong_password.text
    assert comparable(wrong_password.text, "maria@coop.example") == comparable(
        unknown.text, "nobody@coop.example"
    )


def test_remember_me_sets_a_remember_cookie(auth, member):
    response = auth.login("maria@coop.example", remember="y")
    assert response.status_code == 302
    assert "remember_token=" in login_cookies(response)


def test_no_remember_cookie_when_unticked(auth, member):
    response = auth.login("maria@coop.example")
    assert response.status_code == 302
    assert "remember_token=" not in login_cookies(response)


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/settings", "/settings"),
        ("/u/maria?tab=about", "/u/maria?tab=about"),
        ("http://evil.example/login", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_next_is_followed_only_for_paths_on_this_site(client, member, target, landing):
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"email": "maria@coop.example", "password": "olive trees by the sea"},
    )
    assert response.status_code == 302
    assert response.location == landing


def test_suspended_member_is_told_until_when_and_why(auth):
    karim = suspended_member(days=10)
    response = auth.login(karim.email)
    assert response.status_code == 422
    assert REASON in response.text
    assert "suspended until" in response.text
    assert format_date(karim.suspended_until, "medium", locale="en") in response.text


def test_finished_suspension_lets_member_in_and_is_lifted(client, auth):
    karim = suspended_member(days=-1)
    assert auth.login(karim.email).status_code == 302
    assert client.get("/settings").status_code == 200
    karim = reload(karim)
    assert karim.status is AccountStatus.ACTIVE
    assert (karim.suspended_until, karim.suspension_reason) == (None, "")


def test_member_suspended_while_logged_in_is_logged_out(
    client, auth, member, admin, browser
):
    auth.login(member.email, remember="y")
    assert client.get("/settings").status_code == 200
    suspension = {"until": "2099-01-01T00:00", "reason": REASON}
    response = browser(admin.email).post(
        f"/admin/users/{member.id}/suspend", data=suspension
    )
    assert response.status_code == 302
    response = client.get("/settings")
    assert response.status_code == 302
    assert "/auth/login" in response.location


def test_erased_account_cannot_log_in(client, auth, member, admin, browser):
    email = member.email
    browser(admin.email).post(f"/admin/users/{member.id}/erase", data={"reason": ""})
    assert reload(member).is_deleted
    response = auth.login(email)
    assert response.status_code == 422
    assert WRONG in response.text


def test_sixth_login_attempt_in_a_minute_gets_a_friendly_429(auth, member):
    for _ in range(5):
        assert auth.login(member.email, "not the password").status_code == 422
    response = auth.login(member.email)
    assert response.status_code == 429
    assert "Too many attempts. Please wait a moment and try again." in response.text
    assert "<html" in response.text


def test_login_without_csrf_token_is_refused(client, member):
    response = client.post(
        "/auth/login",
        data={"email": member.email, "password": "olive trees by the sea"},
        csrf=False,
    )
    assert response.status_code == 400
    assert "Your form expired or was sent from elsewhere" in response.text
    assert client.get("/settings").status_code == 302
