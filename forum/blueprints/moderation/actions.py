"""Moderation actions on threads and posts: their pages' texts and their services."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from forum.blueprints.moderation.forms import (
    MergeForm,
    MoveForm,
    ReasonForm,
    RenameForm,
    ShownReasonForm,
)
from forum.errors import ValidationError
from forum.models import Post, Thread
from forum.services import moderation, threads


@dataclass(frozen=True)
class ThreadAction:
    """A form acting on a thread: its page's texts and the service it calls."""

    form: type[FlaskForm]
    heading: str
    button: str
    done: str
    run: Callable[[Thread, FlaskForm], object]
    initial: Callable[[Thread], dict] = lambda thread: {}


def _target_thread(text: str) -> Thread:
    match = re.search(r"(?:^|/threads/)([0-9]+)\b", (text or "").strip())
    thread = threads.thread_by_id(match.group(1)) if match else None
    if thread is None:
        raise ValidationError(_("There is no such discussion."), field="target")
    return thread


def _merge(thread: Thread, form: MergeForm) -> Thread:
    target = _target_thread(form.target.data)
    return moderation.merge_threads(
        current_user, thread, target, reason=form.reason.data
    )


def _toggle(service, state: str, value: bool):
    def run(thread: Thread, form: FlaskForm):
        return service(current_user, thread, reason=form.reason.data, **{state: value})

    return run


def _with_reason(service):
    def run(thread: Thread, form: FlaskForm):
        return service(current_user, thread, reason=form.reason.data)

    return run


THREAD_ACTIONS = {
    "pin": ThreadAction(
        ReasonForm,
        _l("Pin the discussion"),
        _l("Pin"),
        _l("The discussion is pinned."),
        _toggle(moderation.pin_thread, "pinned", True),
    ),
    "unpin": ThreadAction(
        ReasonForm,
        _l("Unpin the discussion"),
        _l("Unpin"),
        _l("The discussion is no longer pinned."),
        _toggle(moderation.pin_thread, "pinned", False),
    ),
    "lock": ThreadAction(
        ShownReasonForm,
        _l("Lock the discussion"),
        _l("Lock"),
        _l("The discussion is locked."),
        _toggle(moderation.lock_thread, "locked", True),
    ),
    "unlock": ThreadAction(
        ReasonForm,
        _l("Unlock the discussion"),
        _l("Unlock"),
        _l("The discussion is open to replies again."),
        _toggle(moderation.lock_thread, "locked", False),
    ),
    "feature": ThreadAction(
        ReasonForm,
        _l("Feature the discussion"),
        _l("Feature"),
        _l("The discussion is featured on the home page."),
        _toggle(moderation.feature_thread, "featured", True),
    ),
    "unfeature": ThreadAction(
        ReasonForm,
        _l("Stop featuring the discussion"),
        _l("Stop featuring"),
        _l("The discussion is no longer featured."),
        _toggle(moderation.feature_thread, "featured", False),
    ),
    "rename": ThreadAction(
        RenameForm,
        _l("Rename the discussion"),
        _l("Rename"),
        _l("The discussion is renamed."),
        lambda thread, form: moderation.rename_thread(
            current_user, thread, title=form.title.data, reason=form.reason.data
        ),
        lambda thread: {"title": thread.title},
    ),
    "move": ThreadAction(
        MoveForm,
        _l("Move the discussion"),
        _l("Move"),
        _l("The discussion is moved."),
        lambda thread, form: moderation.move_thread(
            current_user,
            thread,
            country=form.country.data,
            themes=form.themes.data or [],
            reason=form.reason.data,
        ),
        lambda thread: {"country": thread.country_code, "themes": thread.theme_slugs},
    ),
    "merge": ThreadAction(
        MergeForm,
        _l("Merge into another discussion"),
        _l("Merge"),
        _l("The discussions are merged."),
        _merge,
    ),
    "delete": ThreadAction(
        ShownReasonForm,
        _l("Delete the discussion"),
        _l("Delete"),
        _l("The discussion is deleted."),
        _with_reason(moderation.delete_thread),
    ),
    "restore": ThreadAction(
        ReasonForm,
        _l("Restore the discussion"),
        _l("Restore"),
        _l("The discussion is restored."),
        _with_reason(moderation.restore_thread),
    ),
}


@dataclass(frozen=True)
class PostAction:
    """A form acting on a post: its page's texts and the service it calls."""

    form: type[FlaskForm]
    heading: str
    button: str
    done: str
    run: Callable[[Post, FlaskForm], object]


POST_ACTIONS = {
    "hide": PostAction(
        ShownReasonForm,
        _l("Hide the post"),
        _l("Hide"),
        _l("The post is hidden."),
        lambda post, form: moderation.hide_post(
            current_user, post, reason=form.reason.data
        ),
    ),
    "unhide": PostAction(
        ReasonForm,
        _l("Show the post again"),
        _l("Show again"),
        _l("The post is visible again."),
        lambda post, form: moderation.unhide_post(
            current_user, post, reason=form.reason.data
        ),
    ),
    "approve": PostAction(
        FlaskForm,
        _l("Approve the post"),
        _l("Approve"),
        _l("The post is published."),
        lambda post, form: moderation.approve_post(current_user, post),
    ),
    "reject": PostAction(
        ShownReasonForm,
        _l("Reject the post"),
        _l("Reject"),
        _l("The post is rejected."),
        lambda post, form: moderation.reject_post(
            current_user, post, reason=form.reason.data
        ),
    ),
}
