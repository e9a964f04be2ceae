"""A member downloads their own data from the settings (the right of access)."""

from __future__ import annotations

import json

import pytest

from forum.errors import PermissionDenied
from forum.extensions import db
from forum.services import adoptions, api_tokens, chat, following, member_data
from forum.services import workshops as workshop_service
from tests.factories import make_user
from tests.forum.factories import make_reply, make_thread, old_member
from tests.library.factories import make_published_practice
from tests.test_pages import _check_page
from tests.workshops.factories import make_workshop


@pytest.fixture
def app_config():
    return {"POSTS_NEEDING_APPROVAL": 0}


def take_part(member, other, workshop, word: str) -> dict:
    """Have `member` write a little of everything; return their secret token."""
    thread = make_thread(member, title=f"{word} thread", body=f"{word} opening")
    make_reply(other_thread(other), member, body=f"{word} reply")
    practice = make_published_practice(member, title=f"{word} practice")
    workshop_service.register(member, workshop)
    chat.post_message(member, workshop, body=f"{word} says hello", client_id=word)
    following.follow(member, theme_slug="social-finance")
    _, secret = api_tokens.create_api_token(member, name=f"{word} robot")
    return {"thread": thread, "practice": practice, "secret": secret}


def other_thread(user):
    return make_thread(user, title=f"Thread of {user.username}")


def download(client) -> dict:
    response = client.post("/settings/data")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    return json.loads(response.get_data(as_text=True))


def test_download_holds_the_members_content_and_nothing_of_others(app, client, maria):
    karim = old_member(username="karim", email="karim@ong.example")
    workshop = make_workshop(title="Cooperative finance clinic")
    mine = take_part(maria, karim, workshop, "Zaatar")
    theirs = take_part(karim, maria, workshop, "Sumac")
    adoptions.record_adoption(
        maria,
        theirs["practice"],
        kind="adapted",
        note="Ours",
        organisation="Zitouna coop",
    )

    data = download(client)

    assert data["profile"]["email"] == "maria@coop.example"
    # Her own, its practice's discussion, and the one Karim's reply went to.
    titles = {t["title"] for t in data["threads"]}
    assert titles == {"Zaatar thread", "Zaatar practice", "Thread of maria"}
    bodies = [p["body_markdown"] for p in data["posts"]]
    assert "Zaatar opening" in bodies and "Zaatar reply" in bodies
    assert [p["title"] for p in data["practices"]] == ["Zaatar practice"]
    assert data["practice_revisions"]
    assert data["adoptions"][0]["note"] == "Ours"
    assert [p["workshop_id"] for p in data["workshop_participations"]] == [workshop.id]
    assert [m["body_markdown"] for m in data["chat_messages"]] == ["Zaatar says hello"]
    assert data["follows"][0]["theme_slug"] == "social-finance"
    assert [t["name"] for t in data["api_tokens"]] == ["Zaatar robot"]
    assert data["notifications"]  # Karim replied in her thread

    text = json.dumps(data, ensure_ascii=False)
    # Notifications may name Karim's thread; nothing he wrote or owns is there.
    for word in ("Sumac opening", "Sumac reply", "Sumac says", "Sumac robot"):
        assert word not in text
    assert "karim@ong.example" not in text
    assert mine["secret"] not in text and theirs["secret"] not in text
    assert maria.password_hash not in text
    assert maria.session_token not in text
    assert "password" not in text and "token_hash" not in text


def test_download_lists_audit_entries_about_the_member(app, client, maria, admin):
    from forum.services import members

    members.suspend_user(admin, maria, reason="Too many links", until=None)
    members.lift_suspension(admin, maria, reason="Agreed to stop")
    data = download(client)
    reasons = [entry["reason"] for entry in data["audit_entries"]]
    assert "Too many links" in reasons and "Agreed to stop" in reasons


def test_only_the_member_or_an_admin_may_gather_the_data(app, member, admin):
    other = make_user()
    with pytest.raises(PermissionDenied):
        member_data.member_data(other, member)
    assert member_data.member_data(admin, member)["profile"]["id"] == member.id


def test_download_needs_the_csrf_token_and_a_login(client, maria, auth):
    assert client.post("/settings/data", csrf=False).status_code == 400
    auth.logout()
    response = client.post("/settings/data")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_data_page_is_well_formed(client, maria, language):
    _check_page(client, "/settings/data", language)


def test_data_page_offers_download_and_erasure(client, maria):
    page = client.get("/settings/data").get_data(as_text=True)
    assert "Download my data" in page
    assert 'href="/settings/erase"' in page
    settings = client.get("/settings").get_data(as_text=True)
    assert 'href="/settings/data"' in settings
    assert 'href="/settings/erase"' in settings


def test_erased_member_data_has_no_personal_details(app, member):
    from forum.services import members

    members.erase_account(member, member)
    db.session.refresh(member)
    profile = member_data.member_data(member, member)["profile"]
    assert profile["email"].endswith("@erased.invalid")
    assert profile["display_name"] == ""
