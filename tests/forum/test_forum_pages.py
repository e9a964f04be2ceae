"""Forum pages have a title, one h1, headings in order and labelled fields."""

from __future__ import annotations

from tests.factories import make_user
from tests.forum.factories import make_reply, make_thread, opening_post
from tests.test_pages import PageOutline, _check_page


def forum_paths(thread) -> list[str]:
    return [
        "/",
        "/c/TN",
        "/t/social-finance",
        "/c/TN/t/social-finance",
        f"/threads/{thread.id}",
        f"/threads/{thread.id}?view=flat",
    ]


def member_paths(thread, post) -> list[str]:
    return [
        "/threads/new",
        f"/threads/{thread.id}/reply",
        f"/threads/{thread.id}/reply?to={post.id}&quote={post.id}",
        f"/posts/{post.id}/edit",
        f"/posts/{opening_post(thread).id}/edit",
        f"/posts/{post.id}/history",
    ]


def test_forum_pages_are_well_formed_for_visitors(client):
    thread = make_thread(featured=True)
    make_reply(thread, to=make_reply(thread))
    for path in forum_paths(thread):
        _check_page(client, path)
        _check_page(client, path, "ar")


def test_forum_pages_are_well_formed_for_members(client, auth):
    author = make_user()
    thread = make_thread(author)
    post = make_reply(thread, author, to=make_reply(thread))
    auth.login(author.email)
    client.post(f"/posts/{post.id}/edit", data={"body": "Edited"})
    for path in forum_paths(thread) + member_paths(thread, post):
        _check_page(client, path)


def test_forms_with_errors_and_previews_are_well_formed(client, maria):
    thread = make_thread()
    pages = [
        client.post("/threads/new", data={"title": "", "body": "x"}),
        client.post(
            f"/threads/{thread.id}/reply", data={"body": "*x*", "preview": "Preview"}
        ),
    ]
    for response in pages:
        outline = PageOutline()
        outline.feed(response.text)
        assert outline.headings.count(1) == 1
        assert outline.unlabelled_fields() == []
