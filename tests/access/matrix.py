"""How the access matrix is written: outcomes, role groups, and one case per request.

A case names the URL rule it exercises (as `app.url_map` spells it), the
request to send (path and body with `{placeholders}` filled from the world's
ids), and the outcome expected for each of the nine roles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from tests.access.roles import ROLES, VISITORS

# Outcomes: allowed (2xx or a redirect that is not to the login page), sent to
# log in (the login page with ?next=, or 401 under /api), or an error status.
OK = "ok"
LOGIN = "login"
FORBIDDEN = 403
NOT_FOUND = 404
INVALID = 422

IN_SCOPE = ("moderator_in", "global_moderator", "admin")
MODERATORS = ("moderator_out", *IN_SCOPE)


def expect(members=OK, *, visitors=LOGIN, **per_role) -> dict[str, object]:
    """Return the outcome of every role: members', visitors', then exceptions."""
    unknown = set(per_role) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    answers = {role: visitors if role in VISITORS else members for role in ROLES}
    answers.update(per_role)
    return answers


def only(
    *allowed: str, refused=FORBIDDEN, visitors=LOGIN, **per_role
) -> dict[str, object]:
    """Allowed for the roles named, `refused` for other members, `visitors` else."""
    return expect(refused, visitors=visitors, **dict.fromkeys(allowed, OK), **per_role)


PUBLIC = expect(OK, visitors=OK)
MEMBERS = expect(OK)
ADMINS = only("admin")
# Readers of the draft (its author alone) and of the submitted practice.
DRAFT_READERS = only("author", refused=NOT_FOUND, visitors=NOT_FOUND)
REVIEW_READERS = only("author", *IN_SCOPE, refused=NOT_FOUND, visitors=NOT_FOUND)
EDITORS = only("author", *IN_SCOPE)
ROOM = only("author", "member", *IN_SCOPE)
# "member" is invited to the private workshop; others do not learn it exists.
PRIVATE_WORKSHOP = only(
    "author", "member", *IN_SCOPE, refused=NOT_FOUND, visitors=NOT_FOUND
)
# Reviewing a submitted practice: its author sees it but may not review it.
REVIEWERS = only(*IN_SCOPE, refused=NOT_FOUND, author=FORBIDDEN)


@dataclass(frozen=True)
class Case:
    """One request of the matrix and what each role gets."""

    method: str
    rule: str
    path: str
    expected: dict[str, object]
    data: dict | Callable[[dict], dict] | None = None
    label: str = ""
    # Roles whose allowed request must change the database (None: every
    # allowed role when the method writes, nobody for GET).
    writes: tuple[str, ...] | None = None
    query: dict = field(default_factory=dict)

    @property
    def api(self) -> bool:
        return self.rule.startswith("/api/")

    @property
    def name(self) -> str:
        suffix = f" [{self.label}]" if self.label else ""
        return f"{self.method} {self.rule}{suffix}"

    def url(self, ids: dict) -> str:
        return self.path.format(**ids)

    def body(self, ids: dict):
        data = self.data(ids) if callable(self.data) else self.data
        return _filled(data or {}, ids)

    def writers(self) -> tuple[str, ...]:
        if self.writes is not None:
            return self.writes
        if self.method == "GET":
            return ()
        return tuple(role for role in ROLES if self.expected[role] == OK)


def _filled(value, ids: dict):
    """Fill `{placeholders}` in the strings of a body, at any depth."""
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: _filled(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, ids) for item in value]
    return value


def outcome(response, *, api: bool):
    """Classify a response as OK, LOGIN or its error status."""
    status = response.status_code
    if api and status == 401:
        return LOGIN
    if 300 <= status < 400:
        target = urlsplit(response.headers.get("Location", ""))
        if target.path == "/auth/login" and "next" in parse_qs(target.query):
            return LOGIN
        return OK
    return OK if 200 <= status < 300 else status
