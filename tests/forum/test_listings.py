"""Point 1: the home matrix, listings by country and theme, sorting, unread marks."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from forum.columns import utcnow
from forum.extensions import db
from tests.factories import reload
from tests.forum.factories import make_reply, make_thread, old_member
from tests.forum.pages import listed_threads, section, thread_row

DAY = timedelta(days=1)


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def matrix_link(html: str, href: str) -> tuple[int, str] | None:
    """Return the count and the "last activity" title (if any) of a matrix link."""
    found = re.search(
        rf'<td><a href="{href}"(?: title="([^"]*)")?>(\d+)</a></td>', html
    )
    return (int(found.group(2)), found.group(1) or "") if found else None


def theme_card(html: str, slug: str) -> str:
    start = html.index(f'<h3 class="card__title"><a href="/t/{slug}">')
    return html[start : html.index("</li>", start)]


def test_home_matrix_counts_threads_per_country_and_theme(client):
    make_thread(
        country="TN",
        themes=("social-finance", "digital"),
        last_activity_at=at(2025, 3, 5),
    )
    make_thread(
        country="TN", themes=("social-finance",), last_activity_at=at(2025, 1, 10)
    )
    make_thread(country="MA", themes=("digital",), last_activity_at=at(2024, 7, 1))
    make_thread(country="TN", themes=("digital",), deleted_at=utcnow())
    make_thread(country="TN", themes=("digital",), approved=False)

    html = section(client.get("/").text, "matrix-heading")

    # Each country's row says its latest activity; the cells give the counts.
    assert matrix_link(html, "/c/TN") == (2, "last activity Mar 5, 2025")
    assert matrix_link(html, "/c/TN/t/social-finance") == (2, "")
    assert matrix_link(html, "/c/TN/t/digital") == (1, "")
    assert matrix_link(html, "/c/MA") == (1, "last activity Jul 1, 2024")
    assert matrix_link(html, "/c/MA/t/digital") == (1, "")
    assert matrix_link(html, "/c/MA/t/social-finance") is None
    assert matrix_link(html, "/c/FR") is None


def test_home_theme_cards_count_a_thread_in_each_of_its_themes(client):
    make_thread(themes=("social-finance", "digital"), last_activity_at=at(2025, 3, 5))
    make_thread(country="MA", themes=("digital",), last_activity_at=at(2024, 7, 1))

    home = client.get("/").text

    assert "2 discussions · last activity Mar 5, 2025" in theme_card(home, "digital")
    assert "1 discussion · last activity Mar 5, 2025" in theme_card(
        home, "social-finance"
    )
    assert "0 discussions" in theme_card(home, "health-care")


def test_home_shows_featured_and_latest_discussions(client):
    featured = make_thread(title="Ethical banks in Tunisia", featured=True)
    older = make_thread(title="Seed funds", last_activity_at=utcnow() - 2 * DAY)
    newer = make_thread(title="Crowdfunding rules", last_activity_at=utcnow() - DAY)
    make_thread(title="Spam waiting for approval", approved=False)

    home = client.get("/").text

    assert listed_threads(section(home, "featured-heading")) == [featured.id]
    assert listed_threads(section(home, "latest-heading")) == [
        featured.id,
        newer.id,
        older.id,
    ]
    assert "Spam waiting for approval" not in home


def test_home_has_no_featured_section_when_nothing_is_featured(client):
    make_thread()
    assert 'id="featured-heading"' not in client.get("/").text


@pytest.fixture
def places():
    """Threads in Tunisia and Morocco, on social finance and digital matters."""
    return {
        "tn_finance": make_thread(country="TN", themes=("social-finance",)),
        "tn_both": make_thread(country="TN", themes=("digital", "social-finance")),
        "tn_digital": make_thread(country="TN", themes=("digital",)),
        "ma_finance": make_thread(country="MA", themes=("social-finance",)),
        "med_finance": make_thread(country="MED", themes=("social-finance",)),
    }


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/c/TN", {"tn_finance", "tn_both", "tn_digital"}),
        ("/c/tn", {"tn_finance", "tn_both", "tn_digital"}),
        ("/t/social-finance", {"tn_finance", "tn_both", "ma_finance", "med_finance"}),
        ("/c/TN/t/social-finance", {"tn_finance", "tn_both"}),
        ("/c/MED", {"med_finance"}),
        ("/c/FR", set()),
    ],
)
def test_listing_shows_exactly_the_threads_of_its_country_and_theme(
    client, places, path, expected
):
    response = client.get(path)
    assert response.status_code == 200
    assert set(listed_threads(response.text)) == {places[key].id for key in expected}
    assert f"{len(expected)} discussion" in response.text


def test_listing_leaves_out_deleted_and_unapproved_threads(client):
    shown = make_thread()
    make_thread(deleted_at=utcnow())
    make_thread(approved=False)
    assert listed_threads(client.get("/c/TN").text) == [shown.id]


@pytest.mark.parametrize(
    "path",
    ["/c/XX", "/t/no-such-theme", "/c/TN/t/no-such-theme", "/c/XX/t/social-finance"],
)
def test_unknown_country_or_theme_is_404(client, path):
    assert client.get(path).status_code == 404


@pytest.fixture
def three_threads():
    """Threads that each come first in one order."""
    now = utcnow()
    talked_about = make_thread(title="Most replies")
    for _ in range(3):
        make_reply(talked_about)
    active = make_thread(title="Latest activity")
    make_reply(active)
    recent = make_thread(title="Newest")
    for thread, created, active_at in [
        (talked_about, now - 5 * DAY, now - 3 * DAY),
        (active, now - 10 * DAY, now - timedelta(hours=1)),
        (recent, now - DAY, now - DAY),
    ]:
        thread.created_at, thread.last_activity_at = created, active_at
    db.session.commit()
    return talked_about, active, recent


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("latest", [1, 2, 0]),
        ("newest", [2, 0, 1]),
        ("replies", [0, 1, 2]),
        ("nonsense", [1, 2, 0]),
    ],
)
def test_listing_sorts_by_activity_creation_or_replies(
    client, three_threads, sort, order
):
    listed = listed_threads(client.get(f"/c/TN?sort={sort}").text)
    assert listed == [three_threads[index].id for index in order]


@pytest.mark.parametrize("sort", ["latest", "newest", "replies"])
def test_pinned_threads_come_first_in_every_order(client, three_threads, sort):
    pinned = make_thread(
        title="House rules",
        pinned=True,
        created_at=utcnow() - 400 * DAY,
        last_activity_at=utcnow() - 400 * DAY,
    )
    listed = listed_threads(client.get(f"/t/social-finance?sort={sort}").text)
    assert listed[0] == pinned.id
    assert len(listed) == 4
    assert "Pinned" in thread_row(client.get("/c/TN").text, pinned.id)


class TestPagination:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "THREADS_PER_PAGE": 2}

    def test_listing_pages_through_every_thread_once(self, client):
        now = utcnow()
        made = [make_thread(last_activity_at=now - n * DAY).id for n in range(5)]

        first = client.get("/c/TN").text
        second = client.get("/c/TN?page=2").text
        third = client.get("/c/TN?page=3").text

        assert listed_threads(first) == made[0:2]
        assert listed_threads(second) == made[2:4]
        assert listed_threads(third) == made[4:5]
        assert "Page 2 of 3" in second
        assert 'rel="next" href="/c/TN?page=2"' in first
        assert 'rel="prev" href="/c/TN?page=1"' in second
        assert "5 discussions" in first

    def test_sort_is_kept_when_paging(self, client):
        for _ in range(3):
            make_thread()
        assert (
            'href="/c/TN?sort=newest&amp;page=2"'
            in client.get("/c/TN?sort=newest").text
        )

    def test_page_beyond_the_last_is_empty_not_an_error(self, client):
        make_thread()
        response = client.get("/c/TN?page=9")
        assert response.status_code == 200
        assert listed_threads(response.text) == []


def new_and_unread(html: str, thread_id: int) -> tuple[bool, bool]:
    row = thread_row(html, thread_id)
    return ">New<" in row, ">Unread replies<" in row


def test_thread_started_since_the_previous_visit_is_new(client, auth):
    reader = old_member(previous_visit_at=utcnow() - 2 * DAY)
    before = make_thread(title="Before the visit")
    before.created_at = before.last_activity_at = utcnow() - 3 * DAY
    db.session.commit()
    after = make_thread(title="Since the visit")
    auth.login(reader.email)

    page = client.get("/c/TN").text

    assert new_and_unread(page, after.id) == (True, False)
    assert new_and_unread(page, before.id) == (False, False)


def test_read_thread_with_a_new_reply_shows_unread_replies(client, auth):
    reader = old_member(previous_visit_at=utcnow() - 2 * DAY)
    thread = make_thread()
    auth.login(reader.email)
    assert new_and_unread(client.get("/c/TN").text, thread.id) == (True, False)

    client.get(f"/threads/{thread.id}")
    assert new_and_unread(client.get("/c/TN").text, thread.id) == (False, False)

    make_reply(thread)
    assert new_and_unread(client.get("/c/TN").text, thread.id) == (False, True)
    assert new_and_unread(client.get("/").text, thread.id) == (False, True)

    client.get(f"/threads/{thread.id}")
    assert new_and_unread(client.get("/c/TN").text, thread.id) == (False, False)


def test_own_threads_and_replies_are_never_new_or_unread(client, auth):
    reader = old_member(previous_visit_at=utcnow() - 2 * DAY)
    auth.login(reader.email)
    own = make_thread(reader)
    client.post(f"/threads/{own.id}/reply", data={"body": "Adding a detail."})
    assert new_and_unread(client.get("/c/TN").text, own.id) == (False, False)


def test_visitors_see_no_new_or_unread_marks(client):
    thread = make_thread()
    make_reply(thread)
    assert new_and_unread(client.get("/c/TN").text, thread.id) == (False, False)


def test_coming_back_after_a_while_starts_a_new_visit(client, auth):
    reader = old_member(last_seen_at=utcnow() - 2 * DAY)
    auth.login(reader.email)
    reader = reload(reader)
    assert reader.previous_visit_at is not None
    assert utcnow() - 2 * DAY - timedelta(minutes=1) < reader.previous_visit_at
    assert reader.previous_visit_at < utcnow() - DAY


def test_returning_to_a_logged_in_session_starts_a_new_visit(client, auth):
    reader = old_member()
    auth.login(reader.email)
    left_at = utcnow() - 3 * DAY
    reload(reader).last_seen_at = left_at
    db.session.commit()

    client.get("/")

    assert reload(reader).previous_visit_at == left_at
