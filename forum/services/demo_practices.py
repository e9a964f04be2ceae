"""The demo good practices loaded by `flask forum seed-demo`.

Their text is in `data/demo_practices_*.json`, one file per original language
(translations sit with their original). Practices go through the same
services as members' ones: written, submitted, published by a moderator of
their country or themes (which opens their discussion thread, keeps their
first revision and indexes them), translated, featured and adopted. Then
their dates are spread over the past months. A practice is known by its
title: running the seed again adds nothing.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from forum.columns import utcnow
from forum.extensions import db
from forum.models import (
    Post,
    Practice,
    PracticeRevision,
    PracticeState,
    Role,
    User,
)
from forum.services import adoptions, practice_review, practices, search
from forum.services.demo import seeding
from forum.services.reference import DATA_DIR
from forum.services.visibility import moderates_practice

# Content fields of an item, as `practices.clean_content` reads them.
FIELDS = (
    "title",
    "summary",
    "sections",
    "country",
    "place",
    "themes",
    "actor_types",
    "language",
    "start_year",
    "end_year",
    "status",
    "organisation",
    "contact",
    "links",
)


def demo_items() -> list[dict]:
    """Return the demo practices, oldest first, each with its translations."""
    items = []
    for path in sorted(DATA_DIR.glob("demo_practices_*.json")):
        items += json.loads(path.read_text(encoding="utf-8"))
    return sorted(items, key=lambda item: (-item["days_ago"], item["title"]))


def seed_demo_practices() -> int:
    """Create the demo practices that do not exist yet; return how many were added.

    Translations count as practices of their own.
    """
    items = demo_items()
    titles = [item["title"] for item in items] + [
        version["title"] for item in items for version in item.get("translations", [])
    ]
    existing = {
        practice.title: practice
        for practice in db.session.scalars(
            select(Practice).where(Practice.title.in_(titles))
        )
    }
    if len(existing) == len(titles):
        return 0
    usernames = [
        member["username"]
        for member in json.loads(
            (DATA_DIR / "demo_members.json").read_text(encoding="utf-8")
        )
    ]
    members = {
        user.username: user
        for user in db.session.scalars(select(User).where(User.username.in_(usernames)))
    }
    seeder = _Seeder(members, existing, now=utcnow())
    # Links in discussion threads and mentions are built for a request.
    with seeding(members.values()), current_app.test_request_context("/"):
        for item in items:
            seeder.add(item)
        seeder.reindex()
    return seeder.added


class _Seeder:
    """Adds the missing practices of the demo, remembering what it touched."""

    def __init__(self, members: dict[str, User], existing: dict, *, now: datetime):
        self.members = members
        self.existing = existing
        self.now = now
        self.added = 0
        self.touched: set[int] = set()
        self.threads: set[int] = set()
        # Scoped moderators first, so that each reviews practices of their area.
        self.moderators = sorted(
            (user for user in members.values() if user.is_moderator),
            key=lambda user: (user.is_global_moderator, user.role == Role.ADMIN),
        )

    def add(self, item: dict) -> None:
        """Add an item's practice, translations and adoptions where missing."""
        root = self.existing.get(item["title"])
        if root is None:
            root = self._create(item, self.members[item["author"]])
            self._adopt(root, item.get("adoptions", []), item["days_ago"])
        for version in item.get("translations", []):
            if version["title"] not in self.existing:
                data = {**practices.translation_template(root), **version}
                data["contact"] = root.contact
                self._create(data, self.members[version["author"]], original=root)

    def _create(self, item: dict, author: User, original=None) -> Practice:
        data = {name: item[name] for name in FIELDS if name in item}
        practice = practices.create_practice(author, data, original=original)
        state = item.get("state", PracticeState.PUBLISHED.value)
        if state != PracticeState.DRAFT.value:
            practice_review.submit_practice(author, practice)
        if state == PracticeState.PUBLISHED.value:
            reviewer = self._reviewer(practice)
            practice_review.publish_practice(reviewer, practice)
            if item.get("featured"):
                practice_review.set_featured(reviewer, practice, True)
        self._backdate(practice, self.now - timedelta(days=item["days_ago"]))
        self.existing[practice.title] = practice
        self.added += 1
        return practice

    def _reviewer(self, practice: Practice) -> User:
        for moderator in self.moderators:
            if moderator.id != practice.author_id and moderates_practice(
                moderator, practice
            ):
                return moderator
        raise LookupError(f"no demo moderator reviews {practice.title!r}")

    def _backdate(self, practice: Practice, when: datetime) -> None:
        """Date a practice (and the discussion it opened) `when`, as if written then."""
        practice.created_at = when - timedelta(days=6)
        practice.updated_at = when
        if practice.submitted_at is not None:
            practice.submitted_at = when - timedelta(days=2)
        if practice.is_published:
            practice.published_at = when
            for revision in db.session.scalars(
                select(PracticeRevision).where(
                    PracticeRevision.practice_id == practice.id
                )
            ):
                revision.created_at = when
            thread = practice.thread
            # A translation joins its original's discussion: keep that one's date.
            if thread is not None and practice.original_id is None:
                thread.created_at = thread.last_activity_at = when
                for post in db.session.scalars(
                    select(Post).where(Post.thread_id == thread.id)
                ):
                    post.created_at = when
                self.threads.add(thread.id)
            self.touched.add(practice.id)
        db.session.commit()

    def _adopt(self, root: Practice, notes: list[dict], days_ago: int) -> None:
        for number, note in enumerate(notes, start=1):
            member = self.members[note["by"]]
            adoption = adoptions.record_adoption(
                member,
                root,
                kind=note["kind"],
                note=note["note"],
                organisation=member.organisation or member.display_name,
            )
            # Somewhere between the publication and today.
            adoption.created_at = self.now - timedelta(
                days=days_ago * (len(notes) + 1 - number) // (len(notes) + 2)
            )
        db.session.commit()

    def reindex(self) -> None:
        """Index the practices and discussions with their final dates."""
        if self.touched:
            search.sync_practices(*sorted(self.touched))
        if self.threads:
            search.sync_threads(*sorted(self.threads))
