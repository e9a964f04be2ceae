"""What waits for moderators: members' flags, posts awaiting approval, the log."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import String, cast, func, or_, select, update
from sqlalchemy.orm import contains_eager, joinedload

from forum.columns import utcnow
from forum.errors import Conflict, NotFound, PermissionDenied, ValidationError
from forum.extensions import db
from forum.models import AuditEntry, Flag, FlagReason, Post, Thread, User
from forum.services.audit import audit_query
from forum.services.permissions import require_moderator
from forum.services.visibility import can_see_thread, in_moderation_scope, readable_post

FLAG_TEXT_MAX_LENGTH = 1000
QUEUE_LIMIT = 200

# The actions moderators can filter their log by, in the order of the filter.
LOG_ACTIONS = (
    "thread.pin",
    "thread.unpin",
    "thread.lock",
    "thread.unlock",
    "thread.feature",
    "thread.unfeature",
    "thread.move",
    "thread.rename",
    "thread.merge",
    "thread.split",
    "thread.delete",
    "thread.restore",
    "post.hide",
    "post.unhide",
    "post.approve",
    "post.reject",
    "flag.hide",
    "flag.dismiss",
    "user.suspend",
    "user.unsuspend",
)


def flag_post(member: User, post: Post, *, reason: str, text: str = "") -> Flag:
    """Report a post to the moderators (one open flag per member and post)."""
    if not getattr(member, "is_authenticated", False) or not member.can_log_in:
        raise PermissionDenied(_("Log in to flag a post."))
    if (
        post.thread.is_deleted
        or not can_see_thread(member, post.thread)
        or not readable_post(member, post)
    ):
        raise NotFound(_("This post does not exist or is not visible."))
    if post.author_id == member.id:
        raise PermissionDenied(_("You cannot flag your own post."))
    if reason not in {choice.value for choice in FlagReason}:
        raise ValidationError(_("Choose a reason from the list."), field="reason")
    text = (text or "").strip()
    if reason == FlagReason.OTHER and not text:
        raise ValidationError(
            _("Tell the moderators what is wrong with this post."), field="text"
        )
    if len(text) > FLAG_TEXT_MAX_LENGTH:
        raise ValidationError(
            _("Use at most %(n)d characters.", n=FLAG_TEXT_MAX_LENGTH), field="text"
        )
    already = db.session.scalar(
        select(Flag.id).where(
            Flag.post_id == post.id,
            Flag.reporter_id == member.id,
            Flag.resolved_at.is_(None),
        )
    )
    if already:
        raise Conflict(
            _("You have already flagged this post; a moderator will look at it.")
        )
    flag = Flag(post_id=post.id, reporter_id=member.id, reason=reason, text=text)
    db.session.add(flag)
    db.session.commit()
    return flag


def resolve_open_flags(moderator: User, post: Post, resolution: str) -> None:
    """Close every open flag on `post` (not committed)."""
    db.session.execute(
        update(Flag)
        .where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
        .values(
            resolved_at=utcnow(), resolved_by_id=moderator.id, resolution=resolution
        )
    )


def _open_flags_query(scope):
    return (
        select(Flag)
        .join(Flag.post)
        .join(Post.thread)
        .where(
            Flag.resolved_at.is_(None),
            Post.deleted_at.is_(None),
            Thread.deleted_at.is_(None),
            scope,
        )
    )


def open_flags(moderator: User) -> list[Flag]:
    """Return the open flags on posts `moderator` moderates, oldest first."""
    require_moderator(moderator)
    query = (
        _open_flags_query(in_moderation_scope(moderator))
        .options(
            contains_eager(Flag.post).contains_eager(Post.thread),
            joinedload(Flag.reporter),
        )
        .order_by(Flag.created_at, Flag.id)
    )
    return list(db.session.scalars(query).unique())


@dataclass
class FlaggedPost:
    """A post in the queue with its open flags, oldest first."""

    post: Post
    flags: list[Flag] = field(default_factory=list)


def flag_queue(moderator: User) -> list[FlaggedPost]:
    """Return flagged posts in `moderator`'s scope, the longest-waiting first."""
    grouped: dict[int, FlaggedPost] = {}
    for flag in open_flags(moderator):
        grouped.setdefault(flag.post_id, FlaggedPost(flag.post)).flags.append(flag)
    return list(grouped.values())


# The approval queue and the log ------------------------------------------------------


def _pending_query(scope):
    return (
        select(Post)
        .join(Post.thread)
        .where(
            Post.approved.is_(False),
            Post.deleted_at.is_(None),
            Thread.deleted_at.is_(None),
            scope,
        )
    )


def pending_posts(moderator: User) -> list[Post]:
    """Return the posts waiting for approval in `moderator`'s scope, oldest first."""
    require_moderator(moderator)
    query = (
        _pending_query(in_moderation_scope(moderator))
        .options(contains_eager(Post.thread))
        .order_by(Post.created_at, Post.id)
        .limit(QUEUE_LIMIT)
    )
    return list(db.session.scalars(query).unique())


def queue_size(moderator: User) -> int:
    """Count open flags, waiting posts and practices in `moderator`'s scope,
    in one query."""
    if not getattr(moderator, "is_moderator", False):
        return 0
    from forum.services.practice_review import waiting_count_query

    scope = in_moderation_scope(moderator)
    flags = _open_flags_query(scope).with_only_columns(func.count(Flag.id))
    pending = _pending_query(scope).with_only_columns(func.count(Post.id))
    practices = waiting_count_query(moderator)
    return db.session.scalar(
        select(
            flags.scalar_subquery()
            + pending.scalar_subquery()
            + practices.scalar_subquery()
        )
    )


def audit_entries(
    moderator: User, *, action: str | None = None, page: int = 1, per_page: int = 50
):
    """Return a page of the log: a scoped moderator reads their scope and own acts."""
    require_moderator(moderator)
    query = audit_query(action=action or None)
    if not moderator.is_global_moderator:
        slugs = cast(AuditEntry.theme_slugs, String)
        query = query.where(
            or_(
                AuditEntry.actor_id == moderator.id,
                AuditEntry.country_code.in_(
                    [country.code for country in moderator.scope_countries]
                ),
                *(
                    slugs.contains(f'"{theme.slug}"', autoescape=True)
                    for theme in moderator.scope_themes
                ),
            )
        )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
