"""Atom feeds of newly published practices, per country, theme or both."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from forum.extensions import db
from forum.services import practice_review
from tests.factories import make_user
from tests.feeds.test_feeds import ATOM, entries, parse_feed, titles
from tests.library.factories import make_practice, make_published_practice


def test_feed_lists_published_practices_newest_first_with_their_summary(client):
    older = make_published_practice(title="Seed bank", summary="Seeds <kept> & lent.")
    newer = make_published_practice(title="Solar kiosks", language="fr")
    older.published_at = older.published_at - timedelta(days=2)
    db.session.commit()

    root = parse_feed(client.get("/feeds/practices.atom"))

    assert root.find(f"{ATOM}title").text == "New good practices · Agora"
    assert titles(root) == ["Solar kiosks", "Seed bank"]
    first, second = entries(root)
    link = first.find(f"{ATOM}link").get("href")
    assert link == f"http://localhost/practices/{newer.id}"
    assert first.find(f"{ATOM}id").text == link
    assert first.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert first.find(f"{ATOM}author/{ATOM}name").text == newer.author.display_name
    content = second.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert content.text == "<p>Seeds &lt;kept&gt; &amp; lent.</p>"
    alternate = root.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == "http://localhost/practices"


def test_feed_leaves_out_what_is_not_published(client):
    moderator = make_user(role="moderator")
    make_published_practice(title="Published one")
    make_practice(title="Draft one")
    waiting = make_practice(title="Waiting one")
    practice_review.submit_practice(waiting.author, waiting)
    refused = make_practice(title="Refused one")
    practice_review.submit_practice(refused.author, refused)
    practice_review.reject_practice(moderator, refused, reason="Duplicate.")
    withdrawn = make_published_practice(title="Withdrawn one")
    with current_app.test_request_context():
        practice_review.withdraw_practice(moderator, withdrawn, reason="Copied.")

    assert titles(parse_feed(client.get("/feeds/practices.atom"))) == ["Published one"]


def test_feeds_per_country_theme_and_both(client):
    make_published_practice(title="Tunis digital", country="TN", themes=["digital"])
    make_published_practice(title="Tunis finance", country="TN")
    make_published_practice(title="Rabat digital", country="MA", themes=["digital"])

    def feed(path):
        return set(titles(parse_feed(client.get(path))))

    assert feed("/feeds/practices/c/TN.atom") == {"Tunis digital", "Tunis finance"}
    assert feed("/feeds/practices/t/digital.atom") == {"Tunis digital", "Rabat digital"}
    assert feed("/feeds/practices/c/TN/t/digital.atom") == {"Tunis digital"}
    assert feed("/feeds/practices.atom?country=MA&theme=digital") == {"Rabat digital"}
    root = parse_feed(client.get("/feeds/practices/c/TN/t/digital.atom"))
    assert root.find(f"{ATOM}title").text == (
        "Tunisia · Digital: new good practices · Agora"
    )
    assert root.find(f"{ATOM}id").text == (
        "http://localhost/feeds/practices/c/TN/t/digital.atom"
    )


def test_unknown_country_or_theme_is_a_404(client):
    assert client.get("/feeds/practices/c/ZZ.atom").status_code == 404
    assert client.get("/feeds/practices/t/nothing.atom").status_code == 404


def test_empty_feed_is_still_valid(client):
    root = parse_feed(client.get("/feeds/practices/c/MT.atom"))
    assert entries(root) == []


def test_hostile_text_keeps_the_feed_valid_xml(client):
    make_published_practice(
        title="<script>alert(1)</script> \x0bvertical tab",
        summary="]]> <!-- & \x1f unit separator",
    )
    root = parse_feed(client.get("/feeds/practices.atom"))
    (entry,) = entries(root)
    assert entry.find(f"{ATOM}title").text.startswith("<script>alert(1)</script>")
    assert "]]&gt; &lt;!-- &amp;" in entry.find(f"{ATOM}content").text


def test_feed_keeps_the_newest_thirty(client):
    author, moderator = make_user(), make_user(role="moderator")
    for number in range(31):
        make_published_practice(author, moderator, title=f"Practice {number}")
    assert len(entries(parse_feed(client.get("/feeds/practices.atom")))) == 30
