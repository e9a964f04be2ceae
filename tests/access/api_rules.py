"""Who gets what from every route of the JSON API (/api/v1), called with a token.

Each role calls with its own personal token (`Authorization: Bearer`), as a
program does; the visitor sends none, and the suspended member's token stops
working with the suspension. "Sent to log in" is a 401 here.
"""

from __future__ import annotations

from datetime import timedelta

from forum.columns import utcnow
from tests.access.forum_rules import THREAD_FORM
from tests.access.matrix import (
    EDITORS,
    FORBIDDEN,
    IN_SCOPE,
    INVALID,
    MEMBERS,
    MODERATORS,
    NOT_FOUND,
    PRIVATE_WORKSHOP,
    PUBLIC,
    REVIEW_READERS,
    REVIEWERS,
    Case,
    expect,
    only,
)
from tests.access.roles import ROLES
from tests.library.factories import practice_data

API = "/api/v1"
ID = "<int(max=2147483647):{}>"
THREAD = f"{API}/threads/" + ID.format("thread_id")
POST = f"{API}/posts/" + ID.format("post_id")
PRACTICE = f"{API}/practices/" + ID.format("practice_id")
WORKSHOP = f"{API}/workshops/" + ID.format("workshop_id")
SCOPED = only(*IN_SCOPE)


def workshop_body(ids: dict) -> dict:
    start = utcnow() + timedelta(days=3)
    return {
        "title": "Mutual guarantees for cooperatives",
        "country": "TN",
        "themes": ["social-finance"],
        "language": "fr",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
    }


READING = [
    Case("GET", f"{API}/countries", f"{API}/countries", PUBLIC),
    Case("GET", f"{API}/themes", f"{API}/themes", PUBLIC),
    Case("GET", f"{API}/openapi.json", f"{API}/openapi.json", PUBLIC),
    Case("GET", f"{API}/search", f"{API}/search", PUBLIC, query={"q": "grocery"}),
    Case("GET", f"{API}/me", f"{API}/me", MEMBERS),
    Case("GET", f"{API}/threads", f"{API}/threads", PUBLIC),
    Case("GET", THREAD, f"{API}/threads/{{thread}}", PUBLIC),
    Case(
        "GET",
        THREAD,
        f"{API}/threads/{{deleted_thread}}",
        only(*IN_SCOPE, refused=NOT_FOUND, visitors=NOT_FOUND),
        label="deleted",
    ),
    Case("GET", POST, f"{API}/posts/{{member_reply}}", PUBLIC),
    Case(
        "GET",
        POST,
        f"{API}/posts/{{pending_reply}}",
        only("member", *IN_SCOPE, refused=NOT_FOUND, visitors=NOT_FOUND),
        label="waiting for approval",
    ),
    Case("GET", f"{API}/practices", f"{API}/practices", PUBLIC),
    Case("GET", PRACTICE, f"{API}/practices/{{practice}}", PUBLIC),
    Case(
        "GET",
        PRACTICE,
        f"{API}/practices/{{draft_practice}}",
        only("author", refused=NOT_FOUND, visitors=NOT_FOUND),
        label="draft",
    ),
    Case(
        "GET",
        PRACTICE,
        f"{API}/practices/{{submitted_practice}}",
        REVIEW_READERS,
        label="submitted",
    ),
    Case("GET", f"{API}/workshops", f"{API}/workshops", PUBLIC),
    Case("GET", WORKSHOP, f"{API}/workshops/{{workshop}}", PUBLIC),
    Case(
        "GET",
        WORKSHOP,
        f"{API}/workshops/{{private_workshop}}",
        PRIVATE_WORKSHOP,
        label="by invitation",
    ),
    Case(
        "GET",
        f"{API}/moderation/flags",
        f"{API}/moderation/flags",
        only(*MODERATORS),
    ),
    Case(
        "GET",
        f"{API}/moderation/pending",
        f"{API}/moderation/pending",
        only(*MODERATORS),
    ),
]

FORUM = [
    Case("POST", f"{API}/threads", f"{API}/threads", MEMBERS, THREAD_FORM),
    Case(
        "POST",
        THREAD + "/posts",
        f"{API}/threads/{{thread}}/posts",
        MEMBERS,
        {"body": "An answer through the API."},
    ),
    Case(
        "PATCH",
        POST,
        f"{API}/posts/{{author_reply}}",
        EDITORS,
        {"body": "Edited through the API."},
    ),
    Case("DELETE", POST, f"{API}/posts/{{author_reply}}", only("author")),
    Case(
        "POST",
        POST + "/accept",
        f"{API}/posts/{{member_reply}}/accept",
        only("author", *IN_SCOPE),
    ),
    Case(
        "POST",
        POST + "/helpful",
        f"{API}/posts/{{author_reply}}/helpful",
        expect(author=INVALID),
    ),
    Case(
        "POST",
        POST + "/flag",
        f"{API}/posts/{{author_reply}}/flag",
        expect(author=FORBIDDEN),
        {"reason": "spam"},
    ),
]

# The post waiting for approval is its author's and its moderators' to see.
PENDING = only(*IN_SCOPE, refused=NOT_FOUND, member=FORBIDDEN)
MODERATION = [
    Case("POST", POST + "/approve", f"{API}/posts/{{pending_reply}}/approve", PENDING),
    Case(
        "POST",
        POST + "/reject",
        f"{API}/posts/{{pending_reply}}/reject",
        PENDING,
        {"reason": "Spam"},
    ),
    Case(
        "POST",
        POST + "/hide",
        f"{API}/posts/{{member_reply}}/hide",
        SCOPED,
        {"reason": "Rude"},
    ),
    Case("POST", POST + "/unhide", f"{API}/posts/{{hidden_reply}}/unhide", SCOPED),
    *[
        Case(
            "POST",
            f"{THREAD}/{name}",
            f"{API}/threads/{{{thread}}}/{name}",
            SCOPED,
            {"reason": "Spam"},
        )
        for name, thread in (
            ("pin", "thread"),
            ("unpin", "settled_thread"),
            ("lock", "thread"),
            ("unlock", "settled_thread"),
            ("feature", "thread"),
            ("unfeature", "settled_thread"),
            ("delete", "thread"),
        )
    ],
    # A deleted thread is seen only by its moderators; only admins restore it.
    Case(
        "POST",
        THREAD + "/restore",
        f"{API}/threads/{{deleted_thread}}/restore",
        only(
            "admin",
            refused=NOT_FOUND,
            moderator_in=FORBIDDEN,
            global_moderator=FORBIDDEN,
        ),
    ),
    Case(
        "POST",
        THREAD + "/move",
        f"{API}/threads/{{thread}}/move",
        SCOPED,
        {"themes": ["social-finance", "agriculture-food"]},
    ),
    Case(
        "POST",
        THREAD + "/move",
        f"{API}/threads/{{thread}}/move",
        only("global_moderator", "admin"),
        {"country": "IT", "themes": ["circular-economy"]},
        label="out of scope",
    ),
    Case(
        "POST",
        THREAD + "/merge",
        f"{API}/threads/{{thread}}/merge",
        only("global_moderator", "admin"),
        lambda ids: {"target_id": ids["foreign_thread"]},
        label="out of scope",
    ),
    Case(
        "POST",
        THREAD + "/rename",
        f"{API}/threads/{{thread}}/rename",
        SCOPED,
        {"title": "Financing groceries"},
    ),
    Case(
        "POST",
        THREAD + "/merge",
        f"{API}/threads/{{thread}}/merge",
        SCOPED,
        lambda ids: {"target_id": ids["target_thread"]},
    ),
    Case(
        "POST",
        THREAD + "/split",
        f"{API}/threads/{{thread}}/split",
        SCOPED,
        lambda ids: {"post_ids": [ids["member_reply"]], "title": "The fund idea"},
    ),
    Case(
        "POST",
        f"{API}/flags/" + ID.format("flag_id") + "/resolve",
        f"{API}/flags/{{flag}}/resolve",
        SCOPED,
        {"action": "dismiss"},
    ),
]

LIBRARY = [
    Case(
        "POST",
        f"{API}/practices",
        f"{API}/practices",
        MEMBERS,
        lambda ids: practice_data(),
    ),
    Case(
        "PATCH",
        PRACTICE,
        f"{API}/practices/{{practice}}",
        EDITORS,
        {"summary": "A cooperative grocery, now with a delivery round."},
    ),
    Case(
        "POST",
        PRACTICE + "/submit",
        f"{API}/practices/{{draft_practice}}/submit",
        only("author", refused=NOT_FOUND),
    ),
    *[
        Case(
            "POST",
            f"{PRACTICE}/{name}",
            f"{API}/practices/{{submitted_practice}}/{name}",
            REVIEWERS,
            body,
        )
        for name, body in (
            ("publish", {}),
            ("request-changes", {"comment": "Add the budget."}),
            ("reject", {"reason": "Not a practice."}),
        )
    ],
]

WORKSHOPS = [
    Case(
        "POST",
        f"{API}/workshops",
        f"{API}/workshops",
        only("author", *MODERATORS),
        workshop_body,
    ),
    Case(
        "PATCH",
        WORKSHOP,
        f"{API}/workshops/{{workshop}}",
        EDITORS,
        {"title": "Public procurement, second session"},
    ),
    Case(
        "POST",
        WORKSHOP + "/cancel",
        f"{API}/workshops/{{workshop}}/cancel",
        EDITORS,
        {"reason": "Postponed"},
    ),
    Case(
        "POST",
        WORKSHOP + "/registration",
        f"{API}/workshops/{{workshop}}/registration",
        MEMBERS,
        writes=tuple(r for r in ROLES if r not in ("anonymous", "suspended", "member")),
    ),
    Case(
        "DELETE",
        WORKSHOP + "/registration",
        f"{API}/workshops/{{workshop}}/registration",
        MEMBERS,
        writes=("member",),
    ),
]

API_CASES = [*READING, *FORUM, *MODERATION, *LIBRARY, *WORKSHOPS]
