"""Hidden and waiting posts reach only those allowed to read them, on every page.

"member" wrote a reply that waits for approval (its author and moderators in
scope may read it) and a reply a moderator hid (only moderators in scope may
read it). Every page, feed and API answer that shows posts is read as each
role: the text never appears for anybody else.
"""

from __future__ import annotations

import pytest

from tests.access.matrix import IN_SCOPE
from tests.access.roles import HIDDEN_TEXT, PENDING_TEXT, ROLES

READERS = {
    HIDDEN_TEXT: IN_SCOPE,
    PENDING_TEXT: ("member", *IN_SCOPE),
}
# Where a post's text could show: pages, feeds, search and the API.
PLACES = [
    "/threads/{thread}",
    "/threads/{thread}?view=flat",
    "/threads/{thread}/reply?quote={hidden_reply}",
    "/threads/{thread}/reply?quote={pending_reply}",
    "/threads/{thread}/reply?to={hidden_reply}",
    "/posts/{hidden_reply}/flag",
    "/posts/{pending_reply}/flag",
    "/u/{member}",
    "/search?q=football",
    "/search?q=approval",
    "/feeds/threads/{thread}.atom",
    "/feeds/c/TN.atom",
    "/api/v1/threads/{thread}",
    "/api/v1/posts/{hidden_reply}",
    "/api/v1/posts/{pending_reply}",
    "/api/v1/search?q=football",
    "/api/v1/search?q=approval",
    "/api/v1/moderation/pending",
]


def read(world, role: str, place: str) -> str:
    """Return the page at `place` as `role` sees it (the API with its token)."""
    url = place.format(**world.ids)
    client = world.client(role, api=url.startswith("/api/"))
    response = client.get(url)
    assert response.status_code < 500, (url, role, response.status_code)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("place", PLACES)
def test_post_text_shows_only_to_its_readers(world, place, role):
    world.restore_if_written()
    page = read(world, role, place)
    for text, readers in READERS.items():
        if role not in readers:
            assert text not in page, f"{role} reads {text!r} on {place}"


@pytest.mark.parametrize("text", READERS)
def test_readers_do_see_the_text_on_the_thread(world, text):
    """The check above would pass on an empty page: readers must see the text."""
    for role in READERS[text]:
        assert text in read(world, role, "/threads/{thread}?view=flat"), role
