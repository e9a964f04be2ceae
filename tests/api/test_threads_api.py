"""The forum API: listing threads and reading a thread's tree."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from forum.columns import utcnow
from forum.extensions import db
from forum.models import Thread
from tests.api.test_api import assert_json_error
from tests.factories import make_user
from tests.forum.factories import make_reply, make_thread, old_member, opening_post


def ids(response) -> list[int]:
    return [thread["id"] for thread in response.json["threads"]]


def age(thread: Thread, hours: int) -> Thread:
    """Make a thread look `hours` old, created and last active then."""
    thread.created_at = thread.last_activity_at = utcnow() - timedelta(hours=hours)
    db.session.commit()
    return thread


# Listing ----------------------------------------------------------------------


def test_thread_list_describes_each_thread(visitor, author):
    thread = make_thread(author, title="Solar cooperatives", country="MA", pinned=True)

    response = visitor.get("/threads")

    assert response.status_code == 200
    assert response.json["total"] == 1
    (item,) = response.json["threads"]
    assert item["id"] == thread.id
    assert item["title"] == "Solar cooperatives"
    assert item["url"] == f"http://localhost/threads/{thread.id}"
    assert item["country"] == "MA"
    assert item["themes"] == ["social-finance"]
    assert item["language"] == "en"
    assert item["author"] == {"username": "karim", "display_name": "Karim"}
    assert item["reply_count"] == 0
    assert (item["pinned"], item["locked"], item["featured"]) == (True, False, False)
    assert item["accepted_post_id"] is None
    for key in ("created_at", "last_activity_at"):
        assert datetime.fromisoformat(item[key]).utcoffset() == timedelta(0)


def test_thread_list_filters_by_country_theme_and_both(visitor):
    tn_finance = make_thread(country="TN", themes=("social-finance",))
    tn_digital = make_thread(country="TN", themes=("digital",))
    fr_finance = make_thread(country="FR", themes=("social-finance", "digital"))

    assert set(ids(visitor.get("/threads?country=TN"))) == {
        tn_finance.id,
        tn_digital.id,
    }
    assert set(ids(visitor.get("/threads?theme=digital"))) == {
        tn_digital.id,
        fr_finance.id,
    }
    assert ids(visitor.get("/threads?country=TN&theme=social-finance")) == [
        tn_finance.id
    ]


def test_thread_list_sorts_like_the_pages(visitor):
    quiet = age(make_thread(title="quiet"), 3)
    busy = age(make_thread(title="busy"), 5)
    fresh = age(make_thread(title="fresh"), 1)
    make_reply(busy)
    make_reply(busy)

    assert ids(visitor.get("/threads")) == [busy.id, fresh.id, quiet.id]
    assert ids(visitor.get("/threads?sort=newest")) == [fresh.id, quiet.id, busy.id]
    assert ids(visitor.get("/threads?sort=replies"))[0] == busy.id


def test_thread_list_is_paginated(visitor):
    threads = [age(make_thread(), hours) for hours in range(7, 0, -1)]
    newest_first = [t.id for t in reversed(threads)]

    pages = [visitor.get(f"/threads?sort=newest&page={n}").json for n in (1, 2, 3)]

    assert [p["page"] for p in pages] == [1, 2, 3]
    assert {(p["total"], p["pages"]) for p in pages} == {(7, 3)}
    listed = [t["id"] for p in pages for t in p["threads"]]
    assert listed == newest_first
    assert visitor.get("/threads?page=4").json["threads"] == []


def test_thread_list_leaves_out_deleted_and_unapproved_threads(visitor, api_as):
    public = make_thread()
    make_thread(deleted_at=utcnow())
    make_thread(approved=False)

    assert ids(visitor.get("/threads")) == [public.id]
    assert ids(api_as(make_user(role="admin")).get("/threads")) == [public.id]


@pytest.mark.parametrize(
    "query",
    [
        "sort=oldest",
        "page=0",
        "page=-1",
        "page=abc",
        "page=99999999999999999999",
        "country=XX",
        "theme=nothing",
    ],
)
def test_thread_list_refuses_unknown_filters_with_422(visitor, query):
    assert_json_error(visitor.get(f"/threads?{query}"), 422, "invalid")


# Reading a thread ---------------------------------------------------------------


@pytest.fixture
def conversation(author):
    """An opening post; answers A and B; A1 and A2 answer A; A1x answers A1."""
    thread = make_thread(author, body="Opening")
    first = opening_post(thread)
    a = make_reply(thread, body="A")
    b = make_reply(thread, body="B")
    a1 = make_reply(thread, to=a, body="A1")
    a1x = make_reply(thread, to=a1, body="A1x")
    a2 = make_reply(thread, to=a, body="A2")
    return thread, [first, a, b, a1, a1x, a2]


def shape(node: dict) -> tuple:
    """Return (body, [children's shapes]) for comparing trees."""
    return (node["body_html"], [shape(child) for child in node["replies"]])


def test_thread_has_its_posts_as_a_nested_tree(visitor, conversation):
    thread, (first, a, b, a1, a1x, a2) = conversation

    response = visitor.get(f"/threads/{thread.id}")

    assert response.status_code == 200
    data = response.json
    assert data["id"] == thread.id and data["reply_count"] == 5
    (root,) = data["posts"]
    assert shape(root) == (
        "<p>Opening</p>",
        [
            (
                "<p>A</p>",
                [
                    ("<p>A1</p>", [("<p>A1x</p>", [])]),
                    ("<p>A2</p>", []),
                ],
            ),
            ("<p>B</p>", []),
        ],
    )
    a_node = root["replies"][0]
    assert (a_node["id"], a_node["parent_id"]) == (a.id, None)
    assert a_node["replies"][0]["parent_id"] == a.id
    assert root["parent_id"] is None
    assert set(a_node) >= {
        "id",
        "parent_id",
        "author",
        "body_html",
        "created_at",
        "edited_at",
        "helpful_count",
        "status",
        "replies",
    }
    assert a_node["status"] == "visible"


def test_thread_tree_is_read_in_a_constant_number_of_queries(app, visitor, author):
    def queries_for(thread) -> int:
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert visitor.get(f"/threads/{thread.id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    small = make_thread(author)
    make_reply(small)
    big = make_thread(author)
    previous = None
    for n in range(12):
        previous = make_reply(big, to=previous if n % 3 else None)

    assert queries_for(big) == queries_for(small) <= 6


def test_hidden_post_body_is_absent_for_a_member_and_present_for_a_moderator(
    api_as, conversation, moderator
):
    thread, (first, a, *_) = conversation
    a.hidden_at = utcnow()
    a.hidden_reason = "Insults"
    db.session.commit()

    as_member = api_as(old_member()).get(f"/threads/{thread.id}").json
    as_moderator = api_as(moderator).get(f"/threads/{thread.id}").json

    member_a = as_member["posts"][0]["replies"][0]
    assert member_a["id"] == a.id
    assert member_a["status"] == "hidden"
    assert member_a["body_html"] is None
    assert member_a["hidden_reason"] == "Insults"
    assert "<p>A</p>" not in str(as_member)
    # The replies to a hidden post keep their place under it.
    assert len(member_a["replies"]) == 2
    assert as_moderator["posts"][0]["replies"][0]["body_html"] == "<p>A</p>"


def test_pending_reply_is_shown_to_its_author_only(api_as, visitor, author):
    thread = make_thread(author)
    newcomer = make_user()
    reply = make_reply(thread, newcomer, body="My first words")
    reply.approved = False
    db.session.commit()

    mine = api_as(newcomer).get(f"/threads/{thread.id}").json["posts"][0]["replies"]
    theirs = visitor.get(f"/threads/{thread.id}").json["posts"][0]["replies"]

    assert [(p["status"], p["body_html"]) for p in mine] == [
        ("pending", "<p>My first words</p>")
    ]
    assert theirs == []


@pytest.mark.parametrize(
    "columns",
    [{"deleted_at": utcnow()}, {"approved": False}],
    ids=["deleted", "waiting"],
)
def test_thread_not_visible_is_404(visitor, columns):
    thread = make_thread(**columns)
    assert_json_error(visitor.get(f"/threads/{thread.id}"), 404, "not_found")


@pytest.mark.parametrize("path", ["/threads/999999", "/threads/99999999999999999999"])
def test_unknown_thread_is_404(visitor, path):
    assert_json_error(visitor.get(path), 404, "not_found")
