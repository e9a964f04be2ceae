"""The heaviest pages, with their stylesheets and scripts, stay under 60 KB gzipped."""

from __future__ import annotations

import gzip
import re

import pytest

from forum.services import chat
from tests.forum.factories import make_reply, make_thread
from tests.library.factories import make_published_practice
from tests.workshops.factories import make_workshop

BUDGET = 60 * 1024
ASSET_LINK = re.compile(r'(?:href|src)="(/static/[^"?]+\.(?:css|js)(?:\?[^"]*)?)"')
PARAGRAPH = (
    "Our cooperative buys olive oil from forty small growers and sells it in "
    "three cities; members decide prices together each autumn, and a share of "
    "the margin pays for training in organic methods. "
)


@pytest.fixture
def app_config() -> dict:
    # High limits rather than RATELIMIT_ENABLED=False, which would leave the
    # shared limiter disabled for the tests that run after these.
    generous = "100000 per hour"
    return {
        "POSTS_NEEDING_APPROVAL": 0,
        "RATELIMIT_THREADS": generous,
        "RATELIMIT_THREADS_NEW_ACCOUNT": generous,
        "RATELIMIT_REPLIES": generous,
        "RATELIMIT_REPLIES_NEW_ACCOUNT": generous,
        "RATELIMIT_CHAT": generous,
    }


def page_weight(client, path: str) -> tuple[int, int]:
    """Return the bytes of a page and its assets: plain, and gzipped one by one."""
    response = client.get(path)
    assert response.status_code == 200, path
    bodies = [response.get_data()]
    for url in ASSET_LINK.findall(response.text):
        with client.get(url) as asset:
            bodies.append(asset.get_data())
    return sum(map(len, bodies)), sum(len(gzip.compress(b)) for b in bodies)


def assert_within_budget(client, path: str) -> None:
    plain, compressed = page_weight(client, path)
    assert compressed < BUDGET, f"{path}: {plain} bytes, {compressed} gzipped"


def test_thread_of_fifty_posts_stays_under_budget(client):
    thread = make_thread(body=PARAGRAPH * 3)
    for number in range(49):
        make_reply(thread, body=f"Answer {number}. " + PARAGRAPH * 2)
    assert_within_budget(client, f"/threads/{thread.id}")


def test_search_results_stay_under_budget(client):
    for number in range(25):
        make_thread(title=f"Olive oil cooperative {number}", body=PARAGRAPH * 3)
    assert_within_budget(client, "/search?q=cooperative")


def test_practice_page_stays_under_budget(client):
    practice = make_published_practice()
    assert_within_budget(client, f"/practices/{practice.id}")


def test_workshop_room_stays_under_budget(app, client, member, auth):
    workshop = make_workshop(access="open")
    for number in range(50):
        with app.test_request_context():
            chat.post_message(
                member,
                workshop,
                body=f"Point {number}: " + PARAGRAPH,
                client_id=f"c{number}",
            )
    auth.login(member.email)
    assert_within_budget(client, f"/workshops/{workshop.id}/room")
