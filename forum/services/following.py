"""Watching threads and following countries and themes."""

from __future__ import annotations

from sqlalchemy import delete, select

from forum.extensions import db
from forum.models import Follow, Thread, ThreadWatch, User


def is_watching(user: User, thread: Thread) -> bool:
    """Say whether `user` watches `thread`."""
    return db.session.get(ThreadWatch, (user.id, thread.id)) is not None


def watch_thread(user: User, thread: Thread, *, commit: bool = True) -> None:
    """Start watching a thread (idempotent)."""
    if db.session.get(ThreadWatch, (user.id, thread.id)) is None:
        db.session.add(ThreadWatch(user_id=user.id, thread_id=thread.id))
    if commit:
        db.session.commit()


def unwatch_thread(user: User, thread: Thread) -> None:
    """Stop watching a thread."""
    db.session.execute(
        delete(ThreadWatch).where(
            ThreadWatch.user_id == user.id, ThreadWatch.thread_id == thread.id
        )
    )
    db.session.commit()


def _follow_row(user: User, country_code: str | None, theme_slug: str | None):
    return db.session.scalar(
        select(Follow).where(
            Follow.user_id == user.id,
            Follow.country_code.is_(None)
            if country_code is None
            else Follow.country_code == country_code,
            Follow.theme_slug.is_(None)
            if theme_slug is None
            else Follow.theme_slug == theme_slug,
        )
    )


def is_following(user: User, *, country_code=None, theme_slug=None) -> bool:
    """Say whether `user` follows that country or theme."""
    return _follow_row(user, country_code, theme_slug) is not None


def follow(user: User, *, country_code=None, theme_slug=None) -> None:
    """Follow a country or a theme (exactly one of them)."""
    if (country_code is None) == (theme_slug is None):
        raise ValueError("follow a country or a theme")
    if _follow_row(user, country_code, theme_slug) is None:
        db.session.add(
            Follow(user_id=user.id, country_code=country_code, theme_slug=theme_slug)
        )
    db.session.commit()


def unfollow(user: User, *, country_code=None, theme_slug=None) -> None:
    """Stop following a country or a theme."""
    row = _follow_row(user, country_code, theme_slug)
    if row is not None:
        db.session.delete(row)
    db.session.commit()


def toggle_watch(user: User, thread: Thread) -> bool:
    """Watch the thread, or stop watching it; return whether the user watches now."""
    if is_watching(user, thread):
        unwatch_thread(user, thread)
        return False
    watch_thread(user, thread)
    return True


def toggle_follow(user: User, *, country_code=None, theme_slug=None) -> bool:
    """Follow a country or theme, or stop; return whether the user follows now."""
    if is_following(user, country_code=country_code, theme_slug=theme_slug):
        unfollow(user, country_code=country_code, theme_slug=theme_slug)
        return False
    follow(user, country_code=country_code, theme_slug=theme_slug)
    return True
