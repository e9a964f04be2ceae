"""After a workshop: the transcript, the summary thread, a practice draft."""

from __future__ import annotations

from flask import Response, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.blueprints.forms import form_status, submit
from forum.blueprints.workshops import bp
from forum.blueprints.workshops.forms import SummaryForm
from forum.services import workshop_outcomes, workshops


@bp.route("/workshops/<int:workshop_id>/transcript", methods=["GET", "POST"])
@login_required
def view_transcript(workshop_id: int):
    """Show the whole conversation, printable; facilitators write the summary."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    messages = workshop_outcomes.transcript(current_user, workshop)
    facilitator = workshops.is_facilitator(current_user, workshop)
    form = SummaryForm(summary=workshop.summary_markdown)
    if facilitator and form.validate_on_submit():
        outcome = submit(
            form,
            workshop_outcomes.publish_summary,
            current_user,
            workshop,
            summary=form.summary.data,
        )
        if outcome.ok:
            flash(_("The summary is published in the forum."), "success")
            return redirect(url_for("forum.view_thread", thread_id=outcome.value.id))
    return render_template(
        "workshops/transcript.html",
        workshop=workshop,
        messages=messages,
        facilitator=facilitator,
        form=form,
    ), form_status(form)


@bp.route("/workshops/<int:workshop_id>/transcript.md")
@login_required
def transcript_markdown(workshop_id: int):
    """Download the transcript as Markdown."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    messages = workshop_outcomes.transcript(current_user, workshop)
    return Response(
        workshop_outcomes.transcript_markdown(workshop, messages),
        mimetype="text/markdown",
        headers={
            "Content-Disposition": f'attachment; filename="workshop-{workshop.id}.md"'
        },
    )


@bp.route("/workshops/<int:workshop_id>/transcript.json")
@login_required
def transcript_json(workshop_id: int):
    """Download the transcript as JSON."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    messages = workshop_outcomes.transcript(current_user, workshop)
    response = jsonify(workshop_outcomes.transcript_json(workshop, messages))
    response.headers["Content-Disposition"] = (
        f'attachment; filename="workshop-{workshop.id}.json"'
    )
    return response


@bp.route("/workshops/<int:workshop_id>/draft-practice", methods=["POST"])
@login_required
def draft_practice(workshop_id: int):
    """Start a good-practice draft from the workshop (facilitators)."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    draft = workshop_outcomes.draft_practice(current_user, workshop)
    flash(_("A practice draft was prepared from the workshop. Complete it."), "success")
    return redirect(url_for("library.edit_practice", practice_id=draft.id))
