"""Files attached to practices: upload, download, remove."""

from __future__ import annotations

from flask import flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.blueprints.forms import submit
from forum.blueprints.library import bp
from forum.blueprints.library.forms import AttachmentForm, EditPracticeForm
from forum.blueprints.library.writing import (
    editable_practice,
    render_edit,
    stored_input,
)
from forum.i18n import current_locale_code
from forum.services import attachments, practices

# A downloaded file is a document of its own: no script, no plugin, no form,
# and no page of this site may be framed around it.
FILE_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
PUBLIC_MAX_AGE = 3600


def _files_of(practice_id: int):
    return redirect(
        url_for("library.edit_practice", practice_id=practice_id, _anchor="files")
    )


@bp.route("/practices/<int:practice_id>/files", methods=["POST"])
@login_required
def upload_attachment(practice_id: int):
    """Attach a file to a practice one may edit."""
    practice = editable_practice(practice_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        outcome = submit(
            form,
            attachments.add_attachment,
            current_user,
            practice,
            stream=upload.stream,
            filename=upload.filename or "",
        )
        if outcome.ok:
            flash(*_attached_message(outcome.value))
            return _files_of(practice.id)
    page = EditPracticeForm(formdata=None, data=stored_input(practice))
    page.fill_choices(current_locale_code())
    return render_edit(practice, page, upload_form=form, status=422)


def _attached_message(attachment) -> tuple[str, str]:
    if attachment.pending:
        return (
            _(
                "%(name)s is attached. Readers will see it once a moderator "
                "has reviewed it.",
                name=attachment.filename,
            ),
            "info",
        )
    return _("%(name)s is attached.", name=attachment.filename), "success"


@bp.route("/practices/<int:practice_id>/files/<int:attachment_id>/<path:filename>")
def download_attachment(practice_id: int, attachment_id: int, filename: str):
    """Send an attached file: images inline, everything else as a download."""
    practice = practices.get_practice(current_user, practice_id)
    attachment = attachments.get_attachment(current_user, practice, attachment_id)
    response = send_file(
        attachments.file_path(attachment),
        mimetype=attachment.media_type,
        as_attachment=attachment.media_type not in attachments.INLINE_TYPES,
        download_name=attachment.filename,
        max_age=PUBLIC_MAX_AGE,
    )
    response.headers["Content-Security-Policy"] = FILE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not practice.is_published or attachment.pending:
        # Only its author and moderators may read it: no shared cache keeps it.
        response.cache_control.public = False
        response.cache_control.private = True
        response.cache_control.max_age = 0
    return response


@bp.route(
    "/practices/<int:practice_id>/files/<int:attachment_id>/remove", methods=["POST"]
)
@login_required
def remove_attachment(practice_id: int, attachment_id: int):
    """Remove a file from a practice one may edit."""
    practice = practices.get_practice(current_user, practice_id)
    attachment = attachments.get_attachment(current_user, practice, attachment_id)
    name = attachment.filename
    attachments.remove_attachment(current_user, attachment)
    flash(_("%(name)s is removed.", name=name), "success")
    return _files_of(practice.id)
