"""Starting threads, replying, editing and deleting posts."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum.columns import MAX_ID, utcnow
from forum.errors import NotFound, PermissionDenied, ValidationError
from forum.extensions import db
from forum.i18n import SPOKEN_LANGUAGES
from forum.markup import extract_mentions, render_markdown
from forum.models import Country, Post, PostRevision, Theme, Thread, User
from forum.models.threads import path_segment
from forum.services import following, notifications, posting_limits, search
from forum.services.visibility import can_see_thread, moderates_thread, public_posts

MAX_THEMES = 3
MAX_STORED_DEPTH = 150
MAX_MERGE_HOPS = 20
# Ids are 32-bit integers: a larger number names nothing (and the database
# would raise an error instead of finding nothing).


# Validation -----------------------------------------------------------------


def clean_title(title: str) -> str:
    """Return the title stripped, or raise ValidationError."""
    title = " ".join((title or "").split())
    limit = current_app.config["TITLE_MAX_LENGTH"]
    if not title:
        raise ValidationError(_("Give the thread a title."), field="title")
    if len(title) > limit:
        raise ValidationError(
            _("The title is too long: at most %(n)d characters.", n=limit),
            field="title",
        )
    return title


def clean_body(body: str) -> str:
    """Return the Markdown body, or raise ValidationError when empty or too long."""
    body = (body or "").strip()
    limit = current_app.config["BODY_MAX_LENGTH"]
    if not body:
        raise ValidationError(_("Write something first."), field="body")
    if len(body) > limit:
        raise ValidationError(
            _(
                "The text is too long: %(count)d characters, at most %(n)d.",
                count=len(body),
                n=limit,
            ),
            field="body",
        )
    return body


def clean_country(code: str) -> str:
    """Return an active country code, or raise ValidationError."""
    country = db.session.get(Country, (code or "").upper())
    if country is None or not country.active:
        raise ValidationError(_("Choose a country from the list."), field="country")
    return country.code


def clean_themes(slugs: Iterable[str]) -> list[Theme]:
    """Return one to three active themes, or raise ValidationError."""
    slugs = list(dict.fromkeys(s for s in slugs if s))
    if not 1 <= len(slugs) <= MAX_THEMES:
        raise ValidationError(_("Choose one to three themes."), field="themes")
    themes = db.session.scalars(
        select(Theme).where(Theme.slug.in_(slugs), Theme.active.is_(True))
    ).all()
    if len(themes) != len(slugs):
        raise ValidationError(_("Choose themes from the list."), field="themes")
    return sorted(themes, key=lambda theme: theme.position)


def clean_language(code: str) -> str:
    """Return a known language code, or raise ValidationError."""
    code = (code or "").strip().lower()
    if code not in SPOKEN_LANGUAGES:
        raise ValidationError(_("Choose a language from the list."), field="language")
    return code


def render_body(body: str) -> str:
    """Render a post's Markdown, linking @mentions of existing members."""
    names = extract_mentions(body)
    known = set()
    if names:
        known = set(
            db.session.scalars(select(User.username).where(User.username.in_(names)))
        )

    def profile_url(name: str) -> str | None:
        if name not in known:
            return None
        if has_request_context():
            return url_for("users.profile", username=name)
        # Seeding and other commands run outside a request: build the path alone.
        return current_app.url_map.bind("").build("users.profile", {"username": name})

    return render_markdown(body, profile_url=profile_url)


# Writing --------------------------------------------------------------------


def _needs_approval(user: User) -> bool:
    if user.is_moderator:
        return False
    required = current_app.config["POSTS_NEEDING_APPROVAL"]
    if required <= 0:
        return False
    approved = db.session.scalar(
        select(func.count(Post.id)).where(
            Post.author_id == user.id, Post.approved.is_(True)
        )
    )
    return approved < required


def _require_can_post(user: User | None) -> User:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to take part."))
    if not user.can_log_in:
        raise PermissionDenied(_("Your account cannot post at the moment."))
    return user


def create_thread(
    author: User,
    *,
    title: str,
    body: str,
    country: str,
    themes: Iterable[str],
    language: str,
) -> Thread:
    """Start a thread; it waits for approval when the author is new."""
    _require_can_post(author)
    title = clean_title(title)
    body = clean_body(body)
    country_code = clean_country(country)
    theme_rows = clean_themes(themes)
    language = clean_language(language)
    posting_limits.check_not_duplicate(author, body)
    posting_limits.check_rate(author, "threads")
    approved = not _needs_approval(author)
    now = utcnow()
    thread = Thread(
        title=title,
        country_code=country_code,
        language=language,
        author=author,
        themes=theme_rows,
        approved=approved,
        created_at=now,
        last_activity_at=now,
        last_poster_id=author.id,
    )
    post = Post(
        thread=thread,
        author=author,
        is_first=True,
        body_markdown=body,
        body_html=render_body(body),
        approved=approved,
        created_at=now,
    )
    db.session.add_all([thread, post])
    db.session.flush()
    post.path = path_segment(post.id)
    following.watch_thread(author, thread, commit=False)
    db.session.commit()
    search.sync_threads(thread)
    if approved:
        notifications.on_thread_published(thread, post)
    return thread


def open_discussion(
    author: User,
    *,
    title: str,
    body: str,
    country: str,
    themes: Iterable[str],
    language: str,
) -> Thread:
    """Open a thread on the site's behalf (a practice's discussion, say).

    No rate limit or approval applies: a moderator already approved what the
    thread is about.
    """
    now = utcnow()
    thread = Thread(
        title=title[: current_app.config["TITLE_MAX_LENGTH"]],
        country_code=country,
        language=language,
        author=author,
        themes=clean_themes(themes),
        created_at=now,
        last_activity_at=now,
        last_poster_id=author.id,
    )
    post = Post(
        thread=thread,
        author=author,
        is_first=True,
        body_markdown=body,
        body_html=render_body(body),
        created_at=now,
    )
    db.session.add_all([thread, post])
    db.session.flush()
    post.path = path_segment(post.id)
    following.watch_thread(author, thread, commit=False)
    db.session.commit()
    search.sync_threads(thread)
    notifications.on_thread_published(thread, post)
    return thread


def _by_id(model, ident, **options):
    """Return the row with this id, or None (also for ids that cannot exist)."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        return None
    return db.session.get(model, ident, **options) if 0 < ident <= MAX_ID else None


def thread_by_id(ident) -> Thread | None:
    """Return the thread with this id (any visibility), or None."""
    return _by_id(Thread, ident)


def get_thread(viewer, thread_id: int, *, follow_merge: bool = False) -> Thread:
    """Return a thread `viewer` may see, or raise NotFound.

    With `follow_merge`, a thread merged into another gives that other thread,
    so that old links follow (no extra query for the threads never merged).
    """
    # An inner join (every thread has 1-3 themes): SQLite materialises the whole
    # thread_themes table for the nested LEFT JOIN, ~70 ms at 20,000 threads.
    thread = _by_id(
        Thread, thread_id, options=[joinedload(Thread.themes, innerjoin=True)]
    )
    hops = 0
    while follow_merge and thread and thread.is_deleted and thread.merged_into_id:
        # A merged thread may itself have been merged later: follow the chain.
        hops += 1
        if hops > MAX_MERGE_HOPS:
            break
        thread = _by_id(
            Thread,
            thread.merged_into_id,
            options=[joinedload(Thread.themes, innerjoin=True)],
        )
    if thread is None or not can_see_thread(viewer, thread):
        raise NotFound(_("This discussion does not exist or is not visible."))
    return thread


def get_post(viewer, post_id: int) -> Post:
    """Return a post in a thread `viewer` may see, or raise NotFound."""
    post = _by_id(Post, post_id)
    if post is None or not can_see_thread(viewer, post.thread):
        raise NotFound(_("This post does not exist or is not visible."))
    if not post.approved and not (
        post.author_id == getattr(viewer, "id", None)
        or moderates_thread(viewer, post.thread)
    ):
        raise NotFound(_("This post does not exist or is not visible."))
    return post


def check_open_for_replies(viewer, thread: Thread) -> None:
    """Raise unless `viewer` may answer `thread`: not deleted, not locked to them."""
    if not can_see_thread(viewer, thread) or thread.is_deleted:
        raise NotFound(_("This discussion does not exist or is not visible."))
    if thread.locked and not moderates_thread(viewer, thread):
        raise PermissionDenied(
            _("This discussion is locked: %(reason)s", reason=thread.lock_reason)
            if thread.lock_reason
            else _("This discussion is locked.")
        )


def reply(
    author: User, thread: Thread, *, body: str, parent_id: int | None = None
) -> Post:
    """Answer the thread, or a post of it (`parent_id`)."""
    _require_can_post(author)
    check_open_for_replies(author, thread)
    parent = _reply_parent(author, thread, parent_id)
    body = clean_body(body)
    posting_limits.check_not_duplicate(author, body)
    posting_limits.check_rate(author, "replies")
    post = Post(
        thread_id=thread.id,
        author=author,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        body_markdown=body,
        body_html=render_body(body),
        approved=not _needs_approval(author),
        created_at=utcnow(),
    )
    db.session.add(post)
    db.session.flush()
    post.path = (parent.path + "/" if parent else "") + path_segment(post.id)
    following.watch_thread(author, thread, commit=False)
    if post.approved:
        _touch_thread(thread, post)
    db.session.commit()
    search.sync_posts(post)
    if post.approved:
        notifications.on_reply_published(post)
    return post


def _reply_parent(author: User, thread: Thread, parent_id) -> Post | None:
    if parent_id in (None, ""):
        return None
    parent = _by_id(Post, parent_id)
    if parent is None or parent.thread_id != thread.id:
        raise ValidationError(
            _("You can only answer a post of this discussion."), field="parent_id"
        )
    if parent.is_first:
        return None
    if not parent.is_public:
        raise ValidationError(
            _("This post cannot be answered any more."), field="parent_id"
        )
    if parent.depth >= MAX_STORED_DEPTH:
        raise ValidationError(
            _("This conversation is too deep. Please answer an earlier post."),
            field="parent_id",
        )
    return parent


def _touch_thread(thread: Thread, post: Post) -> None:
    thread.last_activity_at = post.created_at
    thread.last_poster_id = post.author_id
    refresh_thread_stats(thread)


def refresh_thread_stats(thread: Thread) -> None:
    """Recount the public replies and find the latest public post (not committed).

    Hiding, deleting, approving, merging or splitting posts all change what
    everyone sees; listings read these two columns instead of counting.
    """
    db.session.flush()
    thread.reply_count = db.session.scalar(
        select(func.count(Post.id)).where(
            Post.thread_id == thread.id, Post.is_first.is_(False), public_posts()
        )
    )
    latest = db.session.execute(
        select(Post.created_at, Post.author_id)
        .where(Post.thread_id == thread.id, public_posts())
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(1)
    ).first()
    if latest is not None:
        thread.last_activity_at, thread.last_poster_id = latest
    if thread.accepted_post_id is not None:
        # A hidden, deleted or moved answer is no longer the answer.
        still_public = db.session.scalar(
            select(Post.id).where(
                Post.id == thread.accepted_post_id,
                Post.thread_id == thread.id,
                public_posts(),
            )
        )
        if still_public is None:
            thread.accepted_post_id = None


def can_edit(user, post: Post) -> bool:
    """Say whether `user` may edit the post."""
    if not getattr(user, "is_authenticated", False) or post.is_deleted:
        return False
    if moderates_thread(user, post.thread):
        return True
    return (
        post.author_id == user.id
        and not post.is_hidden
        and not post.thread.locked
        and user.can_log_in
    )


def edit_post(editor: User, post: Post, *, body: str, title: str | None = None) -> Post:
    """Change a post (and the title, for an opening post); keep the old version."""
    if not can_edit(editor, post):
        raise PermissionDenied(_("You cannot edit this post."))
    body = clean_body(body)
    new_title = clean_title(title) if post.is_first and title is not None else None
    if body == post.body_markdown and new_title in (None, post.thread.title):
        return post
    mentioned_before = extract_mentions(post.body_markdown)
    db.session.add(
        PostRevision(
            post_id=post.id,
            editor_id=editor.id,
            body_markdown=post.body_markdown,
            title=post.thread.title if post.is_first else None,
        )
    )
    post.body_markdown = body
    post.body_html = render_body(body)
    post.edited_at = utcnow()
    post.edit_count += 1
    if new_title:
        post.thread.title = new_title
    db.session.commit()
    if new_title:
        search.sync_threads(post.thread_id)  # every reply carries the title
    else:
        search.sync_posts(post)
    if post.is_public:
        notifications.on_post_edited(post, mentioned_before)
    return post


def revisions(viewer, post: Post) -> list[PostRevision]:
    """Return a post's earlier versions, newest first (author and moderators)."""
    if not (
        getattr(viewer, "id", None) == post.author_id
        or moderates_thread(viewer, post.thread)
    ):
        raise PermissionDenied(_("Only the author and moderators see the history."))
    return list(
        db.session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.id.desc())
        )
    )


def delete_own_post(author: User, post: Post) -> None:
    """Delete one's own post (it leaves a placeholder)."""
    if post.author_id != author.id or post.is_deleted:
        raise PermissionDenied(_("You can only delete your own posts."))
    if post.is_first:
        raise ValidationError(
            _(
                "The opening post cannot be deleted. "
                "Ask a moderator to remove the discussion."
            )
        )
    post.deleted_at = utcnow()
    refresh_thread_stats(post.thread)
    db.session.commit()
    search.sync_posts(post)
