"""Point 2: editing one's posts with a history, and deleting them."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.models import PostRevision
from tests.factories import make_user, reload
from tests.forum.factories import make_reply, make_thread, old_member, opening_post
from tests.forum.pages import post_html


def test_edit_form_shows_the_raw_markdown(client, maria):
    post = make_reply(make_thread(), maria, body="Some **bold** <b>claim</b>")
    form = client.get(f"/posts/{post.id}/edit")
    assert form.status_code == 200
    assert "Some **bold** &lt;b&gt;claim&lt;/b&gt;</textarea>" in form.text


def test_editing_own_post_shows_edited_and_keeps_a_revision(client, maria):
    thread = make_thread()
    post = make_reply(thread, maria, body="Interest at 5%")

    response = client.post(f"/posts/{post.id}/edit", data={"body": "Interest at 4%"})

    assert response.status_code == 302
    post = reload(post)
    assert (post.body_markdown, post.edit_count) == ("Interest at 4%", 1)
    assert post.edited_at is not None
    revisions = db.session.scalars(select(PostRevision)).all()
    assert [(r.post_id, r.body_markdown, r.editor_id) for r in revisions] == [
        (post.id, "Interest at 5%", maria.id)
    ]
    shown = post_html(client.get(f"/threads/{thread.id}").text, post.id)
    assert "Interest at 4%" in shown
    assert f'href="/posts/{post.id}/history">edited</a>' in shown


def test_saving_an_unchanged_post_makes_no_revision(client, maria):
    post = make_reply(make_thread(), maria, body="Same")
    client.post(f"/posts/{post.id}/edit", data={"body": "Same"})
    assert reload(post).edited_at is None
    assert db.session.scalars(select(PostRevision)).all() == []


def test_editing_the_opening_post_can_rename_the_thread(client, maria):
    thread = make_thread(maria, title="Old title")
    first = opening_post(thread)
    assert 'value="Old title"' in client.get(f"/posts/{first.id}/edit").text
    client.post(
        f"/posts/{first.id}/edit", data={"title": "New title", "body": "New text"}
    )
    assert reload(thread).title == "New title"
    revision = db.session.scalar(select(PostRevision))
    assert revision.title == "Old title"


def test_edit_of_too_long_title_is_refused(client, maria):
    thread = make_thread(maria, title="Short")
    response = client.post(
        f"/posts/{opening_post(thread).id}/edit",
        data={"title": "x" * 201, "body": "Text"},
    )
    assert response.status_code == 422
    assert reload(thread).title == "Short"


def test_history_is_shown_to_the_author_and_moderators_only(client, maria, browser):
    thread = make_thread()
    post = make_reply(thread, maria, body="First version")
    client.post(f"/posts/{post.id}/edit", data={"body": "Second version"})

    own = client.get(f"/posts/{post.id}/history")
    assert own.status_code == 200
    assert "First version" in own.text
    assert "Second version" in own.text

    moderator = browser(make_user(role="moderator").email)
    assert "First version" in moderator.get(f"/posts/{post.id}/history").text

    other = browser(old_member().email)
    refused = other.get(f"/posts/{post.id}/history")
    assert refused.status_code == 403
    assert "First version" not in refused.text
    shown = post_html(other.get(f"/threads/{thread.id}").text, post.id)
    assert '<span class="meta">edited</span>' in shown
    assert "/history" not in shown


def test_another_member_cannot_edit(client, maria, browser):
    thread = make_thread()
    post = make_reply(thread, maria, body="Mine")
    other = browser(old_member().email)

    assert other.get(f"/posts/{post.id}/edit").status_code == 403
    response = other.post(f"/posts/{post.id}/edit", data={"body": "Theirs"})

    assert response.status_code == 403
    assert "Access denied" in response.text
    assert reload(post).body_markdown == "Mine"
    assert f"/posts/{post.id}/edit" not in other.get(f"/threads/{thread.id}").text


def test_moderator_can_edit_a_members_post(client, maria, browser):
    post = make_reply(make_thread(), maria, body="Phone: 555")
    moderator = browser(make_user(role="moderator").email)
    response = moderator.post(f"/posts/{post.id}/edit", data={"body": "[removed]"})
    assert response.status_code == 302
    assert reload(post).body_markdown == "[removed]"


def test_visitor_cannot_edit(client):
    post = make_reply(make_thread())
    response = client.get(f"/posts/{post.id}/edit")
    assert response.status_code == 302
    assert response.location.startswith("/auth/login")


def test_deleting_own_reply_leaves_a_placeholder(client, maria):
    thread = make_thread()
    post = make_reply(thread, maria, body="Call me on 555-0199")
    assert reload(thread).reply_count == 1

    response = client.post(f"/posts/{post.id}/delete")

    assert response.status_code == 302
    assert reload(post).deleted_at is not None
    assert reload(post).body_markdown == "Call me on 555-0199"  # soft
    assert reload(thread).reply_count == 0
    page = client.get(f"/threads/{thread.id}").text
    assert "Deleted by its author." in post_html(page, post.id)
    assert "0 replies" in page


def test_deleted_post_content_is_gone_for_everyone(app, client, maria, browser):
    thread = make_thread()
    post = make_reply(thread, maria, body="Call me on 555-0199")
    client.post(f"/posts/{post.id}/delete")

    for reader in (app.test_client(), browser(old_member().email), client):
        page = reader.get(f"/threads/{thread.id}").text
        assert "Deleted by its author." in post_html(page, post.id)
        assert "555-0199" not in page
        assert "555-0199" not in reader.get(f"/threads/{thread.id}?view=flat").text


def test_opening_post_cannot_be_deleted_by_its_author(client, maria):
    thread = make_thread(maria)
    first = opening_post(thread)
    response = client.post(f"/posts/{first.id}/delete")
    assert response.status_code == 422
    assert "The opening post cannot be deleted." in response.text
    assert reload(first).deleted_at is None


def test_member_cannot_delete_someone_elses_post(client, maria):
    post = make_reply(make_thread())
    response = client.post(f"/posts/{post.id}/delete")
    assert response.status_code == 403
    assert reload(post).deleted_at is None


def test_deleted_post_can_be_neither_edited_nor_deleted_again(client, maria):
    post = make_reply(make_thread(), maria)
    client.post(f"/posts/{post.id}/delete")
    assert client.get(f"/posts/{post.id}/edit").status_code == 403
    assert client.post(f"/posts/{post.id}/delete").status_code == 403


def test_deleting_the_accepted_answer_unmarks_it(client, maria):
    thread = make_thread()
    answer = make_reply(thread, maria, body="Use the regional guarantee fund")
    thread.accepted_post_id = answer.id
    db.session.commit()
    client.post(f"/posts/{answer.id}/delete")
    assert reload(thread).accepted_post_id is None
    assert "Answered" not in client.get("/c/TN").text
