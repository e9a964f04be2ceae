"""Merging two threads and splitting replies off into a new one."""

from __future__ import annotations

from sqlalchemy import select

from forum.models import Post, Thread
from forum.models.threads import path_segment
from tests.factories import fresh_session
from tests.forum.factories import make_reply, make_thread, old_member, opening_post
from tests.forum.pages import post_classes, posts_shown
from tests.moderation.log import entries


def _posts(thread_id: int) -> dict[int, Post]:
    query = select(Post).where(Post.thread_id == thread_id)
    return {post.id: post for post in fresh_session().scalars(query)}


def test_merge_moves_every_post_into_the_target_in_tree_order(
    client, auth, tn_moderator
):
    target = make_thread(title="Savings groups")
    x = make_reply(target, old_member())
    source = make_thread(title="Savings groups again")
    a = make_reply(source, old_member())
    b = make_reply(source, old_member(), to=a)
    c = make_reply(source, old_member())
    y = make_reply(target, old_member())
    source_opening = opening_post(source)
    auth.login(tn_moderator.email)

    response = client.post(
        f"/mod/threads/{source.id}/merge",
        data={"target": f"http://localhost/threads/{target.id}", "reason": "Same"},
    )

    assert response.headers["Location"] == f"/threads/{target.id}"
    page = client.get(f"/threads/{target.id}").get_data(as_text=True)
    first = opening_post(target).id
    assert posts_shown(page) == [first, x.id, source_opening.id, a.id, b.id, c.id, y.id]
    assert "post--depth-1" in post_classes(page)[b.id]
    moved = _posts(target.id)[source_opening.id]
    assert (moved.is_first, moved.parent_id) == (False, None)
    session = fresh_session()
    assert session.get(Thread, target.id).reply_count == 6
    old = session.get(Thread, source.id)
    assert old.merged_into_id == target.id
    assert old.deleted_at is not None
    assert old.reply_count == 0
    [entry] = entries("thread.merge")
    assert entry.reason == "Same"
    assert entry.details["into"] == target.id


def test_old_address_of_a_merged_thread_leads_to_the_target(
    client, auth, browser, tn_moderator, member
):
    target = make_thread()
    source = make_thread()
    reply = make_reply(source, old_member())
    browser(tn_moderator.email).post(
        f"/mod/threads/{source.id}/merge", data={"target": str(target.id)}
    )
    auth.login(member.email)

    old_link = client.get(f"/threads/{source.id}")
    permalink = client.get(f"/posts/{reply.id}")

    assert old_link.status_code == 302
    assert old_link.headers["Location"] == f"/threads/{target.id}"
    assert permalink.headers["Location"].startswith(f"/threads/{target.id}")


def test_merge_into_itself_or_nowhere_is_refused_on_the_form(
    client, auth, tn_moderator
):
    thread = make_thread()
    auth.login(tn_moderator.email)

    itself = client.post(
        f"/mod/threads/{thread.id}/merge", data={"target": str(thread.id)}
    )
    nowhere = client.post(f"/mod/threads/{thread.id}/merge", data={"target": "99999"})

    assert itself.status_code == 422
    assert nowhere.status_code == 422
    assert "There is no such discussion." in nowhere.get_data(as_text=True)
    assert fresh_session().get(Thread, thread.id).deleted_at is None


def test_split_builds_the_new_tree_and_leaves_the_rest(client, auth, global_moderator):
    thread = make_thread(country="MA", themes=("digital", "training-skills"))
    a = make_reply(thread, old_member())
    b = make_reply(thread, old_member(), to=a)
    c = make_reply(thread, old_member(), to=b)
    d = make_reply(thread, old_member())
    e = make_reply(thread, old_member(), to=d)
    auth.login(global_moderator.email)

    form = client.get(f"/mod/threads/{thread.id}/split").get_data(as_text=True)
    assert f'value="{a.id}"' in form
    response = client.post(
        f"/mod/threads/{thread.id}/split",
        data={
            "title": "A side question",
            "post_ids": [str(a.id), str(b.id), str(c.id), str(e.id)],
            "reason": "Different subject",
        },
    )

    new = fresh_session().scalar(
        select(Thread).where(Thread.title == "A side question")
    )
    assert response.headers["Location"] == f"/threads/{new.id}"
    assert (new.country_code, new.theme_slugs, new.language) == (
        "MA",
        ["training-skills", "digital"],
        "en",
    )
    moved = _posts(new.id)
    assert set(moved) == {a.id, b.id, c.id, e.id}
    assert moved[a.id].is_first and moved[a.id].parent_id is None
    # b answered a, now the opening post: replies to it sit at the top level.
    assert (moved[b.id].parent_id, moved[b.id].depth) == (None, 0)
    assert (moved[c.id].parent_id, moved[c.id].depth) == (b.id, 1)
    assert moved[c.id].path == f"{path_segment(b.id)}/{path_segment(c.id)}"
    # e's parent stayed behind: e goes to the top level.
    assert (moved[e.id].parent_id, moved[e.id].path) == (None, path_segment(e.id))
    assert new.reply_count == 3
    kept = _posts(thread.id)
    assert set(kept) == {opening_post(thread).id, d.id}
    assert fresh_session().get(Thread, thread.id).reply_count == 1
    page = client.get(f"/threads/{new.id}").get_data(as_text=True)
    assert posts_shown(page) == [a.id, b.id, c.id, e.id]
    [entry] = entries("thread.split")
    assert entry.reason == "Different subject"
    assert entry.details["new_thread"] == new.id


def test_reply_left_behind_without_its_parent_goes_to_the_top_level(
    client, auth, global_moderator
):
    thread = make_thread()
    a = make_reply(thread, old_member())
    b = make_reply(thread, old_member(), to=a)
    c = make_reply(thread, old_member(), to=b)
    auth.login(global_moderator.email)

    client.post(
        f"/mod/threads/{thread.id}/split",
        data={"title": "Only b", "post_ids": [str(b.id)]},
    )

    kept = _posts(thread.id)
    assert (kept[c.id].parent_id, kept[c.id].depth) == (None, 0)
    assert kept[c.id].path == path_segment(c.id)
    assert kept[a.id].depth == 0


def test_opening_post_cannot_be_split_off(client, auth, global_moderator):
    thread = make_thread()
    make_reply(thread, old_member())
    first = opening_post(thread)
    auth.login(global_moderator.email)

    response = client.post(
        f"/mod/threads/{thread.id}/split",
        data={"title": "Nope", "post_ids": [str(first.id)]},
    )

    assert response.status_code == 422
    assert _posts(thread.id)[first.id].is_first


def test_split_needs_replies_of_this_thread(client, auth, global_moderator):
    thread = make_thread()
    other = make_reply(make_thread(), old_member())
    auth.login(global_moderator.email)

    nothing = client.post(
        f"/mod/threads/{thread.id}/split", data={"title": "Empty", "post_ids": []}
    )
    foreign = client.post(
        f"/mod/threads/{thread.id}/split",
        data={"title": "Foreign", "post_ids": [str(other.id)]},
    )

    assert nothing.status_code == 422
    assert foreign.status_code == 422
    assert _posts(other.thread_id)[other.id].thread_id == other.thread_id
