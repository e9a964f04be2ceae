"""Moderation pages: the queue, the log, and a form for every action.

Each action has a page of its own (GET) so it works without the thread page,
and is carried out by a POST; the services check the moderator's scope.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from forum.blueprints.forms import choices, form_status, submit
from forum.blueprints.moderation import bp, member_bp
from forum.blueprints.moderation.actions import POST_ACTIONS, THREAD_ACTIONS
from forum.blueprints.moderation.forms import (
    FlagForm,
    MoveForm,
    ReasonForm,
    SplitForm,
    SuspendForm,
)
from forum.blueprints.paging import page_number
from forum.columns import utcnow
from forum.errors import NotFound
from forum.extensions import db, login_manager
from forum.i18n import current_locale_code
from forum.labels import FLAG_REASON_LABELS
from forum.models import Flag, Post, Thread, User
from forum.services import discussions, members, moderation, moderation_queue, threads
from forum.services.permissions import require_moderator
from forum.services.visibility import readable_post


@bp.before_request
def _moderators_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require_moderator(current_user)
    return None


@bp.app_context_processor
def _queue_size():
    # A callable, so that only pages showing it (to moderators) run the query.
    return {"moderation_queue_size": lambda: moderation_queue.queue_size(current_user)}


def _get(model, record_id: int):
    record = db.session.get(model, record_id)
    if record is None:
        raise NotFound()
    return record


# The queue and the log ------------------------------------------------------------


def _render_queue(status: int = 200, form: FlaskForm | None = None):
    return render_template(
        "moderation/queue.html",
        flagged=moderation_queue.flag_queue(current_user),
        pending=moderation.pending_posts(current_user),
        errors=[*form.form_errors, *sum(form.errors.values(), [])] if form else [],
        flag_reason_labels=FLAG_REASON_LABELS,
    ), status


@bp.route("/")
def queue():
    """List open flags and posts waiting for approval, oldest first."""
    return _render_queue()


@bp.route("/log")
def log():
    """Read the moderation log of one's scope, filtered by action."""
    action = request.args.get("action") or None
    page = moderation.audit_entries(current_user, action=action, page=page_number())
    return render_template(
        "moderation/log.html",
        page=page,
        action=action,
        actions=moderation_queue.LOG_ACTIONS,
    )


@bp.route("/flags/<int:flag_id>/<any(hide, dismiss):action>", methods=["POST"])
def resolve_flag(flag_id: int, action: str):
    """Uphold a flag by hiding the post, or dismiss it."""
    form = ReasonForm()
    if form.validate_on_submit():
        outcome = submit(
            form,
            moderation.resolve_flag,
            current_user,
            _get(Flag, flag_id),
            action=action,
            reason=form.reason.data,
        )
        if outcome.ok:
            flash(
                _("The post is hidden.")
                if action == "hide"
                else _("The flag is dismissed."),
                "success",
            )
            return redirect(url_for("moderation.queue"))
    return _render_queue(422, form)


# Thread actions ---------------------------------------------------------------------


@bp.route("/threads/<int:thread_id>/<name>", methods=["GET", "POST"])
def thread_action(thread_id: int, name: str):
    """Show the form of a thread action, and carry it out."""
    action = THREAD_ACTIONS.get(name) or abort(404)
    thread = _get(Thread, thread_id)
    moderation.check_scope(current_user, thread)
    form = action.form(data=action.initial(thread) if request.method == "GET" else None)
    if isinstance(form, MoveForm):
        form.fill_choices(current_locale_code())
    if form.validate_on_submit():
        outcome = submit(form, action.run, thread, form)
        if outcome.ok:
            flash(str(action.done), "success")
            shown = outcome.value if isinstance(outcome.value, Thread) else thread
            return redirect(url_for("forum.view_thread", thread_id=shown.id))
    return render_template(
        "moderation/thread_action.html", thread=thread, form=form, action=action
    ), form_status(form)


@bp.route("/threads/<int:thread_id>/split", methods=["GET", "POST"])
def split_thread(thread_id: int):
    """Choose replies and move them into a new discussion."""
    thread = _get(Thread, thread_id)
    moderation.check_scope(current_user, thread)
    replies = discussions.thread_posts(current_user, thread, per_page=1000).items
    form = SplitForm()
    form.post_ids.choices = choices(
        (post.id, post.id) for post in replies if not post.is_first
    )
    if form.validate_on_submit():
        outcome = submit(
            form,
            moderation.split_thread,
            current_user,
            thread,
            post_ids=form.post_ids.data or [],
            title=form.title.data,
            reason=form.reason.data,
        )
        if outcome.ok:
            flash(_("The chosen replies are in a new discussion."), "success")
            return redirect(url_for("forum.view_thread", thread_id=outcome.value.id))
    return render_template(
        "moderation/split.html", thread=thread, form=form, replies=replies
    ), form_status(form)


# Post actions -----------------------------------------------------------------------


@bp.route(
    f"/posts/<int:post_id>/<any({', '.join(POST_ACTIONS)}):name>",
    methods=["GET", "POST"],
)
def post_action(post_id: int, name: str):
    """Show the form of a post action, and carry it out."""
    action = POST_ACTIONS[name]
    post = _get(Post, post_id)
    moderation.check_scope(current_user, post.thread)
    form = action.form()
    if form.validate_on_submit() and submit(form, action.run, post, form).ok:
        flash(str(action.done), "success")
        if request.form.get("next") == "queue":
            return redirect(url_for("moderation.queue"))
        return redirect(url_for("forum.permalink", post_id=post.id))
    return render_template(
        "moderation/post_action.html", post=post, form=form, action=action
    ), form_status(form)


# Members ---------------------------------------------------------------------------


@bp.route("/users/<int:user_id>/suspend", methods=["GET", "POST"])
def suspend_user(user_id: int):
    """Suspend a member for a number of days (moderators: at most 30)."""
    user = _get(User, user_id)
    form = SuspendForm()
    if form.validate_on_submit():
        outcome = submit(
            form,
            members.suspend_user,
            current_user,
            user,
            until=utcnow() + timedelta(days=form.days.data),
            reason=form.reason.data,
        )
        if outcome.ok:
            flash(_("The account is suspended."), "success")
            return redirect(url_for("users.profile", username=user.username))
    return render_template(
        "moderation/suspend.html", user=user, form=form
    ), form_status(form)


@member_bp.route("/posts/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
def flag_post(post_id: int):
    """Report a post to the moderators."""
    post = threads.get_post(current_user, post_id)
    form = FlagForm()
    if form.validate_on_submit():
        outcome = submit(
            form,
            moderation.flag_post,
            current_user,
            post,
            reason=form.reason.data,
            text=form.text.data,
        )
        if outcome.ok:
            flash(_("Thank you. A moderator will look at this post."), "success")
            return redirect(url_for("forum.permalink", post_id=post.id))
    return render_template(
        "moderation/flag.html",
        post=post,
        form=form,
        readable=readable_post(current_user, post),
    ), form_status(form)
