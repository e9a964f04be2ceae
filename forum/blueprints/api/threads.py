"""API endpoints of the forum: threads, their post trees, replies and reactions."""

from __future__ import annotations

from flask import current_app, jsonify, url_for
from flask_login import current_user, login_required

from forum.blueprints.api import bp
from forum.blueprints.api.inputs import ID, MAX_ID, JsonBody, query_choice, query_page
from forum.blueprints.api.serialise import (
    flag_dict,
    post_dict,
    thread_dict,
    thread_summary_dict,
)
from forum.services import discussions, moderation, reactions, reference, threads


def _created(payload: dict, location: str):
    return jsonify(payload), 201, {"Location": location}


def _thread_tree(thread) -> dict:
    """Describe a thread with every post the caller may see, as a tree."""
    # One query for the whole thread: the service's tree order, in one page.
    posts = discussions.thread_posts(current_user, thread, per_page=MAX_ID)
    return thread_dict(current_user, thread, posts.items)


@bp.get("/threads")
def list_threads():
    """List public threads with the filters and sorts of the pages."""
    listing = discussions.list_threads(
        current_user,
        country=query_choice("country", (c.code for c in reference.list_countries())),
        theme=query_choice("theme", (t.slug for t in reference.list_themes())),
        sort=query_choice("sort", discussions.SORTS, "latest"),
        page=query_page(),
        per_page=current_app.config["THREADS_PER_PAGE"],
    )
    return jsonify(
        threads=[thread_summary_dict(thread) for thread in listing.items],
        total=listing.total,
        page=listing.page,
        pages=listing.pages,
    )


@bp.post("/threads")
@login_required
def create_thread():
    """Start a thread; it waits for approval when the author is new."""
    body = JsonBody.read()
    thread = threads.create_thread(
        current_user,
        title=body.text("title"),
        body=body.text("body"),
        country=body.text("country"),
        themes=body.texts("themes"),
        language=body.text("language"),
    )
    return _created(
        _thread_tree(thread), url_for("api.get_thread", thread_id=thread.id)
    )


@bp.get(f"/threads/<{ID}:thread_id>")
def get_thread(thread_id: int):
    """Return a thread with its tree of posts."""
    return jsonify(_thread_tree(threads.get_thread(current_user, thread_id)))


@bp.post(f"/threads/<{ID}:thread_id>/posts")
@login_required
def reply(thread_id: int):
    """Answer the thread, or one of its posts (`parent_id`)."""
    body = JsonBody.read()
    post = threads.reply(
        current_user,
        threads.get_thread(current_user, thread_id),
        body=body.text("body"),
        parent_id=body.integer("parent_id", None),
    )
    return _created(
        post_dict(current_user, post), url_for("api.get_post", post_id=post.id)
    )


@bp.get(f"/posts/<{ID}:post_id>")
def get_post(post_id: int):
    """Return one post (its body only if the caller may read it)."""
    return jsonify(post_dict(current_user, threads.get_post(current_user, post_id)))


@bp.patch(f"/posts/<{ID}:post_id>")
@login_required
def edit_post(post_id: int):
    """Edit a post, and the thread's title for an opening post."""
    body = JsonBody.read()
    post = threads.edit_post(
        current_user,
        threads.get_post(current_user, post_id),
        body=body.text("body"),
        title=body.text("title", None),
    )
    return jsonify(post_dict(current_user, post))


@bp.delete(f"/posts/<{ID}:post_id>")
@login_required
def delete_post(post_id: int):
    """Delete one's own post; a placeholder stays in the thread."""
    post = threads.get_post(current_user, post_id)
    threads.delete_own_post(current_user, post)
    return jsonify(post_dict(current_user, post))


@bp.post(f"/posts/<{ID}:post_id>/helpful")
@login_required
def mark_helpful(post_id: int):
    """Mark a post helpful, or take the mark back."""
    post = threads.get_post(current_user, post_id)
    marked = reactions.toggle_helpful(current_user, post)
    return jsonify(helpful=marked, helpful_count=post.helpful_count)


@bp.post(f"/posts/<{ID}:post_id>/accept")
@login_required
def accept_answer(post_id: int):
    """Mark a reply as the thread's answer; again takes the mark back."""
    post = threads.get_post(current_user, post_id)
    reactions.accept_answer(current_user, post)
    return jsonify(thread_summary_dict(post.thread))


@bp.post(f"/posts/<{ID}:post_id>/flag")
@login_required
def flag_post(post_id: int):
    """Report a post to the moderators."""
    body = JsonBody.read()
    flag = moderation.flag_post(
        current_user,
        threads.get_post(current_user, post_id),
        reason=body.text("reason"),
        text=body.text("text", ""),
    )
    return jsonify(flag_dict(current_user, flag)), 201
