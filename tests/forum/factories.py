"""Threads and replies made through the services, as a member's post would be."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from flask import current_app

from forum.columns import utcnow
from forum.extensions import db
from forum.models import Post, Thread, User
from forum.services import threads
from tests.factories import make_user

_numbers = count(1)


def old_member(**overrides) -> User:
    """Create a member whose account is a month old (the normal posting limits)."""
    return make_user(created_at=utcnow() - timedelta(days=30), **overrides)


def make_thread(
    author: User | None = None,
    *,
    title: str | None = None,
    body: str | None = None,
    country: str = "TN",
    themes: tuple[str, ...] = ("social-finance",),
    language: str = "en",
    **columns,
) -> Thread:
    """Start a thread through the service, then set any other column (`pinned`...)."""
    number = next(_numbers)
    with current_app.test_request_context():
        thread = threads.create_thread(
            author or old_member(),
            title=title or f"Discussion {number}",
            body=body or f"Opening post number {number}.",
            country=country,
            themes=themes,
            language=language,
        )
    if columns:
        for name, value in columns.items():
            setattr(thread, name, value)
        db.session.commit()
    return thread


def make_reply(
    thread: Thread,
    author: User | None = None,
    *,
    to: Post | None = None,
    body: str | None = None,
) -> Post:
    """Answer the thread, or the post `to`, through the service."""
    with current_app.test_request_context():
        return threads.reply(
            author or old_member(),
            thread,
            body=body or f"Reply number {next(_numbers)}.",
            parent_id=to.id if to else None,
        )


def opening_post(thread: Thread) -> Post:
    """Return the thread's first post."""
    return db.session.scalar(
        db.select(Post).where(Post.thread_id == thread.id, Post.is_first.is_(True))
    )
