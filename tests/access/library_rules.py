"""Who gets what from the library, the workshops, search and the feeds.

Practices belong to "author" (published, draft, submitted) and "member"
adopted the published one; the live workshop is the author's, "member" is
registered, and invited to the private one. See tests/access/roles.py.
"""

from __future__ import annotations

import io

from tests.access.matrix import (
    DRAFT_READERS,
    EDITORS,
    IN_SCOPE,
    MEMBERS,
    MODERATORS,
    NOT_FOUND,
    PRIVATE_WORKSHOP,
    PUBLIC,
    REVIEW_READERS,
    REVIEWERS,
    ROOM,
    Case,
    expect,
    only,
)
from tests.access.roles import PDF, ROLES
from tests.access.timing import local_time
from tests.library.factories import practice_form


def workshop_form(ids: dict) -> dict:
    """Return a valid workshop form, two days ahead, in the member's zone (UTC)."""
    return {
        "title": "Solidarity finance clinic",
        "description": "Bring your questions.",
        "country": "TN",
        "themes": ["social-finance"],
        "languages": ["fr"],
        "starts_at": local_time(2),
        "ends_at": local_time(2.05),
        "access": "open",
        "capacity": "",
        "facilitators": "",
    }


def upload(ids: dict) -> dict:
    return {"file": (io.BytesIO(PDF + b"% another version\n"), "plan.pdf")}


PRACTICE = "/practices/<int:practice_id>"
LIBRARY = [
    Case("GET", "/practices", "/practices", PUBLIC),
    Case("GET", PRACTICE, "/practices/{practice}", PUBLIC),
    Case("GET", PRACTICE, "/practices/{draft_practice}", DRAFT_READERS, label="draft"),
    Case(
        "GET",
        PRACTICE,
        "/practices/{submitted_practice}",
        REVIEW_READERS,
        label="submitted",
    ),
    Case("GET", "/practices/mine", "/practices/mine", MEMBERS),
    Case("GET", "/practices/new", "/practices/new", MEMBERS),
    Case("POST", "/practices/new", "/practices/new", MEMBERS, practice_form()),
    Case("GET", "/practices/review", "/practices/review", only(*MODERATORS)),
    Case(
        "POST",
        PRACTICE + "/adopt",
        "/practices/{practice}/adopt",
        MEMBERS,
        {"kind": "adapted", "organisation": "Coop", "note": "We changed the hours."},
    ),
    Case(
        "POST",
        PRACTICE + "/delete",
        "/practices/{draft_practice}/delete",
        only("author", refused=NOT_FOUND),
    ),
    Case("GET", PRACTICE + "/edit", "/practices/{practice}/edit", EDITORS),
    Case(
        "GET",
        PRACTICE + "/edit",
        "/practices/{draft_practice}/edit",
        only("author", refused=NOT_FOUND),
        label="draft",
    ),
    Case(
        "POST",
        PRACTICE + "/edit",
        "/practices/{practice}/edit",
        EDITORS,
        practice_form(summary="A cooperative grocery, now with a delivery round."),
    ),
    Case(
        "POST",
        PRACTICE + "/feature",
        "/practices/{practice}/feature",
        only(*IN_SCOPE),
        {"featured": "1"},
    ),
    Case("POST", PRACTICE + "/files", "/practices/{practice}/files", EDITORS, upload),
    Case(
        "GET",
        PRACTICE + "/files/<int:attachment_id>/<path:filename>",
        "/practices/{practice}/files/{attachment}/{attachment_name}",
        PUBLIC,
    ),
    Case(
        "GET",
        PRACTICE + "/files/<int:attachment_id>/<path:filename>",
        "/practices/{submitted_practice}/files/{submitted_attachment}/draft-budget.pdf",
        REVIEW_READERS,
        label="submitted",
    ),
    Case(
        "GET",
        PRACTICE + "/files/<int:attachment_id>/<path:filename>",
        "/practices/{practice}/files/{waiting_attachment}/new-budget.pdf",
        REVIEW_READERS,
        label="waiting for review",
    ),
    Case(
        "POST",
        PRACTICE + "/files/<int:attachment_id>/remove",
        "/practices/{practice}/files/{attachment}/remove",
        EDITORS,
    ),
    Case("GET", PRACTICE + "/history", "/practices/{practice}/history", PUBLIC),
    Case(
        "GET",
        PRACTICE + "/versions/<int:revision_id>",
        "/practices/{practice}/versions/{revision}",
        PUBLIC,
    ),
    Case(
        "POST",
        PRACTICE + "/review",
        "/practices/{submitted_practice}/review",
        REVIEWERS,
        {"action": "publish", "comment": ""},
    ),
    Case(
        "POST",
        PRACTICE + "/submit",
        "/practices/{draft_practice}/submit",
        only("author", refused=NOT_FOUND),
    ),
    Case(
        "POST",
        PRACTICE + "/withdraw",
        "/practices/{practice}/withdraw",
        only(*IN_SCOPE),
        {"reason": "Outdated"},
    ),
    Case(
        "POST",
        "/threads/<int:thread_id>/promote",
        "/threads/{thread}/promote",
        only(*IN_SCOPE),
    ),
    Case(
        "POST",
        "/adoptions/<int:adoption_id>/remove",
        "/adoptions/{adoption}/remove",
        only("member", *IN_SCOPE),
    ),
]

WORKSHOP = "/workshops/<int:workshop_id>"
WORKSHOPS = [
    Case("GET", "/workshops", "/workshops", PUBLIC),
    Case("GET", "/workshops/calendar.ics", "/workshops/calendar.ics", PUBLIC),
    Case("GET", WORKSHOP, "/workshops/{workshop}", PUBLIC),
    Case(
        "GET",
        WORKSHOP,
        "/workshops/{private_workshop}",
        PRIVATE_WORKSHOP,
        label="by invitation",
    ),
    Case("GET", WORKSHOP + ".ics", "/workshops/{workshop}.ics", PUBLIC),
    Case("GET", "/workshops/new", "/workshops/new", only("author", *MODERATORS)),
    Case(
        "POST",
        "/workshops/new",
        "/workshops/new",
        only("author", *MODERATORS),
        workshop_form,
    ),
    Case("GET", WORKSHOP + "/edit", "/workshops/{workshop}/edit", EDITORS),
    Case(
        "POST",
        WORKSHOP + "/edit",
        "/workshops/{workshop}/edit",
        EDITORS,
        workshop_form,
    ),
    Case(
        "POST",
        WORKSHOP + "/register",
        "/workshops/{workshop}/register",
        MEMBERS,
        writes=tuple(r for r in ROLES if r not in ("anonymous", "suspended", "member")),
    ),
    Case(
        "POST",
        WORKSHOP + "/unregister",
        "/workshops/{workshop}/unregister",
        MEMBERS,
        writes=("member",),
    ),
    Case(
        "POST",
        WORKSHOP + "/invite",
        "/workshops/{workshop}/invite",
        EDITORS,
        {"usernames": "other_member"},
    ),
    Case(
        "POST",
        WORKSHOP + "/cancel",
        "/workshops/{workshop}/cancel",
        EDITORS,
        {"reason": "The facilitator is ill."},
    ),
    Case("GET", WORKSHOP + "/room", "/workshops/{workshop}/room", ROOM),
    Case(
        "POST",
        WORKSHOP + "/room",
        "/workshops/{workshop}/room",
        ROOM,
        {"body": "Good morning", "client_id": "page-1"},
    ),
    Case("GET", WORKSHOP + "/transcript", "/workshops/{workshop}/transcript", ROOM),
    Case(
        "POST",
        WORKSHOP + "/transcript",
        "/workshops/{workshop}/transcript",
        ROOM,
        {"summary": "We shared three funding models."},
        # A participant who is not a facilitator only sees the page again.
        writes=("author", *IN_SCOPE),
    ),
    Case(
        "GET",
        WORKSHOP + "/transcript.json",
        "/workshops/{workshop}/transcript.json",
        ROOM,
    ),
    Case(
        "GET",
        WORKSHOP + "/transcript.md",
        "/workshops/{workshop}/transcript.md",
        ROOM,
    ),
    Case(
        "POST",
        WORKSHOP + "/draft-practice",
        "/workshops/{workshop}/draft-practice",
        EDITORS,
    ),
]

SEARCH_AND_FEEDS = [
    Case("GET", "/search", "/search", PUBLIC, query={"q": "grocery"}),
    *[
        Case(
            "GET",
            "/search/practices.<any(csv, json):extension>",
            f"/search/practices.{kind}",
            PUBLIC,
            label=kind,
        )
        for kind in ("csv", "json")
    ],
    Case("GET", "/feeds/c/<code>.atom", "/feeds/c/TN.atom", PUBLIC),
    Case("GET", "/feeds/t/<slug>.atom", "/feeds/t/social-finance.atom", PUBLIC),
    Case(
        "GET",
        "/feeds/c/<code>/t/<slug>.atom",
        "/feeds/c/TN/t/social-finance.atom",
        PUBLIC,
    ),
    Case(
        "GET",
        "/feeds/threads/<int(max=2147483647):thread_id>.atom",
        "/feeds/threads/{thread}.atom",
        PUBLIC,
    ),
    Case(
        "GET",
        "/feeds/threads/<int(max=2147483647):thread_id>.atom",
        "/feeds/threads/{deleted_thread}.atom",
        expect(NOT_FOUND, visitors=NOT_FOUND),
        label="deleted",
    ),
    Case("GET", "/feeds/practices.atom", "/feeds/practices.atom", PUBLIC),
    Case(
        "GET",
        "/feeds/practices/c/<code>.atom",
        "/feeds/practices/c/TN.atom",
        PUBLIC,
    ),
    Case(
        "GET",
        "/feeds/practices/t/<slug>.atom",
        "/feeds/practices/t/social-finance.atom",
        PUBLIC,
    ),
    Case(
        "GET",
        "/feeds/practices/c/<code>/t/<slug>.atom",
        "/feeds/practices/c/TN/t/social-finance.atom",
        PUBLIC,
    ),
    Case("GET", "/healthz", "/healthz", PUBLIC),
    Case("GET", "/readyz", "/readyz", PUBLIC),
]
