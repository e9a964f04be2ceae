"""Keeping the search index in step with the database.

The database is the truth. Services call `sync_threads` right after they
commit a change that affects what can be found (a new thread or reply, an
edit, a hide, a move...). Only public content is indexed, so the index can
never show anyone what they may not see. When the index cannot be written,
the database write stands: the error is logged and the threads are retried
with the next write in this process; `flask forum reindex` rebuilds all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import partial

from flask import current_app
from markupsafe import Markup
from sqlalchemy import func, make_url, or_, select, true
from sqlalchemy.orm import Session

from forum.extensions import db
from forum.models import SECTIONS, Post, Practice, Thread
from forum.services.visibility import public_posts, public_practices, public_threads
from search_index import Document, IndexBusy, IndexCorrupt, SearchIndex, doc_id

_INDEX_KEY = "agora_search_index"
_PENDING_KEY = "agora_search_pending"
REBUILD_CHUNK = 500


def search_index() -> SearchIndex:
    """Return this application's index; a missing or damaged one is rebuilt.

    The check runs the first time a process uses the index (at start, in
    practice), so a deleted or corrupt index heals itself from the database.
    SEARCH_BACKEND chooses Whoosh files or PostgreSQL (same API).
    """
    index = current_app.extensions.get(_INDEX_KEY)
    if index is not None:
        return index
    try:
        index = _open_index()
    except IndexCorrupt as error:
        current_app.logger.warning(
            "Search index %s unusable (%s): rebuilding", _where(), error
        )
        index = _open_index(recreate=True)
    current_app.extensions[_INDEX_KEY] = index
    if index.created and index.doc_count() == 0 and count_documents_to_index():
        current_app.logger.warning("Search index %s was empty: rebuilding", _where())
        rebuild_all()
    return index


def _open_index(*, recreate: bool = False) -> SearchIndex:
    timeout = current_app.config["SEARCH_LOCK_TIMEOUT"]
    backend = current_app.config["SEARCH_BACKEND"]
    if backend == "postgres":
        # Imported here: psycopg is needed only by this backend.
        from search_index.postgres import PostgresSearchIndex

        cls, location = PostgresSearchIndex, search_database_url()
    elif backend == "whoosh":
        cls, location = SearchIndex, current_app.config["SEARCH_INDEX_DIR"]
    else:
        raise ValueError(f"SEARCH_BACKEND must be whoosh or postgres, not {backend!r}")
    if recreate:
        return cls.recreate(location, lock_timeout=timeout)
    return cls(location, lock_timeout=timeout)


def search_database_url() -> str:
    """Return the libpq URL of the PostgreSQL search index.

    SEARCH_DATABASE_URL, or else the application's own database when that is
    PostgreSQL (its SQLAlchemy driver name dropped).
    """
    url = current_app.config.get("SEARCH_DATABASE_URL")
    if not url:
        url = current_app.config["SQLALCHEMY_DATABASE_URI"] or ""
        if not url.startswith("postgresql"):
            raise ValueError(
                "SEARCH_BACKEND=postgres needs SEARCH_DATABASE_URL "
                "(the database is not PostgreSQL)"
            )
    return (
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


def _where() -> str:
    """Name the index in log lines (a folder, or PostgreSQL without credentials)."""
    if current_app.config["SEARCH_BACKEND"] == "postgres":
        url = make_url(search_database_url())
        return f"in PostgreSQL database {url.database} on {url.host}"
    return current_app.config["SEARCH_INDEX_DIR"]


def forget_index() -> None:
    """Drop this process's open index, so the next use reopens (or rebuilds) it."""
    current_app.extensions.pop(_INDEX_KEY, None)


def _plain(html: str) -> str:
    return Markup(html).striptags()


def post_document(thread: Thread, post: Post) -> Document:
    """Return the index document of a post: an opening post stands for its thread."""
    if post.is_first:
        kind, record_id, url = "thread", thread.id, f"/threads/{thread.id}"
        date = thread.last_activity_at
    else:
        kind, record_id, url = "post", post.id, f"/posts/{post.id}"
        date = post.created_at
    return Document(
        kind=kind,
        record_id=record_id,
        title=thread.title,
        body=_plain(post.body_html),
        url=url,
        language=thread.language,
        country=thread.country_code,
        themes=thread.theme_slugs,
        date=date,
    )


def practice_document(practice: Practice) -> Document:
    """Return the index document of a published practice."""
    sections = practice.sections_html or {}
    parts = [practice.summary, practice.place, practice.organisation]
    parts += [_plain(sections.get(name) or "") for name in SECTIONS]
    return Document(
        kind="practice",
        record_id=practice.id,
        title=practice.title,
        body="\n".join(part for part in parts if part),
        url=f"/practices/{practice.id}",
        language=practice.language,
        country=practice.country_code,
        themes=practice.theme_slugs,
        actor_types=list(practice.actor_types or []),
        status=str(practice.project_status),
        year=practice.start_year,
        date=practice.published_at,
    )


def _documents(thread: Thread, posts: Iterable[Post]) -> Iterator[Document]:
    for post in posts:
        yield post_document(thread, post)


def _public_posts_of(session: Session, thread_ids: list[int]) -> dict[int, list[Post]]:
    rows = session.scalars(
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.thread_id.in_(thread_ids), public_posts(), public_threads())
        .order_by(Post.thread_id, Post.id)
    )
    grouped: dict[int, list[Post]] = {}
    for post in rows:
        grouped.setdefault(post.thread_id, []).append(post)
    return grouped


def sync_threads(*threads: Thread | int) -> None:
    """Make the index hold exactly the public content of these threads; never raise.

    For changes to a whole thread: moved, renamed, merged, split, deleted.
    """
    _sync({("thread", t if isinstance(t, int) else t.id) for t in threads})


def sync_posts(*posts: Post) -> None:
    """Bring the index in step with these posts only (new, edited, hidden...)."""
    _sync({("post", post.id) for post in posts})


def sync_practices(*practices: Practice | int) -> None:
    """Index these practices if they are published, else take them out."""
    _sync({("practice", p if isinstance(p, int) else p.id) for p in practices})


def _sync(keys: set[tuple[str, int]]) -> None:
    pending: set = current_app.extensions.setdefault(_PENDING_KEY, set())
    keys = pending | keys
    if not keys:
        return
    try:
        _write(
            sorted(i for kind, i in keys if kind == "thread"),
            sorted(i for kind, i in keys if kind == "post"),
            sorted(i for kind, i in keys if kind == "practice"),
        )
    except (IndexBusy, OSError, ValueError) as error:
        current_app.logger.error(
            "Search index not updated for %s (%s); will retry", sorted(keys), error
        )
        pending.update(keys)
        return
    pending.clear()


def _write(
    thread_ids: list[int], post_ids: list[int], practice_ids: list[int] = ()
) -> None:
    stale = [doc_id("practice", practice_id) for practice_id in practice_ids]
    stale += [doc_id("thread", thread_id) for thread_id in thread_ids]
    if thread_ids:
        post_ids = post_ids + list(
            db.session.scalars(select(Post.id).where(Post.thread_id.in_(thread_ids)))
        )
    stale += [doc_id("post", post_id) for post_id in post_ids]
    stale += [doc_id("thread", thread_id) for thread_id in _opened(post_ids)]
    fresh = db.session.scalars(
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            or_(Post.thread_id.in_(thread_ids), Post.id.in_(post_ids)),
            public_posts(),
            public_threads(),
        )
        .order_by(Post.thread_id, Post.id)
    )
    documents = [post_document(post.thread, post) for post in fresh]
    if practice_ids:
        published = db.session.scalars(
            select(Practice).where(Practice.id.in_(practice_ids), public_practices())
        )
        documents += [practice_document(practice) for practice in published]
    search_index().replace(stale, documents)


def _opened(post_ids: list[int]) -> list[int]:
    """Return the threads whose opening post is among `post_ids`."""
    if not post_ids:
        return []
    return list(
        db.session.scalars(
            select(Post.thread_id).where(Post.id.in_(post_ids), Post.is_first.is_(True))
        )
    )


def _all_documents(
    session: Session, progress, share: tuple[int, int] = (0, 1)
) -> Iterator[Document]:
    """Walk the public practices and threads (with `share` (k, n): those whose
    id is k modulo n)."""
    yield from _all_practice_documents(session, progress, share)
    last_id = 0
    while True:
        thread_ids = list(
            session.scalars(
                select(Thread.id)
                .where(public_threads(), Thread.id > last_id, _in(share, Thread.id))
                .order_by(Thread.id)
                .limit(REBUILD_CHUNK)
            )
        )
        if not thread_ids:
            return
        for posts in _public_posts_of(session, thread_ids).values():
            yield from _documents(posts[0].thread, posts)
        last_id = thread_ids[-1]
        if progress:
            progress(len(thread_ids))
        session.expunge_all()


def _in(share: tuple[int, int], column):
    part, parts = share
    return true() if parts == 1 else (column % parts) == part


def _all_practice_documents(session: Session, progress, share) -> Iterator[Document]:
    last_id = 0
    while True:
        practices = list(
            session.scalars(
                select(Practice)
                .where(public_practices(), _in(share, Practice.id))
                .where(Practice.id > last_id)
                .order_by(Practice.id)
                .limit(REBUILD_CHUNK)
            )
        )
        if not practices:
            return
        for practice in practices:
            yield practice_document(practice)
        last_id = practices[-1].id
        if progress:
            progress(len(practices))
        session.expunge_all()


def count_documents_to_index() -> int:
    """Return how many practices and threads a rebuild walks (for progress bars)."""
    return db.session.scalar(
        select(func.count(Practice.id)).where(public_practices())
    ) + db.session.scalar(select(func.count(Thread.id)).where(public_threads()))


def rebuild_all(*, procs: int = 1, progress=None) -> int:
    """Rebuild the whole index from the database; return how many documents.

    With `procs` > 1, each indexing process reads its own share of the
    database (ids modulo procs) and writes its own segment.
    """
    if procs > 1:
        shares = [
            partial(_share_documents, (k, procs), os.getpid()) for k in range(procs)
        ]
        count = search_index().rebuild_in_parts(shares, progress=progress)
    else:
        # A session of its own: the caller's objects stay attached and unchanged.
        with Session(db.engine) as session:
            count = search_index().rebuild(_all_documents(session, progress))
    current_app.extensions.get(_PENDING_KEY, set()).clear()
    return count


def _share_documents(share: tuple[int, int], parent: int, report) -> Iterator[Document]:
    if os.getpid() != parent:
        # A forked indexing process: the parent's connections stay the parent's.
        db.engine.dispose(close=False)
    with Session(db.engine) as session:
        yield from _all_documents(session, report, share)
