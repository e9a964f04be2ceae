"""Who may see which threads and posts: one set of rules for every list and page.

Hidden, deleted and unapproved content reaches only those allowed to see it,
in pages, the API, feeds, profiles, notifications and search alike.
"""

from __future__ import annotations

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.sql import ColumnElement

from forum.models import (
    Post,
    Practice,
    PracticeAttachment,
    PracticeState,
    Thread,
    User,
    practice_themes,
    thread_themes,
)


def _viewer_id(viewer) -> int | None:
    return viewer.id if getattr(viewer, "is_authenticated", False) else None


def public_threads() -> ColumnElement[bool]:
    """Threads everyone may see."""
    return and_(Thread.approved.is_(True), Thread.deleted_at.is_(None))


def public_posts() -> ColumnElement[bool]:
    """Posts everyone may read in a thread they may see."""
    return and_(
        Post.approved.is_(True), Post.hidden_at.is_(None), Post.deleted_at.is_(None)
    )


def in_moderation_scope(viewer) -> ColumnElement[bool]:
    """Threads that `viewer` moderates (none for members and visitors)."""
    if not getattr(viewer, "is_moderator", False):
        return false()
    if viewer.is_global_moderator:
        return true()
    countries = [c.code for c in viewer.scope_countries]
    themes = [t.slug for t in viewer.scope_themes]
    themed = select(thread_themes.c.thread_id).where(
        thread_themes.c.theme_slug.in_(themes)
    )
    return or_(Thread.country_code.in_(countries), Thread.id.in_(themed))


def can_see_thread(viewer, thread: Thread) -> bool:
    """Say whether `viewer` may open the thread's page."""
    if thread.is_public:
        return True
    if viewer is not None and viewer.moderates(thread.country_code, thread.theme_slugs):
        return True
    return thread.deleted_at is None and thread.author_id == _viewer_id(viewer)


def moderates_thread(viewer, thread: Thread) -> bool:
    """Say whether `viewer` moderates this thread."""
    return bool(viewer) and viewer.moderates(thread.country_code, thread.theme_slugs)


def visible_posts(viewer, thread: Thread) -> ColumnElement[bool]:
    """Posts of `thread` that appear on its page for `viewer` (maybe as placeholders).

    Hidden and deleted posts keep their place as placeholders, so replies to
    them still make sense; unapproved posts appear only to their author and to
    moderators.
    """
    if moderates_thread(viewer, thread):
        return true()
    viewer_id = _viewer_id(viewer)
    if viewer_id is None:
        return Post.approved.is_(True)
    return or_(Post.approved.is_(True), Post.author_id == viewer_id)


def readable_post(viewer, post: Post) -> bool:
    """Say whether `viewer` may read the post's content (not just a placeholder)."""
    if post.is_public:
        return True
    if moderates_thread(viewer, post.thread):
        return True
    return (
        not post.approved
        and not post.is_hidden
        and not post.is_deleted
        and post.author_id == _viewer_id(viewer)
    )


def author_visible(user: User) -> bool:
    """Say whether a member's content may be listed on their profile."""
    return not user.is_deleted


# Good practices -------------------------------------------------------------


def public_practices() -> ColumnElement[bool]:
    """Practices everyone may read: the published ones."""
    return Practice.state == PracticeState.PUBLISHED


def moderates_practice(viewer, practice: Practice) -> bool:
    """Say whether `viewer` reviews practices of this country or these themes."""
    return (
        bool(viewer)
        and bool(getattr(viewer, "is_moderator", False))
        and (viewer.moderates(practice.country_code, practice.theme_slugs))
    )


def can_see_practice(viewer, practice: Practice) -> bool:
    """Say whether `viewer` may open the practice's page.

    Published practices are public; a draft is its author's alone; once
    submitted, moderators of its country or themes see it too.
    """
    if practice.state == PracticeState.PUBLISHED:
        return True
    if practice.author_id == _viewer_id(viewer):
        return True
    return practice.state != PracticeState.DRAFT and moderates_practice(
        viewer, practice
    )


def can_see_attachment(viewer, attachment: PracticeAttachment) -> bool:
    """Say whether `viewer` may see a file: one waiting for review is for its
    uploader, the practice's author and its moderators only."""
    practice = attachment.practice
    if not can_see_practice(viewer, practice):
        return False
    if not attachment.pending:
        return True
    viewer_id = _viewer_id(viewer)
    if viewer_id is not None and viewer_id in (
        attachment.uploader_id,
        practice.author_id,
    ):
        return True
    return moderates_practice(viewer, practice)


def can_edit_practice(viewer, practice: Practice) -> bool:
    """Say whether `viewer` may change the practice (directly or for review)."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.can_log_in:
        return False
    if practice.state == PracticeState.REJECTED:
        return False
    if practice.author_id == viewer.id:
        return True
    return practice.state != PracticeState.DRAFT and moderates_practice(
        viewer, practice
    )


def practices_in_scope(viewer) -> ColumnElement[bool]:
    """Practices that `viewer` reviews (none for members and visitors)."""
    if not getattr(viewer, "is_moderator", False):
        return false()
    if viewer.is_global_moderator:
        return true()
    countries = [c.code for c in viewer.scope_countries]
    themes = [t.slug for t in viewer.scope_themes]
    themed = select(practice_themes.c.practice_id).where(
        practice_themes.c.theme_slug.in_(themes)
    )
    return or_(Practice.country_code.in_(countries), Practice.id.in_(themed))
