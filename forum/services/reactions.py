"""The "helpful" reaction and the accepted answer."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from forum.errors import PermissionDenied, ValidationError
from forum.extensions import db
from forum.models import Post, PostReaction, Thread, User
from forum.services import notifications
from forum.services.visibility import moderates_thread

HELPFUL = "helpful"


def toggle_helpful(user: User, post: Post) -> bool:
    """Mark a post helpful, or take the mark back; return whether it is marked now."""
    if not post.is_public:
        raise ValidationError(_("This post cannot be marked."))
    if post.author_id == user.id:
        raise ValidationError(_("You cannot mark your own post as helpful."))
    existing = db.session.scalar(
        select(PostReaction).where(
            PostReaction.post_id == post.id,
            PostReaction.user_id == user.id,
            PostReaction.kind == HELPFUL,
        )
    )
    if existing is None:
        db.session.add(PostReaction(post_id=post.id, user_id=user.id, kind=HELPFUL))
    else:
        db.session.delete(existing)
    db.session.flush()
    post.helpful_count = db.session.scalar(
        select(func.count(PostReaction.id)).where(
            PostReaction.post_id == post.id, PostReaction.kind == HELPFUL
        )
    )
    db.session.commit()
    return existing is None


def helpful_ids(user, posts: list[Post]) -> set[int]:
    """Return which of `posts` the member marked helpful (one query)."""
    if not getattr(user, "is_authenticated", False) or not posts:
        return set()
    return set(
        db.session.scalars(
            select(PostReaction.post_id).where(
                PostReaction.user_id == user.id,
                PostReaction.kind == HELPFUL,
                PostReaction.post_id.in_([post.id for post in posts]),
            )
        )
    )


def can_accept(user, thread: Thread) -> bool:
    """Say whether `user` may choose the thread's accepted answer."""
    if not getattr(user, "is_authenticated", False):
        return False
    return thread.author_id == user.id or moderates_thread(user, thread)


def accept_answer(user: User, post: Post) -> None:
    """Mark a reply as the thread's answer; accepting it again takes the mark back."""
    thread = post.thread
    if not can_accept(user, thread):
        raise PermissionDenied(
            _("Only the author of the discussion or a moderator can do this.")
        )
    if post.is_first or not post.is_public:
        raise ValidationError(_("Only a visible reply can be the answer."))
    accepted = thread.accepted_post_id != post.id
    thread.accepted_post_id = post.id if accepted else None
    db.session.commit()
    if accepted:
        notifications.on_answer_accepted(post, user)
