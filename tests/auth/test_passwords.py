"""Changing a password, and resetting a forgotten one by email."""

from __future__ import annotations

import pytest

from tests.factories import DEFAULT_PASSWORD

NEW = "capers and figs on the terrace"
RESET_FLASH = "If an account uses that address, we sent it a link"
USED = "This link is not valid or has already been used."


def change_password(client, current: str, new: str = NEW, confirm: str = NEW):
    data = {"current_password": current, "password": new, "confirm": confirm}
    return client.post("/auth/password", data=data)


def request_reset(client, email: str):
    return client.post("/auth/reset", data={"email": email}, follow_redirects=True)


def reset_link(client, outbox, email: str) -> str:
    request_reset(client, email)
    return outbox.last_link(email, "/auth/reset/")


def choose_password(client, link: str, password: str = NEW):
    return client.post(link, data={"password": password, "confirm": password})


def assert_password_works(auth, email: str, password: str, works: bool = True):
    response = auth.login(email, password)
    assert response.status_code == (302 if works else 422)
    auth.logout()


def test_change_password_needs_the_current_one(client, auth, member):
    auth.login(member.email)
    response = change_password(client, current="olive trees by the lake")
    assert response.status_code == 422
    assert "Your current password is not correct." in response.text
    auth.logout()
    assert_password_works(auth, member.email, DEFAULT_PASSWORD)


def test_changed_password_replaces_old_one_and_ends_other_sessions(
    client, auth, member, browser
):
    phone = browser(member.email)
    auth.login(member.email)
    response = change_password(client, current=DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.get("/settings").status_code == 200
    assert phone.get("/settings").status_code == 302
    auth.logout()
    assert_password_works(auth, member.email, DEFAULT_PASSWORD, works=False)
    assert_password_works(auth, member.email, NEW)


def test_reset_request_answers_the_same_for_unknown_and_known_email(
    client, outbox, member
):
    unknown = request_reset(client, "nobody@coop.example")
    known = request_reset(client, member.email)
    assert unknown.status_code == known.status_code == 200
    assert RESET_FLASH in unknown.text
    assert RESET_FLASH in known.text
    assert outbox.to("nobody@coop.example") == []
    assert len(outbox.to(member.email)) == 1


def test_reset_link_sets_a_new_password(client, outbox, auth, member):
    link = reset_link(client, outbox, member.email)
    assert client.get(link).status_code == 200
    response = choose_password(client, link)
    assert response.status_code == 302
    assert "/auth/login" in response.location
    assert_password_works(auth, member.email, NEW)
    assert_password_works(auth, member.email, DEFAULT_PASSWORD, works=False)


def test_reset_link_works_only_once(client, outbox, auth, member):
    link = reset_link(client, outbox, member.email)
    assert choose_password(client, link).status_code == 302
    assert client.get(link).status_code == 422
    second = choose_password(client, link, "someone else chose this one")
    assert second.status_code == 422
    assert USED in second.text
    assert_password_works(auth, member.email, NEW)


@pytest.mark.parametrize(
    "token", ["forged-token", "eyJ1aWQiOjF9.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb"]
)
def test_forged_reset_link_is_refused(client, auth, member, token):
    response = choose_password(client, f"/auth/reset/{token}")
    assert response.status_code == 422
    assert USED in response.text
    assert_password_works(auth, member.email, DEFAULT_PASSWORD)


def test_expired_reset_link_is_refused(app, client, outbox, auth, member):
    link = reset_link(client, outbox, member.email)
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    response = choose_password(client, link)
    assert response.status_code == 422
    assert "This link has expired. Please ask for a new one." in response.text
    assert_password_works(auth, member.email, DEFAULT_PASSWORD)


def test_weak_new_password_is_refused_and_old_one_still_works(
    client, outbox, auth, member
):
    link = reset_link(client, outbox, member.email)
    response = choose_password(client, link, "password1234")
    assert response.status_code == 422
    assert "This password is too easy to guess." in response.text
    assert_password_works(auth, member.email, DEFAULT_PASSWORD)
    assert client.get(link).status_code == 200
