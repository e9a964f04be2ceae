"""What feeds show: public threads, posts and practices, as ready-to-render entries.

Feeds are read by programs that never log in, so they show only what
everyone may see (forum.services.visibility), whoever fetches them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import select

from forum.columns import utcnow
from forum.extensions import db
from forum.models import Post, Practice, Thread
from forum.services import discussions, practices
from forum.services.visibility import public_posts

ENTRIES = 30
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: str) -> str:
    """Drop the characters that would make the feed invalid XML."""
    return _NOT_XML.sub("", value)


def atom_time(value: datetime) -> str:
    """Format a UTC time as RFC 3339, as Atom wants it."""
    return value.replace(microsecond=0).isoformat()


@dataclass
class Entry:
    """One Atom entry."""

    id: str
    title: str
    link: str
    updated: str
    published: str
    author: str
    content_html: str | None
    language: str

    def __post_init__(self):
        self.title = xml_text(self.title)
        self.author = xml_text(self.author)
        if self.content_html is not None:
            self.content_html = xml_text(self.content_html)


def newest_updated(entries: list[Entry], fallback: datetime | None = None) -> str:
    """Return the feed's <updated>: its latest entry, else `fallback` or now."""
    if entries:
        return max(entry.updated for entry in entries)
    return atom_time(fallback or utcnow())


def thread_entries(country: str | None, theme: str | None) -> list[Entry]:
    """Return the newest public threads of a country and/or theme as entries."""
    listing = discussions.list_threads(
        None,
        country=country,
        theme=theme,
        sort="newest",
        per_page=ENTRIES,
        pinned_first=False,
    )
    openings = _opening_posts([thread.id for thread in listing.items])
    return [_thread_entry(thread, openings.get(thread.id)) for thread in listing.items]


def _opening_posts(thread_ids: list[int]) -> dict[int, Post]:
    if not thread_ids:
        return {}
    query = select(Post).where(
        Post.thread_id.in_(thread_ids), Post.is_first.is_(True), public_posts()
    )
    return {post.thread_id: post for post in db.session.scalars(query)}


def _thread_entry(thread: Thread, opening: Post | None) -> Entry:
    link = url_for("forum.view_thread", thread_id=thread.id, _external=True)
    edited = opening.edited_at if opening else None
    return Entry(
        id=link,
        title=thread.title,
        link=link,
        updated=atom_time(max(filter(None, [thread.created_at, edited]))),
        published=atom_time(thread.created_at),
        author=thread.author.public_name,
        # A hidden opening post leaves the entry without content.
        content_html=opening.body_html if opening else None,
        language=thread.language,
    )


def post_entries(thread: Thread) -> list[Entry]:
    """Return a public thread's public posts, newest first, as entries."""
    query = (
        select(Post)
        .where(Post.thread_id == thread.id, public_posts())
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(ENTRIES)
    )
    return [_post_entry(thread, post) for post in db.session.scalars(query)]


def _post_entry(thread: Thread, post: Post) -> Entry:
    link = url_for("forum.permalink", post_id=post.id, _external=True)
    return Entry(
        id=link,
        title=thread.title if post.is_first else _("Re: %(title)s", title=thread.title),
        link=link,
        updated=atom_time(post.edited_at or post.created_at),
        published=atom_time(post.created_at),
        author=post.author.public_name,
        content_html=post.body_html,
        language=thread.language,
    )


def practice_entries(country: str | None, theme: str | None) -> list[Entry]:
    """Return the newest published practices of a country and/or theme as entries."""
    listing = practices.list_practices(
        country=country, theme=theme, sort="latest", per_page=ENTRIES
    )
    return [_practice_entry(practice) for practice in listing.items]


def _practice_entry(practice: Practice) -> Entry:
    link = url_for("library.view_practice", practice_id=practice.id, _external=True)
    published = practice.published_at or practice.created_at
    return Entry(
        id=link,
        title=practice.title,
        link=link,
        updated=atom_time(max(published, practice.updated_at or published)),
        published=atom_time(published),
        author=practice.author.public_name,
        # The summary is plain text: escape it into the HTML the entry carries.
        content_html=f"<p>{escape(practice.summary)}</p>" if practice.summary else None,
        language=practice.language,
    )
