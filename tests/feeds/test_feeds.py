"""Atom feeds per country, theme, both, and per thread: public content only."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from forum.columns import utcnow
from forum.extensions import db
from tests.forum.factories import make_reply, make_thread, opening_post

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_feed(response) -> ET.Element:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}").text
    return root


def entries(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{ATOM}entry")


def titles(root: ET.Element) -> list[str]:
    return [entry.find(f"{ATOM}title").text for entry in entries(root)]


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_country_feed_lists_its_threads_newest_first_with_full_entries(client):
    older = make_thread(title="Older one", country="TN")
    newer = make_thread(title="Newer one", country="TN", body="**Hello** feed")
    make_thread(title="Elsewhere", country="FR")
    older.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()

    root = parse_feed(client.get("/feeds/c/TN.atom"))

    assert titles(root) == ["Newer one", "Older one"]
    entry = entries(root)[0]
    for name in ("id", "title", "updated", "published"):
        assert entry.find(f"{ATOM}{name}").text
    assert entry.find(f"{ATOM}author/{ATOM}name").text == newer.author.display_name
    link = entry.find(f"{ATOM}link").get("href")
    assert link == f"http://localhost/threads/{newer.id}"
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert content.text == "<p><strong>Hello</strong> feed</p>"


def test_feed_links_are_absolute(client):
    make_thread(country="TN")
    root = parse_feed(client.get("/feeds/c/TN.atom"))
    hrefs = [link.get("href") for link in root.iter(f"{ATOM}link")]
    assert hrefs and all(href.startswith("http://localhost/") for href in hrefs)
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith("/c/TN.atom")
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        "http://localhost/c/TN"
    )


def test_theme_feed_and_country_theme_feed_filter_threads(client):
    make_thread(title="Tunisian finance", country="TN", themes=("social-finance",))
    make_thread(title="French finance", country="FR", themes=("social-finance",))
    make_thread(title="Tunisian other", country="TN", themes=("digital",))

    by_theme = parse_feed(client.get("/feeds/t/social-finance.atom"))
    both = parse_feed(client.get("/feeds/c/TN/t/social-finance.atom"))

    assert sorted(titles(by_theme)) == ["French finance", "Tunisian finance"]
    assert titles(both) == ["Tunisian finance"]


def test_listing_feed_has_at_most_thirty_entries(client):
    for _ in range(31):
        make_thread(country="IT")
    assert len(entries(parse_feed(client.get("/feeds/c/IT.atom")))) == 30


def test_empty_feed_is_still_valid(client):
    root = parse_feed(client.get("/feeds/c/MT/t/social-finance.atom"))
    assert entries(root) == []


@pytest.mark.parametrize(
    "path",
    ["/feeds/c/XX.atom", "/feeds/t/no-such-theme.atom", "/feeds/threads/999.atom"],
)
def test_unknown_feed_is_404(client, path):
    assert client.get(path).status_code == 404


def test_huge_thread_id_is_404_not_500(client):
    assert client.get("/feeds/threads/99999999999999999999999.atom").status_code == 404


def test_deleted_and_unapproved_threads_are_not_in_listing_feeds(client):
    make_thread(title="Public thread", country="TN")
    make_thread(title="Deleted thread", country="TN", deleted_at=utcnow())
    make_thread(title="Waiting thread", country="TN", approved=False)

    for path in ("/feeds/c/TN.atom", "/feeds/t/social-finance.atom"):
        response = client.get(path)
        assert titles(parse_feed(response)) == ["Public thread"]
        assert "Deleted thread" not in text_of(response)
        assert "Waiting thread" not in text_of(response)


def test_hidden_opening_post_leaves_no_content_in_listing_feed(client):
    thread = make_thread(country="TN", body="Secret opening words")
    opening = opening_post(thread)
    opening.hidden_at = utcnow()
    db.session.commit()

    response = client.get("/feeds/c/TN.atom")

    entry = entries(parse_feed(response))[0]
    assert entry.find(f"{ATOM}content") is None
    assert "Secret opening words" not in text_of(response)


def test_thread_feed_lists_public_posts_newest_first(client):
    thread = make_thread(title="Cooperative banks", body="Opening words")
    first = make_reply(thread, body="First answer")
    second = make_reply(thread, to=first, body="Second answer")
    opening_post(thread).created_at = utcnow() - timedelta(minutes=10)
    first.created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()

    root = parse_feed(client.get(f"/feeds/threads/{thread.id}.atom"))

    contents = [e.find(f"{ATOM}content").text for e in entries(root)]
    assert contents == [
        "<p>Second answer</p>",
        "<p>First answer</p>",
        "<p>Opening words</p>",
    ]
    assert titles(root)[0] == "Re: Cooperative banks"
    links = [e.find(f"{ATOM}link").get("href") for e in entries(root)]
    assert links[0] == f"http://localhost/posts/{second.id}"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_thread_feed_leaves_out_hidden_deleted_and_unapproved_posts(client):
    thread = make_thread()
    make_reply(thread, body="Kind and public")
    hidden = make_reply(thread, body="Hidden insult")
    deleted = make_reply(thread, body="Deleted by its author")
    waiting = make_reply(thread, body="Waiting for approval")
    hidden.hidden_at = utcnow()
    deleted.deleted_at = utcnow()
    waiting.approved = False
    db.session.commit()

    response = client.get(f"/feeds/threads/{thread.id}.atom")

    assert len(entries(parse_feed(response))) == 2
    body = text_of(response)
    assert "Kind and public" in body
    for secret in ("Hidden insult", "Deleted by its author", "Waiting for approval"):
        assert secret not in body


@pytest.mark.parametrize(
    "columns",
    [{"deleted_at": utcnow()}, {"approved": False}],
    ids=["deleted", "waiting"],
)
def test_thread_feed_of_a_thread_not_public_is_404(client, columns):
    thread = make_thread(**columns)
    assert client.get(f"/feeds/threads/{thread.id}.atom").status_code == 404


def test_feed_escapes_markup_in_titles_and_drops_characters_xml_cannot_hold(client):
    make_thread(title="Fish & <chips> \x01 time", country="TN")
    root = parse_feed(client.get("/feeds/c/TN.atom"))
    assert titles(root) == ["Fish & <chips>  time"]


def test_listing_and_thread_pages_announce_their_feeds(client):
    thread = make_thread(country="TN")
    listing = text_of(client.get("/c/TN/t/social-finance"))
    page = text_of(client.get(f"/threads/{thread.id}"))
    assert 'type="application/atom+xml"' in listing
    assert 'href="/feeds/c/TN/t/social-finance.atom"' in listing
    assert f'href="/feeds/threads/{thread.id}.atom"' in page
