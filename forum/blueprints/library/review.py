"""Moderators' pages and buttons: the review queue, reviews, features, promotions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from forum.blueprints.forms import Outcome, submit
from forum.blueprints.library import bp
from forum.blueprints.library.actions import attempt, back_to_practice
from forum.blueprints.library.forms import ReviewForm, WithdrawForm
from forum.blueprints.library.views import practice_page
from forum.errors import ValidationError
from forum.services import practice_review, practices, threads
from forum.services.permissions import require_moderator

# action -> (service, name of its comment argument, what to tell the moderator)
REVIEW_ACTIONS = {
    "publish": (
        practice_review.publish_practice,
        "comment",
        _l("Published. The author is told."),
    ),
    "request_changes": (
        practice_review.request_changes,
        "comment",
        _l("Sent back to the author with your comment."),
    ),
    "reject": (
        practice_review.reject_practice,
        "reason",
        _l("Not accepted. The author is told why."),
    ),
}


@bp.app_context_processor
def _review_count():
    # A callable, so that only the pages showing it run the query.
    return {"practices_to_review": lambda: practice_review.waiting_count(current_user)}


@bp.route("/practices/review")
@login_required
def review_queue():
    """List the practices and edits waiting for this moderator, oldest first."""
    require_moderator(current_user)
    return render_template(
        "library/review_queue.html",
        waiting=practice_review.review_queue(current_user),
    )


@bp.route("/practices/<int:practice_id>/review", methods=["POST"])
@login_required
def review_practice(practice_id: int):
    """Publish, send back or reject a practice (or the edit waiting on it)."""
    practice = practices.get_practice(current_user, practice_id)
    action = request.form.get("action", "")
    if action not in REVIEW_ACTIONS:
        raise ValidationError(_("Choose to publish, ask for changes or reject."))
    service, argument, done = REVIEW_ACTIONS[action]
    form = ReviewForm()
    if form.validate():
        comment = form.comment.data or ""
        if submit(form, service, current_user, practice, **{argument: comment}).ok:
            flash(str(done), "success")
            return back_to_practice(practice.id)
    # Shown again with the error and the comment as typed.
    return practice_page(practice, review_form=form, status=422)


@bp.route("/practices/<int:practice_id>/feature", methods=["POST"])
@login_required
def feature_practice(practice_id: int):
    """Feature a published practice on the library's page, or stop featuring it."""
    practice = practices.get_practice(current_user, practice_id)
    featured = request.form.get("featured") == "1"
    if attempt(practice_review.set_featured, current_user, practice, featured).ok:
        flash(
            _("The practice is featured.")
            if featured
            else _("The practice is no longer featured."),
            "success",
        )
    return back_to_practice(practice.id)


@bp.route("/practices/<int:practice_id>/withdraw", methods=["POST"])
@login_required
def withdraw_practice(practice_id: int):
    """Take a published practice out of the library, with a reason."""
    practice = practices.get_practice(current_user, practice_id)
    form = WithdrawForm()
    if form.validate() and _withdraw(form, practice).ok:
        flash(_("The practice is withdrawn from the library."), "success")
        return back_to_practice(practice.id)
    # Shown again with the error and the reason as typed.
    return practice_page(practice, withdraw_form=form, status=422)


def _withdraw(form: WithdrawForm, practice) -> Outcome:
    reason = form.reason.data or ""
    return submit(
        form, practice_review.withdraw_practice, current_user, practice, reason=reason
    )


@bp.route("/threads/<int:thread_id>/promote", methods=["POST"])
@login_required
def promote_thread(thread_id: int):
    """Turn a discussion into a draft practice, then open it for editing."""
    thread = threads.get_thread(current_user, thread_id)
    outcome = attempt(practice_review.promote_thread, current_user, thread)
    if not outcome.ok:
        return redirect(url_for("forum.view_thread", thread_id=thread.id))
    flash(
        _(
            "A draft practice is ready, filled from the discussion. Complete it, "
            "then submit it for review."
        ),
        "success",
    )
    return redirect(url_for("library.edit_practice", practice_id=outcome.value.id))
