"""Moving posts between threads while keeping every reply tree sound.

The row work of merging and splitting; forum.services.moderation checks the
moderator's scope, records the action and commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select, update

from forum.errors import ValidationError
from forum.extensions import db
from forum.models import Notification, Post, Thread, ThreadWatch
from forum.models.threads import path_segment
from forum.services.threads import refresh_thread_stats


def _watch(thread: Thread, user_ids: Iterable[int]) -> None:
    watching = set(
        db.session.scalars(
            select(ThreadWatch.user_id).where(ThreadWatch.thread_id == thread.id)
        )
    )
    for user_id in set(user_ids) - watching:
        db.session.add(ThreadWatch(user_id=user_id, thread_id=thread.id))


def move_all_posts(source: Thread, target: Thread) -> int:
    """Move every post of `source` into `target`; return how many (not committed)."""
    # Replies to an opening post are stored at the top level, so the source's
    # opening post becomes one more top-level reply; no path changes.
    db.session.execute(
        update(Post)
        .where(Post.thread_id == source.id, Post.is_first.is_(True))
        .values(is_first=False, parent_id=None)
    )
    moved = db.session.execute(
        update(Post).where(Post.thread_id == source.id).values(thread_id=target.id)
    ).rowcount
    # Notifications follow their posts, so their links and counts stay right.
    db.session.execute(
        update(Notification)
        .where(Notification.thread_id == source.id)
        .values(thread_id=target.id)
    )
    _watch(
        target,
        db.session.scalars(
            select(ThreadWatch.user_id).where(ThreadWatch.thread_id == source.id)
        ),
    )
    source.accepted_post_id = None
    refresh_thread_stats(source)
    refresh_thread_stats(target)
    return moved


def _rebuild_tree(posts: list[Post]) -> None:
    """Recompute parents, paths and depths of one thread's posts, given by old path.

    A post whose parent is elsewhere, or is the opening post, goes to the top
    level, as replies to the opening post always are.
    """
    by_id = {post.id: post for post in posts}
    for post in posts:
        parent = by_id.get(post.parent_id)
        if parent is None or parent.is_first or post.is_first:
            post.parent_id = None
            post.path, post.depth = path_segment(post.id), 0
        else:
            post.path = f"{parent.path}/{path_segment(post.id)}"
            post.depth = parent.depth + 1


def _chosen(posts: list[Post], post_ids: Iterable) -> list[Post]:
    try:
        wanted = {int(post_id) for post_id in post_ids}
    except (TypeError, ValueError):
        wanted = {-1}
    chosen = [post for post in posts if post.id in wanted]
    if not wanted or len(chosen) != len(wanted):
        raise ValidationError(_("Choose replies of this discussion."), field="post_ids")
    if any(post.is_first for post in chosen):
        raise ValidationError(
            _("The opening post cannot be split off."), field="post_ids"
        )
    return chosen


def split_off(thread: Thread, post_ids: Iterable, *, title: str) -> Thread:
    """Move chosen replies into a new thread in the same place (not committed)."""
    posts = list(
        db.session.scalars(
            select(Post).where(Post.thread_id == thread.id).order_by(Post.path)
        )
    )
    chosen = _chosen(posts, post_ids)
    opening = min(chosen, key=lambda post: (post.created_at, post.id))
    new = Thread(
        title=title,
        country_code=thread.country_code,
        language=thread.language,
        author_id=opening.author_id,
        themes=list(thread.themes),
        approved=thread.approved and opening.approved,
        created_at=opening.created_at,
        last_activity_at=opening.created_at,
        last_poster_id=opening.author_id,
    )
    db.session.add(new)
    for post in chosen:
        post.thread = new
    opening.is_first = True
    moved_ids = {post.id for post in chosen}
    _rebuild_tree(chosen)
    _rebuild_tree([post for post in posts if post.id not in moved_ids])
    if thread.accepted_post_id in moved_ids:
        if thread.accepted_post_id != opening.id:
            new.accepted_post_id = thread.accepted_post_id
        thread.accepted_post_id = None
    db.session.flush()
    db.session.execute(
        update(Notification)
        .where(Notification.post_id.in_(moved_ids))
        .values(thread_id=new.id)
    )
    _watch(new, {post.author_id for post in chosen})
    refresh_thread_stats(thread)
    refresh_thread_stats(new)
    return new
