"""Every page and form of the matrix (everything but /api and /static)."""

from __future__ import annotations

from tests.access.account_rules import ADMIN, AUTH, NOTIFICATIONS, USERS
from tests.access.forum_rules import FORUM, MODERATION
from tests.access.library_rules import LIBRARY, SEARCH_AND_FEEDS, WORKSHOPS

PAGE_CASES = [
    *AUTH,
    *USERS,
    *NOTIFICATIONS,
    *FORUM,
    *MODERATION,
    *ADMIN,
    *LIBRARY,
    *WORKSHOPS,
    *SEARCH_AND_FEEDS,
]
