"""Plain-dict shapes of records returned by the API."""

from __future__ import annotations

from datetime import datetime

from flask import url_for

from forum.models import Country, Flag, Post, Practice, Theme, Thread, User
from forum.services.practices import contact_visible
from forum.services.site_search import Result
from forum.services.visibility import moderates_practice, readable_post


def country_dict(country: Country) -> dict:
    return {"code": country.code, "names": country.names, "active": country.active}


def theme_dict(theme: Theme) -> dict:
    return {
        "slug": theme.slug,
        "names": theme.names,
        "descriptions": theme.descriptions,
        "active": theme.active,
    }


def user_dict(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.public_name,
        "organisation": user.organisation,
        "actor_type": user.actor_type.value,
        "country": user.country_code,
        "languages": user.languages,
        "role": user.role.value,
        "bio_html": user.bio_html,
    }


# The forum ----------------------------------------------------------------


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def author_dict(user: User) -> dict:
    return {"username": user.username, "display_name": user.public_name}


def thread_summary_dict(thread: Thread) -> dict:
    """Describe a thread as listings show it."""
    return {
        "id": thread.id,
        "title": thread.title,
        "url": url_for("forum.view_thread", thread_id=thread.id, _external=True),
        "country": thread.country_code,
        "themes": thread.theme_slugs,
        "language": thread.language,
        "author": author_dict(thread.author),
        "created_at": _time(thread.created_at),
        "last_activity_at": _time(thread.last_activity_at),
        "reply_count": thread.reply_count,
        "approved": thread.approved,
        "pinned": thread.pinned,
        "locked": thread.locked,
        "lock_reason": thread.lock_reason or None,
        "featured": thread.featured,
        "deleted": thread.is_deleted,
        "accepted_post_id": thread.accepted_post_id,
    }


def post_status(post: Post) -> str:
    """Name the state of a post: deleted, hidden, pending or visible."""
    if post.is_deleted:
        return "deleted"
    if post.is_hidden:
        return "hidden"
    if not post.approved:
        return "pending"
    return "visible"


def post_dict(viewer, post: Post) -> dict:
    """Describe a post; its body only when `viewer` may read it."""
    return {
        "id": post.id,
        "thread_id": post.thread_id,
        "parent_id": post.parent_id,
        "url": url_for("forum.permalink", post_id=post.id, _external=True),
        "author": author_dict(post.author),
        "body_html": post.body_html if readable_post(viewer, post) else None,
        "created_at": _time(post.created_at),
        "edited_at": _time(post.edited_at),
        "helpful_count": post.helpful_count,
        "status": post_status(post),
        "hidden_reason": post.hidden_reason if post.is_hidden else None,
    }


def post_tree(viewer, posts: list[Post]) -> list[dict]:
    """Nest posts given in tree order as "replies" of their parents.

    Replies to the thread hang under the opening post. A post whose parent is
    not among `posts` hangs under its nearest ancestor that is.
    """
    nodes: dict[int, dict] = {}
    roots: list[dict] = []
    opening: dict | None = None
    for post in posts:
        node = {**post_dict(viewer, post), "replies": []}
        nodes[post.id] = node
        if post.is_first:
            opening = node
            roots.append(node)
            continue
        ancestors = (int(segment) for segment in reversed(post.path.split("/")[:-1]))
        parent = next((nodes[a] for a in ancestors if a in nodes), opening)
        (parent["replies"] if parent else roots).append(node)
    return roots


def thread_dict(viewer, thread: Thread, posts: list[Post]) -> dict:
    """Describe a thread with its tree of posts."""
    return {**thread_summary_dict(thread), "posts": post_tree(viewer, posts)}


def flag_dict(viewer, flag: Flag) -> dict:
    return {
        "id": flag.id,
        "reason": flag.reason,
        "text": flag.text,
        "reporter": author_dict(flag.reporter),
        "created_at": _time(flag.created_at),
        "resolved_at": _time(flag.resolved_at),
        "resolution": flag.resolution or None,
        "post": post_dict(viewer, flag.post),
    }


# The library and search ----------------------------------------------------


def practice_summary_dict(practice: Practice, adoptions: int = 0) -> dict:
    """Describe a practice as listings show it."""
    return {
        "id": practice.id,
        "title": practice.title,
        "url": url_for(
            "library.view_practice", practice_id=practice.id, _external=True
        ),
        "summary": practice.summary,
        "country": practice.country_code,
        "place": practice.place,
        "themes": practice.theme_slugs,
        "actor_types": list(practice.actor_types or []),
        "language": practice.language,
        "start_year": practice.start_year,
        "end_year": practice.end_year,
        "status": str(practice.project_status),
        "organisation": practice.organisation,
        "state": str(practice.state),
        "featured": practice.featured,
        "original_id": practice.original_id,
        "published_at": _time(practice.published_at),
        "adoptions": adoptions,
    }


def practice_dict(
    viewer, practice: Practice, *, adoptions: int, versions: list[Practice]
) -> dict:
    """Describe a practice in full; contact and review notes only for those allowed."""
    involved = practice.author_id == getattr(viewer, "id", None) or (
        moderates_practice(viewer, practice)
    )
    pending = practice.pending_revision
    thread_url = None
    if practice.thread_id:
        thread_url = url_for(
            "forum.view_thread", thread_id=practice.thread_id, _external=True
        )
    return {
        **practice_summary_dict(practice, adoptions),
        "sections": dict(practice.sections or {}),
        "sections_html": dict(practice.sections_html or {}),
        "links": list(practice.links or []),
        "contact": practice.contact if contact_visible(viewer) else None,
        "author": author_dict(practice.author),
        "created_at": _time(practice.created_at),
        "updated_at": _time(practice.updated_at),
        "discussion_url": thread_url,
        "translations": [
            {"id": other.id, "language": other.language}
            for other in versions
            if other.id != practice.id
        ],
        "review_comment": (practice.review_comment or None) if involved else None,
        "pending_edit": str(pending.state) if involved and pending else None,
    }


def search_result_dict(result: Result) -> dict:
    """Describe one search hit."""
    return {
        "type": result.kind,
        "id": result.id,
        "title": result.title,
        "url": result.url,
        "snippet": str(result.snippet),
        "language": result.language,
        "country": result.country or None,
        "themes": list(result.themes),
        "date": _time(result.date),
    }
