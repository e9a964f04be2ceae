"""Moderation actions that take only a reason, shared by the routes and the docs.

Each names its function in forum.services.moderation and the fixed arguments
it is called with, so that one view and one OpenAPI entry serve them all.
"""

from __future__ import annotations

from typing import NamedTuple


class Action(NamedTuple):
    """A moderation action that takes only a reason: its service and fixed arguments."""

    service: str
    summary: str
    reason_required: bool = False
    fixed: dict = {}
    # Refused with 409 when the record's state forbids it (a deleted thread...).
    may_conflict: bool = True


THREAD_ACTIONS = {
    "pin": Action("pin_thread", "Pin a thread", fixed={"pinned": True}),
    "unpin": Action("pin_thread", "Unpin a thread", fixed={"pinned": False}),
    "lock": Action("lock_thread", "Lock a thread", fixed={"locked": True}),
    "unlock": Action("lock_thread", "Unlock a thread", fixed={"locked": False}),
    "feature": Action("feature_thread", "Feature a thread", fixed={"featured": True}),
    "unfeature": Action(
        "feature_thread", "Stop featuring a thread", fixed={"featured": False}
    ),
    "delete": Action("delete_thread", "Delete a thread (soft)", reason_required=True),
    "restore": Action("restore_thread", "Restore a deleted thread (admins)"),
}

POST_ACTIONS = {
    "hide": Action("hide_post", "Hide a post", reason_required=True),
    "unhide": Action("unhide_post", "Show a hidden post again", may_conflict=False),
    "reject": Action(
        "reject_post", "Reject a post waiting for approval", reason_required=True
    ),
}
