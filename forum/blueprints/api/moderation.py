"""API endpoints of moderation: thread and post actions, flags, the approval queue.

Every action goes through forum.services.moderation, which checks the
caller's scope: outside it the answer is 403.
"""

from __future__ import annotations

from flask import jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.blueprints.api import bp
from forum.blueprints.api.actions import POST_ACTIONS, THREAD_ACTIONS, Action
from forum.blueprints.api.inputs import ID, JsonBody
from forum.blueprints.api.serialise import flag_dict, post_dict, thread_summary_dict
from forum.errors import NotFound
from forum.extensions import db
from forum.models import Flag
from forum.services import moderation, threads


def _reason(body: JsonBody) -> str:
    # The service says when a reason is required, with its own message.
    return body.text("reason", "")


def _thread_view(name: str, action: Action):
    service = getattr(moderation, action.service)

    def view(thread_id: int):
        body = JsonBody.read()
        thread = threads.get_thread(current_user, thread_id)
        service(current_user, thread, reason=_reason(body), **action.fixed)
        return jsonify(thread_summary_dict(thread))

    view.__name__ = f"{name}_thread"
    view.__doc__ = f"{action.summary}."
    return view


def _post_view(name: str, action: Action):
    service = getattr(moderation, action.service)

    def view(post_id: int):
        body = JsonBody.read()
        post = threads.get_post(current_user, post_id)
        service(current_user, post, reason=_reason(body))
        return jsonify(post_dict(current_user, post))

    view.__name__ = f"{name}_post"
    view.__doc__ = f"{action.summary}."
    return view


for _name, _action in THREAD_ACTIONS.items():
    bp.add_url_rule(
        f"/threads/<{ID}:thread_id>/{_name}",
        view_func=login_required(_thread_view(_name, _action)),
        methods=["POST"],
    )
for _name, _action in POST_ACTIONS.items():
    bp.add_url_rule(
        f"/posts/<{ID}:post_id>/{_name}",
        view_func=login_required(_post_view(_name, _action)),
        methods=["POST"],
    )


@bp.post(f"/threads/<{ID}:thread_id>/move")
@login_required
def move_thread(thread_id: int):
    """Move a thread to another country and/or other themes."""
    body = JsonBody.read()
    thread = threads.get_thread(current_user, thread_id)
    moderation.move_thread(
        current_user,
        thread,
        country=body.text("country", thread.country_code),
        themes=body.texts("themes", thread.theme_slugs),
        reason=_reason(body),
    )
    return jsonify(thread_summary_dict(thread))


@bp.post(f"/threads/<{ID}:thread_id>/rename")
@login_required
def rename_thread(thread_id: int):
    """Give a thread a new title."""
    body = JsonBody.read()
    thread = threads.get_thread(current_user, thread_id)
    moderation.rename_thread(
        current_user, thread, title=body.text("title"), reason=_reason(body)
    )
    return jsonify(thread_summary_dict(thread))


@bp.post(f"/threads/<{ID}:thread_id>/merge")
@login_required
def merge_threads(thread_id: int):
    """Merge a thread into another (`target_id`); return the target."""
    body = JsonBody.read()
    source = threads.get_thread(current_user, thread_id)
    target = threads.get_thread(current_user, body.integer("target_id"))
    merged = moderation.merge_threads(
        current_user, source, target, reason=_reason(body)
    )
    return jsonify(thread_summary_dict(merged))


@bp.post(f"/threads/<{ID}:thread_id>/split")
@login_required
def split_thread(thread_id: int):
    """Move chosen posts (with their replies) into a new thread."""
    body = JsonBody.read()
    thread = threads.get_thread(current_user, thread_id)
    new_thread = moderation.split_thread(
        current_user,
        thread,
        post_ids=body.integers("post_ids"),
        title=body.text("title"),
        reason=_reason(body),
    )
    location = url_for("api.get_thread", thread_id=new_thread.id)
    return jsonify(thread_summary_dict(new_thread)), 201, {"Location": location}


@bp.post(f"/posts/<{ID}:post_id>/approve")
@login_required
def approve_post(post_id: int):
    """Publish a post that waited for approval."""
    post = threads.get_post(current_user, post_id)
    moderation.approve_post(current_user, post)
    return jsonify(post_dict(current_user, post))


@bp.get("/moderation/flags")
@login_required
def list_flags():
    """List the open flags in the caller's scope, oldest first."""
    flags = moderation.open_flags(current_user)
    return jsonify(flags=[flag_dict(current_user, flag) for flag in flags])


@bp.get("/moderation/pending")
@login_required
def list_pending():
    """List the posts waiting for approval in the caller's scope, oldest first."""
    posts = moderation.pending_posts(current_user)
    return jsonify(posts=[post_dict(current_user, post) for post in posts])


@bp.post(f"/flags/<{ID}:flag_id>/resolve")
@login_required
def resolve_flag(flag_id: int):
    """Resolve a flag by hiding the post or dismissing the flag."""
    body = JsonBody.read()
    flag = db.session.get(Flag, flag_id)
    if flag is None:
        raise NotFound(_("There is no such flag."))
    moderation.resolve_flag(
        current_user,
        flag,
        action=body.text("action"),
        reason=_reason(body),
    )
    return jsonify(flag_dict(current_user, flag))
