"""Library pages for writing: a new practice or translation, edits, submitting."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.blueprints.forms import form_status, submit
from forum.blueprints.library import bp
from forum.blueprints.library.actions import attempt
from forum.blueprints.library.forms import (
    AttachmentForm,
    EditPracticeForm,
    PracticeForm,
    form_input,
)
from forum.errors import PermissionDenied, ValidationError
from forum.i18n import SPOKEN_LANGUAGES, current_locale_code
from forum.models import Practice, PracticeState
from forum.services import attachments, practice_review, practices
from forum.services.visibility import can_edit_practice, moderates_practice

OPEN_STATES = (PracticeState.DRAFT, PracticeState.CHANGES_REQUESTED)


def editable_practice(practice_id: int) -> Practice:
    """Return a practice the current user may edit (404 or 403 otherwise)."""
    practice = practices.get_practice(current_user, practice_id)
    if not can_edit_practice(current_user, practice):
        raise PermissionDenied(_("You cannot edit this practice."))
    return practice


def render_edit(
    practice: Practice,
    form: PracticeForm,
    upload_form: AttachmentForm | None = None,
    status: int = 200,
):
    """Render the edit page of a practice, with its files."""
    return render_template(
        "library/edit.html",
        practice=practice,
        form=form,
        upload_form=upload_form or AttachmentForm(formdata=None),
        files=attachments.visible_attachments(current_user, practice),
        pending=practice.pending_revision,
        moderator=moderates_practice(current_user, practice),
        can_submit=practice.state in OPEN_STATES
        and practice.author_id == current_user.id,
    ), status


def _original() -> Practice | None:
    """Return the practice named by ?translation_of=, if any."""
    if "translation_of" not in request.args:
        return None
    original = practices.get_practice(
        current_user, request.args.get("translation_of", type=int)
    )
    if not original.is_published:
        raise ValidationError(_("Only a published practice can be translated."))
    return original


def _initial(original: Practice | None, versions: list[Practice]) -> dict:
    if original is None:
        return {
            "language": current_locale_code(),
            "country": current_user.country_code,
            "organisation": current_user.organisation,
        }
    taken = {version.language for version in versions}
    wanted = [current_locale_code(), *SPOKEN_LANGUAGES]
    language = next((code for code in wanted if code not in taken), "")
    return form_input(
        {**practices.translation_template(original), "language": language}
    )


@bp.route("/practices/new", methods=["GET", "POST"])
@login_required
def new_practice():
    """Write a new practice, or a translation of a published one."""
    original = _original()
    versions = practices.language_versions(current_user, original) if original else []
    initial = _initial(original, versions) if request.method == "GET" else None
    form = PracticeForm(data=initial)
    form.fill_choices(current_locale_code())
    if form.validate_on_submit():
        outcome = submit(
            form,
            practices.create_practice,
            current_user,
            form.content(),
            original=original,
        )
        if outcome.ok:
            return _after_saving(form, outcome.value)
    return render_template(
        "library/new.html",
        form=form,
        original=original,
        original_content=practices.snapshot(original) if original else None,
        versions=versions,
    ), form_status(form)


def _after_saving(form: PracticeForm, practice: Practice):
    """Submit when asked to; say what happened and show the practice."""
    if form.send.data and practice.state in OPEN_STATES:
        if not submit(form, practice_review.submit_practice, current_user, practice).ok:
            flash(_("Your draft is saved, but it cannot be submitted yet."), "warning")
            return render_edit(practice, form, status=422)
        flash(
            _(
                "Your practice is sent to the moderators. You will be told when "
                "they have read it."
            ),
            "success",
        )
    elif practice.state in OPEN_STATES:
        flash(_("Your draft is saved. Only you can see it."), "success")
    else:
        flash(_("Your changes are saved."), "success")
    return redirect(url_for("library.view_practice", practice_id=practice.id))


def stored_input(practice: Practice) -> dict:
    """Return the form's input: the edit waiting for review, else the practice."""
    content = practices.pending_content(practice) or practices.snapshot(practice)
    return form_input(practices.form_data(content))


@bp.route("/practices/<int:practice_id>/edit", methods=["GET", "POST"])
@login_required
def edit_practice(practice_id: int):
    """Change a practice; edits of a published one go to review unless minor."""
    practice = editable_practice(practice_id)
    form = EditPracticeForm(
        data=stored_input(practice) if request.method == "GET" else None
    )
    form.fill_choices(current_locale_code())
    if form.validate_on_submit():
        before = practices.snapshot(practice)
        outcome = submit(
            form,
            practices.edit_practice,
            current_user,
            practice,
            form.content(),
            minor=bool(form.minor.data),
            note=form.note.data or "",
        )
        if outcome.ok and practice.is_published:
            flash(*_edit_message(practice, before))
            return redirect(url_for("library.view_practice", practice_id=practice.id))
        if outcome.ok:
            return _after_saving(form, practice)
    return render_edit(practice, form, status=form_status(form))


def _edit_message(practice: Practice, before: dict) -> tuple[str, str]:
    if practices.snapshot(practice) != before:
        return _("Your changes are published."), "success"
    if practice.pending_revision is not None:
        return (
            _(
                "Your edit waits for a moderator's review. The published version "
                "stays online until then."
            ),
            "info",
        )
    return _("Nothing was changed."), "info"


@bp.route("/practices/<int:practice_id>/submit", methods=["POST"])
@login_required
def submit_practice(practice_id: int):
    """Send a draft to the moderators; what is missing shows on the edit form."""
    practice = practices.get_practice(current_user, practice_id)
    form = EditPracticeForm(formdata=None, data=stored_input(practice))
    if submit(form, practice_review.submit_practice, current_user, practice).ok:
        flash(_("Your practice is sent to the moderators."), "success")
    elif any(field.errors for field in form):
        # A missing section: show it next to its field on the edit form.
        form.fill_choices(current_locale_code())
        return render_edit(practice, form, status=422)
    else:
        flash(" ".join(form.form_errors), "error")
    return redirect(url_for("library.view_practice", practice_id=practice.id))


@bp.route("/practices/<int:practice_id>/delete", methods=["POST"])
@login_required
def delete_practice(practice_id: int):
    """Delete one's own practice that was never published."""
    practice = practices.get_practice(current_user, practice_id)
    if attempt(practices.delete_draft, current_user, practice).ok:
        flash(_("The draft is deleted."), "success")
        return redirect(url_for("library.my_practices"))
    return redirect(url_for("library.view_practice", practice_id=practice.id))
