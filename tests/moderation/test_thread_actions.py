"""Pin, lock, feature, rename, move, delete and restore, through the pages."""

from __future__ import annotations

import pytest

from tests.factories import fresh_session, reload
from tests.forum.factories import make_reply, make_thread, old_member
from tests.moderation.log import entries


def _act(client, thread, name: str, **data):
    return client.post(f"/mod/threads/{thread.id}/{name}", data=data)


@pytest.mark.parametrize(
    ("name", "column", "before", "after", "action"),
    [
        ("pin", "pinned", False, True, "thread.pin"),
        ("unpin", "pinned", True, False, "thread.unpin"),
        ("lock", "locked", False, True, "thread.lock"),
        ("unlock", "locked", True, False, "thread.unlock"),
        ("feature", "featured", False, True, "thread.feature"),
        ("unfeature", "featured", True, False, "thread.unfeature"),
    ],
)
def test_switch_action_changes_the_thread_and_is_audited(
    client, auth, tn_moderator, name, column, before, after, action
):
    thread = make_thread(**{column: before})
    auth.login(tn_moderator.email)

    response = _act(client, thread, name, reason="Because of the rules")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/threads/{thread.id}"
    assert getattr(reload(thread), column) is after
    [entry] = entries(action)
    assert entry.actor_id == tn_moderator.id
    assert entry.reason == "Because of the rules"
    assert (entry.target_type, entry.target_id) == ("thread", str(thread.id))
    assert entry.country_code == "TN"
    assert entry.theme_slugs == ["social-finance"]


def test_each_action_flashes_a_confirmation(client, auth, tn_moderator):
    thread = make_thread()
    auth.login(tn_moderator.email)

    page = client.post(f"/mod/threads/{thread.id}/pin", follow_redirects=True)

    assert "The discussion is pinned." in page.get_data(as_text=True)


def test_locked_thread_shows_its_reason_and_refuses_member_replies(
    client, auth, browser, tn_moderator, maria
):
    thread = make_thread()
    moderator = browser(tn_moderator.email)
    moderator.post(f"/mod/threads/{thread.id}/lock", data={"reason": "Off the rails"})

    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    refused = client.post(f"/threads/{thread.id}/reply", data={"body": "One more"})

    assert "Off the rails" in page
    assert f'action="/threads/{thread.id}/reply"' not in page
    assert refused.status_code == 403
    assert "Off the rails" in refused.get_data(as_text=True)
    assert reload(thread).reply_count == 0


def test_rename_changes_the_title_and_keeps_the_old_one_in_the_log(
    client, auth, tn_moderator
):
    thread = make_thread(title="Microcredit questoin")
    auth.login(tn_moderator.email)

    response = _act(
        client, thread, "rename", title="Microcredit question", reason="Typo"
    )

    assert response.status_code == 302
    assert reload(thread).title == "Microcredit question"
    [entry] = entries("thread.rename")
    assert entry.details == {
        "before": "Microcredit questoin",
        "after": "Microcredit question",
    }
    assert entry.reason == "Typo"


def test_rename_to_an_empty_title_shows_the_error_on_the_form(
    client, auth, tn_moderator
):
    thread = make_thread(title="Keep me")
    auth.login(tn_moderator.email)

    response = _act(client, thread, "rename", title="   ")

    assert response.status_code == 422
    assert "Give the thread a title." in response.get_data(as_text=True)
    assert reload(thread).title == "Keep me"


def test_move_changes_country_and_themes_and_is_audited(client, auth, global_moderator):
    thread = make_thread(country="TN", themes=("social-finance",))
    auth.login(global_moderator.email)

    response = client.post(
        f"/mod/threads/{thread.id}/move",
        data={
            "country": "MA",
            "themes": ["circular-economy", "digital"],
            "reason": "Wrong place",
        },
    )

    assert response.status_code == 302
    thread = reload(thread)
    assert thread.country_code == "MA"
    assert thread.theme_slugs == ["circular-economy", "digital"]
    [entry] = entries("thread.move")
    assert entry.reason == "Wrong place"
    assert entry.details["before"] == {"country": "TN", "themes": ["social-finance"]}
    listing = client.get("/c/MA/t/circular-economy").get_data(as_text=True)
    assert f'href="/threads/{thread.id}"' in listing


def test_move_form_shows_the_current_place(client, auth, tn_moderator):
    thread = make_thread(country="TN", themes=("social-finance",))
    auth.login(tn_moderator.email)

    page = client.get(f"/mod/threads/{thread.id}/move").get_data(as_text=True)

    assert '<option selected value="TN">' in page
    assert (
        'checked id="themes-1" name="themes" type="checkbox" value="social-finance"'
        in page
    )


def test_move_needs_one_to_three_themes(client, auth, tn_moderator):
    thread = make_thread()
    auth.login(tn_moderator.email)

    response = client.post(f"/mod/threads/{thread.id}/move", data={"country": "TN"})

    assert response.status_code == 422
    assert "Choose one to three themes." in response.get_data(as_text=True)


def test_delete_needs_a_reason_then_hides_the_thread_from_members(
    client, auth, browser, tn_moderator, member
):
    thread = make_thread()
    moderator = browser(tn_moderator.email)

    without = moderator.post(f"/mod/threads/{thread.id}/delete", data={"reason": ""})
    assert without.status_code == 422
    assert reload(thread).deleted_at is None

    moderator.post(f"/mod/threads/{thread.id}/delete", data={"reason": "Spam ring"})

    thread = reload(thread)
    assert thread.deleted_at is not None
    assert thread.delete_reason == "Spam ring"
    assert entries("thread.delete")[0].reason == "Spam ring"
    auth.login(member.email)
    assert client.get(f"/threads/{thread.id}").status_code == 404
    listing = client.get("/c/TN").get_data(as_text=True)
    assert f'href="/threads/{thread.id}"' not in listing


def test_admin_restores_a_deleted_thread(client, auth, admin):
    thread = make_thread(title="Back again")
    auth.login(admin.email)
    client.post(f"/mod/threads/{thread.id}/delete", data={"reason": "Mistake?"})

    panel = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f"/mod/threads/{thread.id}/restore" in panel
    response = client.post(
        f"/mod/threads/{thread.id}/restore", data={"reason": "It was fine"}
    )

    assert response.status_code == 302
    assert reload(thread).deleted_at is None
    assert entries("thread.restore")[0].reason == "It was fine"
    auth.logout()
    assert client.get(f"/threads/{thread.id}").status_code == 200


def test_moderator_cannot_restore_a_thread(client, auth, global_moderator):
    thread = make_thread()
    auth.login(global_moderator.email)
    client.post(f"/mod/threads/{thread.id}/delete", data={"reason": "Duplicate"})

    response = client.post(f"/mod/threads/{thread.id}/restore")

    assert response.status_code == 403
    assert reload(thread).deleted_at is not None
    assert entries("thread.restore") == []


def test_featured_thread_appears_on_the_home_page(client, auth, tn_moderator):
    thread = make_thread(title="A model cooperative bank")
    auth.login(tn_moderator.email)
    client.post(f"/mod/threads/{thread.id}/feature")
    auth.logout()

    home = client.get("/").get_data(as_text=True)

    assert "A model cooperative bank" in home


def test_moderation_panel_is_shown_only_to_moderators_of_the_thread(
    client, auth, tn_moderator, circular_moderator, member
):
    thread = make_thread(country="TN", themes=("social-finance",))
    tools = f'action="/mod/threads/{thread.id}/delete"'

    auth.login(member.email)
    assert tools not in client.get(f"/threads/{thread.id}").get_data(as_text=True)
    auth.logout()
    auth.login(circular_moderator.email)
    assert tools not in client.get(f"/threads/{thread.id}").get_data(as_text=True)
    auth.logout()
    auth.login(tn_moderator.email)
    assert tools in client.get(f"/threads/{thread.id}").get_data(as_text=True)


def test_unchanged_state_is_not_logged_twice(client, auth, tn_moderator):
    thread = make_thread()
    auth.login(tn_moderator.email)

    _act(client, thread, "pin")
    _act(client, thread, "pin")

    assert len(entries("thread.pin")) == 1


def test_deleted_thread_takes_no_other_action(client, auth, tn_moderator):
    thread = make_thread()
    make_reply(thread, old_member())
    auth.login(tn_moderator.email)
    _act(client, thread, "delete", reason="Gone")

    response = _act(client, thread, "pin")

    assert response.status_code == 409
    assert fresh_session().get(type(thread), thread.id).pinned is False
