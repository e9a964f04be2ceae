"""Reading the forum: listings, the home matrix, thread pages, unread markers."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain

from flask import current_app, has_app_context
from sqlalchemy import and_, event, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from forum.columns import utcnow
from forum.extensions import db
from forum.models import Post, Thread, ThreadRead, User, thread_themes
from forum.services.visibility import public_posts, public_threads, visible_posts

SORTS = {
    "latest": (Thread.last_activity_at.desc(), Thread.id.desc()),
    "newest": (Thread.created_at.desc(), Thread.id.desc()),
    "replies": (
        Thread.reply_count.desc(),
        Thread.last_activity_at.desc(),
        Thread.id.desc(),
    ),
}


@dataclass
class Page:
    """One page of results, with what pagination links need."""

    items: list
    total: int
    page: int
    per_page: int
    new_ids: set[int] = field(default_factory=set)
    unread_ids: set[int] = field(default_factory=set)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _threads_in(country: str | None, theme: str | None):
    query = select(Thread).where(public_threads())
    if country:
        query = query.where(Thread.country_code == country)
    if theme:
        query = query.where(
            Thread.id.in_(
                select(thread_themes.c.thread_id).where(
                    thread_themes.c.theme_slug == theme
                )
            )
        )
    return query


def list_threads(
    viewer,
    *,
    country: str | None = None,
    theme: str | None = None,
    sort: str = "latest",
    page: int = 1,
    per_page: int = 30,
    pinned_first: bool = True,
) -> Page:
    """Return one page of the public threads of a country and/or theme."""
    base = _threads_in(country, theme)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    order = SORTS.get(sort, SORTS["latest"])
    if pinned_first:
        order = (Thread.pinned.desc(), *order)
    query = (
        base.options(joinedload(Thread.last_poster))
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = list(db.session.scalars(query).unique())
    listing = Page(items=items, total=total, page=page, per_page=per_page)
    _mark_new_and_unread(viewer, listing)
    return listing


def _mark_new_and_unread(viewer, listing: Page) -> None:
    if not getattr(viewer, "is_authenticated", False) or not listing.items:
        return
    ids = [thread.id for thread in listing.items]
    reads = dict(
        db.session.execute(
            select(ThreadRead.thread_id, ThreadRead.read_at).where(
                ThreadRead.user_id == viewer.id, ThreadRead.thread_id.in_(ids)
            )
        ).all()
    )
    since = viewer.previous_visit_at or viewer.created_at
    for thread in listing.items:
        read_at = reads.get(thread.id)
        if read_at is None:
            if thread.created_at > since and thread.author_id != viewer.id:
                listing.new_ids.add(thread.id)
        elif thread.last_activity_at > read_at:
            listing.unread_ids.add(thread.id)


@dataclass
class Cell:
    """Threads of one country and theme: how many, and the latest activity."""

    count: int = 0
    last_activity_at: datetime | None = None

    def add(self, count: int, last: datetime | None) -> None:
        self.count += count
        if last and (self.last_activity_at is None or last > self.last_activity_at):
            self.last_activity_at = last


@dataclass
class Matrix:
    """The home page's countries x themes table."""

    cells: dict[tuple[str, str], Cell]
    by_country: dict[str, Cell]
    by_theme: dict[str, Cell]


_MATRIX_KEY = "agora_activity_matrix"


def activity_matrix() -> Matrix:
    """Return the home page's counts, kept per process for a short while.

    Counting 20,000 threads per country and theme costs tens of milliseconds,
    and the home page is the most visited. Any change to threads or posts in
    this process drops the copy at once (see _forget_matrix); other worker
    processes show counts at most ACTIVITY_CACHE_SECONDS old. The counts
    cover public threads only, so a stale copy never reveals anything.
    """
    cached = current_app.extensions.get(_MATRIX_KEY)
    max_age = current_app.config["ACTIVITY_CACHE_SECONDS"]
    if cached is not None and time.monotonic() - cached[0] < max_age:
        return cached[1]
    matrix = _count_activity()
    current_app.extensions[_MATRIX_KEY] = (time.monotonic(), matrix)
    return matrix


@event.listens_for(Session, "after_flush")
def _forget_matrix(session, flush_context) -> None:
    """Drop this process's home counts when threads or posts change."""
    if not has_app_context():
        return
    changed = chain(session.new, session.dirty, session.deleted)
    if any(isinstance(row, Thread | Post) for row in changed):
        current_app.extensions.pop(_MATRIX_KEY, None)


def _count_activity() -> Matrix:
    """Count public threads per country and theme, with their latest activity."""
    rows = db.session.execute(
        select(
            Thread.country_code,
            thread_themes.c.theme_slug,
            func.count(Thread.id),
            func.max(Thread.last_activity_at),
        )
        .join(thread_themes, thread_themes.c.thread_id == Thread.id)
        .where(public_threads())
        .group_by(Thread.country_code, thread_themes.c.theme_slug)
    ).all()
    matrix = Matrix(cells={}, by_country={}, by_theme={})
    for country, theme, count, last in rows:
        last = _aware(last)
        matrix.cells[(country, theme)] = Cell(count, last)
        matrix.by_theme.setdefault(theme, Cell()).add(count, last)
    countries = db.session.execute(
        select(
            Thread.country_code,
            func.count(Thread.id),
            func.max(Thread.last_activity_at),
        )
        .where(public_threads())
        .group_by(Thread.country_code)
    ).all()
    for country, count, last in countries:
        matrix.by_country[country] = Cell(count, _aware(last))
    return matrix


def _aware(value):
    """Aggregates bypass the column type: give SQLite's naive values their UTC zone."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def latest_threads(viewer, limit: int = 10) -> Page:
    """Return the most recently active public threads (no total: no pages)."""
    query = (
        _threads_in(None, None)
        .options(joinedload(Thread.last_poster))
        .order_by(*SORTS["latest"])
        .limit(limit)
    )
    items = list(db.session.scalars(query).unique())
    latest = Page(items=items, total=len(items), page=1, per_page=limit)
    _mark_new_and_unread(viewer, latest)
    return latest


def featured_threads(limit: int = 6) -> list[Thread]:
    """Return the threads moderators featured, most recently active first."""
    query = (
        select(Thread)
        .options(joinedload(Thread.last_poster))
        .where(public_threads(), Thread.featured.is_(True))
        .order_by(Thread.last_activity_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


def recent_posts_by(author: User, *, limit: int = 20) -> list[Post]:
    """Return a member's latest public posts in public threads, for their profile.

    The same for every viewer: hidden, deleted or unapproved posts, and posts
    of deleted or unapproved threads, never show on a profile.
    """
    query = (
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .options(joinedload(Post.thread))
        .where(Post.author_id == author.id, public_posts(), public_threads())
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


# The thread page --------------------------------------------------------------


def _post_order(view: str):
    if view == "flat":
        return (Post.is_first.desc(), Post.created_at, Post.id)
    return (Post.is_first.desc(), Post.path)


def thread_posts(
    viewer, thread: Thread, *, view: str = "tree", page: int = 1, per_page: int = 50
) -> Page:
    """Return one page of a thread's posts in tree or chronological order."""
    visible = and_(Post.thread_id == thread.id, visible_posts(viewer, thread))
    total = db.session.scalar(select(func.count(Post.id)).where(visible))
    query = (
        select(Post)
        .where(visible)
        .order_by(*_post_order(view))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(
        items=list(db.session.scalars(query)), total=total, page=page, per_page=per_page
    )


def page_of_post(viewer, post: Post, *, view: str = "tree", per_page: int = 50) -> int:
    """Return the page of the thread on which `post` appears for `viewer`."""
    if post.is_first:
        return 1
    if view == "flat":
        before = or_(
            Post.is_first.is_(True),
            Post.created_at < post.created_at,
            and_(Post.created_at == post.created_at, Post.id < post.id),
        )
    else:
        before = or_(Post.is_first.is_(True), Post.path < post.path)
    count = db.session.scalar(
        select(func.count(Post.id)).where(
            Post.thread_id == post.thread_id,
            visible_posts(viewer, post.thread),
            before,
        )
    )
    return count // per_page + 1


def mark_read(user: User, thread: Thread) -> None:
    """Remember that `user` has read `thread` up to now."""
    values = {"user_id": user.id, "thread_id": thread.id, "read_at": utcnow()}
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ThreadRead).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "thread_id"], set_={"read_at": values["read_at"]}
    )
    db.session.execute(statement)
    db.session.commit()


def parents_by_id(posts: list[Post]) -> dict[int, Post]:
    """Return the parents of `posts` that are not on the same page, by id."""
    on_page = {post.id for post in posts}
    missing = {p.parent_id for p in posts if p.parent_id and p.parent_id not in on_page}
    found = {post.id: post for post in posts}
    if missing:
        found.update(
            (post.id, post)
            for post in db.session.scalars(select(Post).where(Post.id.in_(missing)))
        )
    return found
