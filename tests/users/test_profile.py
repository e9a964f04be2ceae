"""Profile settings, public profiles and erasing one's own account."""

from __future__ import annotations

import pytest

from tests.factories import DEFAULT_PASSWORD, reload

BIO = (
    "**Housing cooperative** in the Marseille region.\n\n"
    "<script>alert('owned')</script><img src=x onerror=alert(1)>"
)
PROFILE = {
    "display_name": "Maria Giordano",
    "organisation": "Coopérative Les Calanques Solidaires",
    "actor_type": "sse_enterprise",
    "country": "FR",
    "languages": ["fr", "it"],
    "bio": BIO,
    "locale": "fr",
    "timezone": "Europe/Paris",
}


def save_profile(client, **changes):
    return client.post("/settings", data={**PROFILE, **changes})


def anonymous(app):
    return app.test_client()


def assert_bio_is_sanitised(html: str):
    assert "<strong>Housing cooperative</strong>" in html
    assert "<script" not in html
    assert "alert('owned')" not in html
    assert "onerror" not in html


def test_settings_save_profile_and_preferences(client, maria):
    response = save_profile(client)
    assert response.status_code == 302
    user = reload(maria)
    assert user.display_name == "Maria Giordano"
    assert user.organisation == "Coopérative Les Calanques Solidaires"
    assert user.actor_type.value == "sse_enterprise"
    assert (user.country_code, user.languages) == ("FR", ["fr", "it"])
    assert user.bio_markdown == BIO
    assert_bio_is_sanitised(user.bio_html)
    assert (user.locale, user.timezone) == ("fr", "Europe/Paris")
    assert '<html lang="fr"' in client.get("/settings").text


@pytest.mark.parametrize(
    "changes",
    [{"country": "XX"}, {"timezone": "Mars/Olympus_Mons"}, {"actor_type": "bank"}],
    ids=["country", "timezone", "actor-type"],
)
def test_settings_refuse_values_off_the_list(client, maria, changes):
    response = save_profile(client, **changes)
    assert response.status_code == 422
    user = reload(maria)
    assert (user.display_name, user.organisation, user.bio_markdown) == (
        maria.display_name,
        "",
        "",
    )
    assert (user.country_code, user.locale, user.timezone) == (None, None, "UTC")


def test_public_profile_shows_name_organisation_and_safe_bio(app, client, maria):
    save_profile(client)
    response = anonymous(app).get("/u/maria")
    assert response.status_code == 200
    assert "Maria Giordano" in response.text
    assert "Coopérative Les Calanques Solidaires" in response.text
    assert_bio_is_sanitised(response.text)


def test_public_profile_of_unknown_username_is_404(client):
    response = client.get("/u/nobody-here")
    assert response.status_code == 404
    assert "There is no member with that username." in response.text


def test_ten_megabyte_field_is_refused_with_413(client, maria):
    response = save_profile(client, bio="olive " * (10 * 1024 * 1024 // 6))
    assert response.status_code == 413
    assert reload(maria).bio_markdown == ""
    assert reload(maria).display_name == maria.display_name


def test_erase_with_wrong_password_is_refused(client, maria):
    response = client.post("/settings/erase", data={"password": "not my password"})
    assert response.status_code == 422
    assert "Your password is not correct." in response.text
    assert not reload(maria).is_deleted
    assert client.get("/settings").status_code == 200


def test_erase_own_account_logs_out_and_removes_personal_data(
    app, client, maria, admin, browser
):
    save_profile(client, locale="en")
    response = client.post("/settings/erase", data={"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.get("/settings").status_code == 302
    user = reload(maria)
    assert "maria" not in user.email
    assert (user.display_name, user.organisation, user.bio_html) == ("", "", "")
    assert user.public_name == "Former member"
    assert anonymous(app).get("/u/maria").status_code == 404
    assert anonymous(app).get(f"/u/{user.username}").status_code == 404
    page = browser(admin.email).get(f"/admin/users/{user.id}").text
    assert "Former member" in page
    assert "Maria Giordano" not in page
