"""The demo community loaded by `flask forum seed-demo`."""

from __future__ import annotations

import json
import secrets
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from forum.columns import utcnow
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import ActorType, Country, Post, Role, Theme, Thread, User
from forum.services import moderation, reactions, threads
from forum.services.accounts import create_confirmed_user
from forum.services.passwords import hash_password
from forum.services.reference import DATA_DIR


def demo_password() -> str:
    """Return the demo accounts' password, made once and kept in the instance folder."""
    path = Path(current_app.instance_path) / "demo-password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


def seed_demo_members() -> int:
    """Create the demo members that do not exist yet; return how many were added."""
    members = json.loads((DATA_DIR / "demo_members.json").read_text(encoding="utf-8"))
    existing = set(db.session.scalars(select(User.username)))
    password_hash = hash_password(demo_password())
    added = 0
    for member in members:
        if member["username"] in existing:
            continue
        _create_member(member, password_hash)
        added += 1
    return added


def _create_member(member: dict, password_hash: str) -> User:
    user = create_confirmed_user(
        email=member["email"],
        username=member["username"],
        display_name=member["display_name"],
        password="",
        password_hash=password_hash,
        organisation=member["organisation"],
        actor_type=ActorType(member["actor_type"]),
        country_code=member["country"],
        languages=member["languages"],
        locale=member["locale"],
        timezone=member["timezone"],
        bio_markdown=member["bio"],
        bio_html=render_markdown(member["bio"]),
    )
    user.role = Role(member["role"])
    user.moderates_everywhere = bool(member.get("moderates_everywhere"))
    user.can_organise = bool(member.get("organiser"))
    if user.role is Role.MODERATOR:
        user.scope_countries = _rows(
            Country, Country.code, member["moderator_countries"]
        )
        user.scope_themes = _rows(Theme, Theme.slug, member["moderator_themes"])
    db.session.commit()
    return user


def _rows(model, column, keys):
    if not keys:
        return []
    return list(db.session.scalars(select(model).where(column.in_(keys))))


# What moderators did to some demo discussions: {"by": username, "reason": ...}.
CURATION = {
    "pinned": partial(moderation.pin_thread, pinned=True),
    "featured": partial(moderation.feature_thread, featured=True),
    "locked": partial(moderation.lock_thread, locked=True),
}


def seed_demo_threads() -> int:
    """Create the demo discussions that do not exist yet; return how many were added.

    Discussions are known by their title. They go through the same services as
    members' posts (Markdown, mentions, reply trees), then get dates spread
    over the past months.
    """
    items = json.loads((DATA_DIR / "demo_threads.json").read_text(encoding="utf-8"))
    titles = [item["title"] for item in items]
    existing = set(
        db.session.scalars(select(Thread.title).where(Thread.title.in_(titles)))
    )
    missing = [item for item in items if item["title"] not in existing]
    if not missing:
        return 0
    members = {
        user.username: user
        for user in db.session.scalars(
            select(User).where(User.username.in_(_usernames(missing)))
        )
    }
    now = utcnow()
    # Mentions become profile links through url_for, which needs a request.
    with seeding(members.values()), current_app.test_request_context("/"):
        for item in missing:
            _create_discussion(item, members, now)
    return len(missing)


def _usernames(items: list[dict]) -> set[str]:
    names = set()

    def collect(replies):
        for reply in replies:
            names.add(reply["author"])
            names.update(reply.get("helpful", []))
            collect(reply.get("replies", []))

    for item in items:
        names.add(item["author"])
        names.update(item[key]["by"] for key in CURATION if item.get(key))
        collect(item["replies"])
    return names


@contextmanager
def seeding(members):
    """Lift posting limits and approval, and mail nobody, while the demo is loaded."""
    config = current_app.config
    saved_config = {
        key: config.get(key) for key in ("POSTS_NEEDING_APPROVAL", "RATELIMIT_ENABLED")
    }
    saved_mail = {user.id: user.email_notifications for user in members}
    config.update(POSTS_NEEDING_APPROVAL=0, RATELIMIT_ENABLED=False)
    for user in members:
        user.email_notifications = "none"
    db.session.commit()
    try:
        yield
    finally:
        config.update(saved_config)
        for user in members:
            user.email_notifications = saved_mail[user.id]
        db.session.commit()


def _create_discussion(item: dict, members: dict[str, User], now: datetime) -> Thread:
    started = now - timedelta(days=item["days_ago"])
    thread = threads.create_thread(
        members[item["author"]],
        title=item["title"],
        body=item["body"],
        country=item["country"],
        themes=item["themes"],
        language=item["language"],
    )
    thread.created_at = started
    opening = db.session.scalar(
        select(Post).where(Post.thread_id == thread.id, Post.is_first.is_(True))
    )
    opening.created_at = started
    clock = _Clock(started, latest=now - timedelta(minutes=30))
    last = _add_replies(thread, item["replies"], None, members, clock)
    thread.last_activity_at = last.created_at if last else started
    thread.last_poster_id = last.author_id if last else thread.author_id
    db.session.commit()
    for key, act in CURATION.items():
        if item.get(key):
            act(members[item[key]["by"]], thread, reason=item[key]["reason"])
    return thread


class _Clock:
    """Hands out the dates of a discussion's posts, never later than `latest`."""

    def __init__(self, start: datetime, *, latest: datetime):
        self.now = start
        self.latest = latest

    def advance(self, hours: float) -> datetime:
        self.now = min(self.now + timedelta(hours=hours), self.latest)
        return self.now


def _add_replies(thread, replies, parent, members, clock) -> Post | None:
    """Post `replies` (and theirs, depth first); return the latest post written."""
    last = None
    for item in replies:
        post = threads.reply(
            members[item["author"]],
            thread,
            body=item["body"],
            parent_id=parent.id if parent else None,
        )
        post.created_at = clock.advance(item["hours"])
        last = post
        for name in item.get("helpful", []):
            reactions.toggle_helpful(members[name], post)
        if item.get("accepted"):
            reactions.accept_answer(thread.author, post)
        # The clock only moves forward: the last post written is the latest.
        last = (
            _add_replies(thread, item.get("replies", []), post, members, clock) or last
        )
    return last
