"""Point 2: the reply tree, the flat view, permalinks across pages, quoting."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from forum.extensions import db
from tests.forum.factories import make_reply, make_thread, opening_post
from tests.forum.pages import post_classes, post_html, posts_shown


def in_reply_to(html: str, post_id: int) -> int | None:
    """Return the id of the post an "In reply to" link of a post points at."""
    found = re.search(r'In reply to <a href="#post-(\d+)">', post_html(html, post_id))
    return int(found.group(1)) if found else None


@pytest.fixture
def conversation():
    """An opening post, two answers, and answers to the first one."""
    thread = make_thread()
    first = opening_post(thread)
    a = make_reply(thread, body="A")
    b = make_reply(thread, body="B")
    a1 = make_reply(thread, to=a, body="A1")
    a1x = make_reply(thread, to=a1, body="A1x")
    a2 = make_reply(thread, to=a, body="A2")
    return thread, [first, a, b, a1, a1x, a2]


def test_tree_view_nests_replies_under_what_they_answer(client, conversation):
    thread, (first, a, b, a1, a1x, a2) = conversation
    page = client.get(f"/threads/{thread.id}").text

    assert posts_shown(page) == [p.id for p in (first, a, a1, a1x, a2, b)]
    classes = post_classes(page)
    assert "post--depth-0" in classes[first.id]
    assert "post--depth-0" in classes[a.id]
    assert "post--depth-1" in classes[a1.id]
    assert "post--depth-2" in classes[a1x.id]
    assert "post--depth-1" in classes[a2.id]
    assert "post--depth-0" in classes[b.id]
    # The nesting says what is answered: no "In reply to" in the tree.
    assert all(in_reply_to(page, p.id) is None for p in (a1, a1x, a2))


def test_flat_view_is_chronological_with_in_reply_to_links(client, conversation):
    thread, (first, a, b, a1, a1x, a2) = conversation
    page = client.get(f"/threads/{thread.id}?view=flat").text

    assert posts_shown(page) == [p.id for p in (first, a, b, a1, a1x, a2)]
    assert {c for p in post_classes(page).values() for c in p if "depth" in c} == {
        "post--depth-0"
    }
    assert in_reply_to(page, a1.id) == a.id
    assert in_reply_to(page, a1x.id) == a1.id
    assert in_reply_to(page, a2.id) == a.id
    assert in_reply_to(page, b.id) is None
    assert 'aria-current="true">Oldest first' in page


def test_tree_indents_to_depth_five_then_links_to_the_parent(client):
    thread = make_thread()
    chain = [make_reply(thread)]
    for _ in range(7):
        chain.append(make_reply(thread, to=chain[-1]))
    assert [post.depth for post in chain] == list(range(8))

    page = client.get(f"/threads/{thread.id}").text

    classes = post_classes(page)
    for post in chain:
        assert f"post--depth-{min(post.depth, 5)}" in classes[post.id]
    for parent, post in zip(chain, chain[1:], strict=False):
        expected = parent.id if post.depth > 5 else None
        assert in_reply_to(page, post.id) == expected


class TestPermalinks:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "POSTS_PER_PAGE": 3}

    @pytest.fixture
    def long_thread(self):
        """Eight posts over three pages; the tree and time orders differ."""
        thread = make_thread()
        a = make_reply(thread, body="A")
        b = make_reply(thread, body="B")
        c = make_reply(thread, body="C")
        a1 = make_reply(thread, to=a, body="A1")
        b1 = make_reply(thread, to=b, body="B1")
        a2 = make_reply(thread, to=a, body="A2")
        a1x = make_reply(thread, to=a1, body="A1x")
        posts = [opening_post(thread), a, b, c, a1, b1, a2, a1x]
        # Same second for two posts: the id breaks the tie in time order.
        a2.created_at = b1.created_at
        db.session.commit()
        return thread, posts

    @pytest.mark.parametrize("view", ["tree", "flat"])
    def test_every_permalink_leads_to_the_page_that_shows_the_post(
        self, client, long_thread, view
    ):
        thread, posts = long_thread
        query = "?view=flat" if view == "flat" else ""
        pages = set()
        for post in posts:
            response = client.get(f"/posts/{post.id}{query}")
            assert response.status_code == 302
            target = response.location
            assert target.endswith(f"#post-{post.id}")
            assert ("view=flat" in target) == (view == "flat")
            page = re.search(r"page=(\d+)", target)
            pages.add(int(page.group(1)) if page else 1)
            shown = client.get(target.split("#")[0])
            assert post.id in posts_shown(shown.text), (post.body_markdown, target)
        assert pages == {1, 2, 3}

    def test_tree_pages_hold_posts_in_tree_order(self, client, long_thread):
        thread, (first, a, b, c, a1, b1, a2, a1x) = long_thread
        shown = [
            posts_shown(client.get(f"/threads/{thread.id}?page={n}").text)
            for n in (1, 2, 3)
        ]
        assert shown == [
            [first.id, a.id, a1.id],
            [a1x.id, a2.id, b.id],
            [b1.id, c.id],
        ]

    def test_reply_whose_parent_is_on_an_earlier_page_names_it(
        self, client, long_thread
    ):
        thread, (first, a, b, c, a1, b1, a2, a1x) = long_thread
        page = client.get(f"/threads/{thread.id}?page=2&view=flat").text
        assert posts_shown(page) == [c.id, a1.id, b1.id]
        assert in_reply_to(page, a1.id) == a.id
        assert "In reply to <a" in post_html(page, b1.id)

    def test_permalink_of_unknown_post_is_404(self, client):
        assert client.get("/posts/424242").status_code == 404


def test_quote_prefills_the_reply_with_quoted_lines(client, maria):
    thread = make_thread()
    quoted = make_reply(thread, body="First line\nSecond line\n\nThird")
    page = client.get(f"/threads/{thread.id}/reply?to={quoted.id}&quote={quoted.id}")
    assert page.status_code == 200
    name = quoted.author.username
    assert (
        f"@{name}:\n&gt; First line\n&gt; Second line\n&gt; \n&gt; Third\n\n</textarea>"
        in page.text
    )


def test_quote_and_reply_links_on_each_post(client, maria, conversation):
    thread, (first, a, *_) = conversation
    post = post_html(client.get(f"/threads/{thread.id}").text, a.id)
    assert f'href="/threads/{thread.id}/reply?to={a.id}"' in post
    assert f'href="/threads/{thread.id}/reply?to={a.id}&amp;quote={a.id}"' in post
    opening = post_html(client.get(f"/threads/{thread.id}").text, first.id)
    assert f'href="/threads/{thread.id}/reply?quote={first.id}"' in opening


def test_post_times_link_to_their_permalinks(client, conversation):
    thread, posts = conversation
    page = client.get(f"/threads/{thread.id}").text
    for post in posts:
        assert f'href="/posts/{post.id}"' in post_html(page, post.id)


def test_deep_thread_refuses_replies_beyond_the_stored_depth(app, member):
    from forum.errors import ValidationError
    from forum.services.threads import MAX_STORED_DEPTH

    thread = make_thread()
    deep = make_reply(thread)
    deep.depth = MAX_STORED_DEPTH
    db.session.commit()
    with pytest.raises(ValidationError, match="too deep"):
        make_reply(thread, to=deep)


def test_flat_view_orders_by_posting_time_not_by_id(client):
    thread = make_thread()
    later = make_reply(thread)
    earlier = make_reply(thread)
    earlier.created_at = later.created_at - timedelta(seconds=5)
    db.session.commit()
    flat = posts_shown(client.get(f"/threads/{thread.id}?view=flat").text)
    assert flat[1:] == [earlier.id, later.id]
