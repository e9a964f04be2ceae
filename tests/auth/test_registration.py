"""Registration: pending account, confirmation link, no enumeration, approval mode."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AccountStatus, AuditEntry, User
from tests.factories import fresh_session

LEILA = {
    "display_name": "Leila Ben Salah",
    "username": "leila",
    "email": "leila@coop-sfax.example",
    "password": "jasmine grows in sfax",
    "confirm": "jasmine grows in sfax",
}


def register(client, **changes):
    """Fill in the registration form as Leila, with some fields changed."""
    return client.post("/auth/register", data={**LEILA, **changes})


def register_and_confirm(client, outbox):
    """Register Leila and open the link mailed to her."""
    register(client)
    link = outbox.last_link(LEILA["email"], "/auth/confirm/")
    return client.get(link, follow_redirects=True)


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def leila() -> User | None:
    return fresh_session().scalar(select(User).where(User.email == LEILA["email"]))


def test_register_creates_unconfirmed_account_and_mails_confirm_link(client, outbox):
    response = register(client)
    assert response.status_code == 302
    assert response.location.endswith("/auth/check-email")
    account = leila()
    assert account.username == "leila"
    assert account.display_name == "Leila Ben Salah"
    assert not account.email_confirmed
    assert account.password_hash != LEILA["password"]
    assert outbox.last_link(LEILA["email"], "/auth/confirm/")


def test_login_refused_before_confirmation_with_clear_message(client, outbox, auth):
    register(client)
    response = auth.login(LEILA["email"], LEILA["password"])
    assert response.status_code == 422
    assert "Please confirm your email address first" in response.text
    assert client.get("/settings").status_code == 302


def test_confirm_link_confirms_address_and_allows_login(client, outbox, auth):
    page = register_and_confirm(client, outbox)
    assert "Your email address is confirmed. You can log in." in page.text
    assert leila().email_confirmed
    assert auth.login(LEILA["email"], LEILA["password"]).status_code == 302
    assert client.get("/settings").status_code == 200


def _tampered(link: str) -> str:
    # Change a character in the middle of the signature: the last base64
    # character may only carry padding bits, so changing it can be a no-op.
    position = len(link) - 10
    swapped = "A" if link[position] != "A" else "B"
    return link[:position] + swapped + link[position + 1 :]


@pytest.mark.parametrize(
    "make_link",
    [
        lambda link: "/auth/confirm/not-a-real-token",
        _tampered,
        lambda link: link.replace("/auth/confirm/", "/auth/confirm/x"),
    ],
    ids=["forged", "signature-changed", "payload-changed"],
)
def test_bad_confirm_link_shows_clear_error_page(client, outbox, make_link):
    register(client)
    link = outbox.last_link(LEILA["email"], "/auth/confirm/")
    response = client.get(make_link(link))
    assert response.status_code == 422
    assert "This link is not valid or has already been used." in response.text
    assert not leila().email_confirmed


def test_duplicate_email_creates_nothing_and_warns_owner(client, outbox, member):
    before = user_count()
    response = register(client, username="maria-marseille", email="Maria@Coop.example")
    assert response.status_code == 302
    assert response.location.endswith("/auth/check-email")
    assert user_count() == before
    mails = outbox.to("maria@coop.example")
    assert len(mails) == 1
    assert "tried to register" in mails[0]["Subject"]
    assert "already has one" in mails[0].get_content()
    assert "/auth/confirm/" not in mails[0].get_content()


def test_duplicate_username_is_a_form_error(client, outbox, member):
    response = register(client, username="Maria")
    assert response.status_code == 422
    assert "This username is taken." in response.text
    assert leila() is None
    assert outbox.messages() == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "short one", "confirm": "short one"}, "at least 10 characters"),
        (
            {"password": "motdepasse123", "confirm": "motdepasse123"},
            "too easy to guess",
        ),
        (
            {
                "username": "leila.bensalah",
                "password": "Leila.BenSalah",
                "confirm": "Leila.BenSalah",
            },
            "too easy to guess",
        ),
    ],
    ids=["too-short", "common", "same-as-username"],
)
def test_weak_password_is_refused_and_nothing_stored(client, outbox, changes, message):
    response = register(client, **changes)
    assert response.status_code == 422
    assert message in response.text
    assert leila() is None
    assert outbox.messages() == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"confirm": "jasmine grows in tunis"}, "The passwords differ."),
        ({"email": "leila-at-coop-sfax"}, "Enter a valid email address."),
    ],
    ids=["passwords-differ", "invalid-email"],
)
def test_invalid_form_is_refused_and_nothing_stored(client, outbox, changes, message):
    response = register(client, **changes)
    assert response.status_code == 422
    assert message in response.text
    assert user_count() == 0
    assert outbox.messages() == []


class TestApprovalMode:
    """REGISTRATION_MODE = "approval": an administrator lets new members in."""

    @pytest.fixture
    def app_config(self):
        return {"REGISTRATION_MODE": "approval"}

    def test_confirmed_account_waits_for_approval(self, client, outbox, auth):
        page = register_and_confirm(client, outbox)
        assert "An administrator will now review your account." in page.text
        assert leila().status is AccountStatus.PENDING
        response = auth.login(LEILA["email"], LEILA["password"])
        assert response.status_code == 422
        assert "waiting for approval by an administrator" in response.text

    def test_admin_approval_lets_member_in_and_is_audited(
        self, client, outbox, auth, admin, browser
    ):
        register_and_confirm(client, outbox)
        account = leila()
        admin_browser = browser(admin.email)
        response = admin_browser.post(f"/admin/users/{account.id}/approve")
        assert response.status_code == 302
        assert leila().status is AccountStatus.ACTIVE
        assert auth.login(LEILA["email"], LEILA["password"]).status_code == 302
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "user.approve")
        )
        assert (entry.actor_id, entry.target_id) == (admin.id, str(account.id))
        log = admin_browser.get("/admin/audit", query_string={"action": "user.approve"})
        assert "leila" in log.text
