"""What moderators do to threads and posts: each action scoped, validated, audited.

A moderator acts only on threads inside their scope (countries and/or themes;
global moderators and admins everywhere); outside it every action raises
PermissionDenied, whether it came from a page or from the API.
"""

from __future__ import annotations

from flask_babel import gettext as _

from forum.columns import utcnow
from forum.errors import Conflict, ValidationError
from forum.extensions import db
from forum.labels import FLAG_REASON_LABELS
from forum.models import Flag, Post, Thread, User
from forum.services import notifications, search, thread_surgery
from forum.services.audit import record_action

# The queue's readers (and flagging) are called through this module too.
from forum.services.moderation_queue import audit_entries as audit_entries
from forum.services.moderation_queue import flag_post as flag_post
from forum.services.moderation_queue import open_flags as open_flags
from forum.services.moderation_queue import pending_posts as pending_posts
from forum.services.moderation_queue import resolve_open_flags
from forum.services.permissions import require_admin, require_scope
from forum.services.threads import (
    clean_country,
    clean_themes,
    clean_title,
    refresh_thread_stats,
)

REASON_MAX_LENGTH = 2000

# Checks and the log ------------------------------------------------------------


def check_scope(moderator: User | None, thread: Thread) -> None:
    """Raise PermissionDenied unless `moderator` moderates the thread."""
    require_scope(moderator, thread.country_code, thread.theme_slugs)


def _check_live(moderator: User, thread: Thread) -> None:
    check_scope(moderator, thread)
    if thread.is_deleted:
        raise Conflict(_("This discussion is deleted."))


def _clean_reason(reason: str | None, *, required: bool = False) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError(
            _("Give a reason; it is kept in the moderation log."), field="reason"
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("Use at most %(n)d characters.", n=REASON_MAX_LENGTH), field="reason"
        )
    return reason


def _record(
    moderator: User,
    action: str,
    thread: Thread,
    *,
    reason: str = "",
    target: Post | Flag | None = None,
    details: dict | None = None,
) -> None:
    kind = {Post: "post", Flag: "flag"}.get(type(target), "thread")
    record_action(
        moderator,
        action,
        target_type=kind,
        target_id=target.id if target is not None else thread.id,
        target_label=thread.title,
        reason=reason,
        details=details,
        country_code=thread.country_code,
        theme_slugs=thread.theme_slugs,
    )


# Threads ----------------------------------------------------------------------


def _set_state(moderator, thread, column: str, value: bool, reason: str, actions):
    _check_live(moderator, thread)
    reason = _clean_reason(reason)
    if getattr(thread, column) == bool(value):
        return
    setattr(thread, column, bool(value))
    _record(moderator, actions[0] if value else actions[1], thread, reason=reason)
    db.session.commit()


def pin_thread(
    moderator: User, thread: Thread, *, pinned: bool, reason: str = ""
) -> None:
    """Pin a thread at the top of its listings, or unpin it."""
    _set_state(
        moderator, thread, "pinned", pinned, reason, ("thread.pin", "thread.unpin")
    )


def feature_thread(
    moderator: User, thread: Thread, *, featured: bool, reason: str = ""
) -> None:
    """Feature a thread on the home page, or stop featuring it."""
    actions = ("thread.feature", "thread.unfeature")
    _set_state(moderator, thread, "featured", featured, reason, actions)


def lock_thread(
    moderator: User, thread: Thread, *, locked: bool, reason: str = ""
) -> None:
    """Lock a thread (no new replies; the reason is shown on it), or unlock it."""
    _check_live(moderator, thread)
    reason = _clean_reason(reason)
    lock_reason = reason if locked else ""
    if thread.locked == bool(locked) and thread.lock_reason == lock_reason:
        return
    thread.locked = bool(locked)
    thread.lock_reason = lock_reason
    action = "thread.lock" if locked else "thread.unlock"
    _record(moderator, action, thread, reason=reason)
    db.session.commit()


def move_thread(
    moderator: User,
    thread: Thread,
    *,
    country: str,
    themes: list[str],
    reason: str = "",
) -> None:
    """Move a thread to another country and/or themes (in scope at both ends)."""
    _check_live(moderator, thread)
    country_code = clean_country(country)
    theme_rows = clean_themes(themes)
    reason = _clean_reason(reason)
    require_scope(moderator, country_code, [theme.slug for theme in theme_rows])
    before = {"country": thread.country_code, "themes": thread.theme_slugs}
    after = {"country": country_code, "themes": [theme.slug for theme in theme_rows]}
    if before == after:
        return
    thread.country_code = country_code
    thread.themes = theme_rows
    details = {"before": before, "after": after}
    _record(moderator, "thread.move", thread, reason=reason, details=details)
    db.session.commit()
    search.sync_threads(thread)


def rename_thread(
    moderator: User, thread: Thread, *, title: str, reason: str = ""
) -> None:
    """Give a thread a new title."""
    _check_live(moderator, thread)
    title = clean_title(title)
    reason = _clean_reason(reason)
    if title == thread.title:
        return
    details = {"before": thread.title, "after": title}
    thread.title = title
    _record(moderator, "thread.rename", thread, reason=reason, details=details)
    db.session.commit()
    search.sync_threads(thread)


def delete_thread(moderator: User, thread: Thread, *, reason: str) -> None:
    """Delete a thread (soft: administrators can restore it)."""
    _check_live(moderator, thread)
    reason = _clean_reason(reason, required=True)
    thread.deleted_at = utcnow()
    thread.delete_reason = reason
    _record(moderator, "thread.delete", thread, reason=reason)
    db.session.commit()
    search.sync_threads(thread)


def restore_thread(admin: User, thread: Thread, *, reason: str = "") -> None:
    """Bring a deleted thread back (administrators only)."""
    require_admin(admin)
    if not thread.is_deleted:
        raise Conflict(_("This discussion is not deleted."))
    if thread.merged_into_id:
        raise Conflict(
            _("This discussion was merged into another; its posts live there now.")
        )
    reason = _clean_reason(reason)
    thread.deleted_at = None
    thread.delete_reason = ""
    _record(admin, "thread.restore", thread, reason=reason)
    db.session.commit()
    search.sync_threads(thread)


def merge_threads(
    moderator: User, source: Thread, target: Thread, *, reason: str = ""
) -> Thread:
    """Move every post of `source` into `target`; old links to `source` follow."""
    _check_live(moderator, source)
    _check_live(moderator, target)
    if source.id == target.id:
        raise ValidationError(
            _("Choose another discussion to merge into."), field="target"
        )
    reason = _clean_reason(reason)
    source.deleted_at = utcnow()
    source.delete_reason = reason
    source.merged_into_id = target.id
    moved = thread_surgery.move_all_posts(source, target)
    details = {"into": target.id, "into_title": target.title, "posts": moved}
    _record(moderator, "thread.merge", source, reason=reason, details=details)
    db.session.commit()
    search.sync_threads(source, target)
    return target


def split_thread(
    moderator: User,
    thread: Thread,
    *,
    post_ids: list[int],
    title: str,
    reason: str = "",
) -> Thread:
    """Move chosen replies into a new thread; the earliest becomes its opening post."""
    _check_live(moderator, thread)
    title = clean_title(title)
    reason = _clean_reason(reason)
    new = thread_surgery.split_off(thread, post_ids, title=title)
    moved = sorted({int(post_id) for post_id in post_ids})  # valid: split_off said so
    details = {"new_thread": new.id, "new_title": title, "posts": moved}
    _record(moderator, "thread.split", thread, reason=reason, details=details)
    db.session.commit()
    search.sync_threads(thread, new)
    return new


# Posts ----------------------------------------------------------------------


def _hide(post: Post, reason: str) -> None:
    if post.hidden_at is None:
        post.hidden_at = utcnow()
    post.hidden_reason = reason
    refresh_thread_stats(post.thread)


def hide_post(moderator: User, post: Post, *, reason: str) -> None:
    """Hide a post: members see a placeholder with the reason, moderators the text."""
    check_scope(moderator, post.thread)
    reason = _clean_reason(reason, required=True)
    if post.is_deleted:
        raise Conflict(_("This post is deleted."))
    _hide(post, reason)
    resolve_open_flags(moderator, post, "hidden")
    _record(moderator, "post.hide", post.thread, reason=reason, target=post)
    db.session.commit()
    search.sync_posts(post)


def unhide_post(moderator: User, post: Post, *, reason: str = "") -> None:
    """Show a hidden post again."""
    check_scope(moderator, post.thread)
    reason = _clean_reason(reason)
    if not post.is_hidden or post.is_deleted:
        return
    post.hidden_at = None
    post.hidden_reason = ""
    refresh_thread_stats(post.thread)
    _record(moderator, "post.unhide", post.thread, reason=reason, target=post)
    db.session.commit()
    search.sync_posts(post)


def _sync_post_or_thread(post: Post) -> None:
    """An opening post decides its whole thread's fate; a reply only its own."""
    if post.is_first:
        search.sync_threads(post.thread_id)
    else:
        search.sync_posts(post)


def approve_post(moderator: User, post: Post) -> None:
    """Publish a post waiting for approval (its thread too, for an opening post)."""
    thread = post.thread
    check_scope(moderator, thread)
    if post.approved or post.is_deleted or thread.is_deleted:
        raise Conflict(_("This post is not waiting for approval."))
    post.approved = True
    if post.is_first:
        thread.approved = True
    if thread.approved:
        thread.last_activity_at = utcnow()
        thread.last_poster_id = post.author_id
    refresh_thread_stats(thread)
    _record(moderator, "post.approve", thread, target=post)
    db.session.commit()
    _sync_post_or_thread(post)
    if post.is_first:
        notifications.on_thread_published(thread, post)
    elif thread.is_public:
        notifications.on_reply_published(post)


def reject_post(moderator: User, post: Post, *, reason: str) -> None:
    """Refuse a post waiting for approval (an opening post takes its thread along)."""
    thread = post.thread
    check_scope(moderator, thread)
    reason = _clean_reason(reason, required=True)
    if post.approved or post.is_deleted:
        raise Conflict(_("This post is not waiting for approval."))
    now = utcnow()
    post.deleted_at = post.hidden_at = now
    post.hidden_reason = reason
    if post.is_first:
        thread.deleted_at = now
        thread.delete_reason = reason
    _record(moderator, "post.reject", thread, reason=reason, target=post)
    db.session.commit()
    _sync_post_or_thread(post)


def resolve_flag(moderator: User, flag: Flag, *, action: str, reason: str = "") -> None:
    """Deal with a flag: hide the post (closing all its flags) or dismiss the flag."""
    post = flag.post
    check_scope(moderator, post.thread)
    if flag.resolved_at is not None:
        raise Conflict(_("This flag has already been dealt with."))
    reason = _clean_reason(reason)
    if action == "hide":
        reason = reason or str(FLAG_REASON_LABELS.get(flag.reason, flag.reason))
        _hide(post, reason)
        resolve_open_flags(moderator, post, "hidden")
    elif action == "dismiss":
        flag.resolved_at = utcnow()
        flag.resolved_by_id = moderator.id
        flag.resolution = "dismissed"
    else:
        raise ValidationError(
            _("Choose to hide the post or to dismiss the flag."), field="action"
        )
    details = {"post_id": post.id, "flag_reason": flag.reason}
    action_name = f"flag.{action}"
    _record(
        moderator, action_name, post.thread, reason=reason, target=flag, details=details
    )
    db.session.commit()
    search.sync_posts(post)
