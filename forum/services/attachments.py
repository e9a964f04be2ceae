"""Files attached to practices: checked by their content, stored by hash.

A file's type is read from its first bytes (the `filetype` library), never
from its name; only documents and images a reader can open safely are kept.
Files live in the instance folder under their SHA-256, so the same file
attached twice is stored once.

A file the author adds to a published practice waits for review like an edit
of its text: it joins the practice's edit waiting for review, which a
moderator publishes (the file becomes public) or rejects (the file goes).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from forum.columns import MAX_ID
from forum.errors import NotFound, PermissionDenied, ValidationError
from forum.extensions import db
from forum.models import Practice, PracticeAttachment, User
from forum.services import audit
from forum.services.practices import (
    NOTE_MAX,
    queue_edit,
    same_content,
    snapshot,
)
from forum.services.visibility import (
    can_edit_practice,
    can_see_attachment,
    moderates_practice,
)

# Media types accepted, with the extension a downloaded file gets.
ACCEPTED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# Images show inline; everything else downloads.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")


def storage_dir() -> Path:
    """Return the folder where attachment files are kept."""
    folder = current_app.config.get("ATTACHMENTS_DIR") or os.path.join(
        current_app.instance_path, "attachments"
    )
    return Path(folder)


def _path(sha256: str) -> Path:
    return storage_dir() / sha256[:2] / sha256


def safe_filename(name: str, extension: str) -> str:
    """Return a harmless file name ending with the extension its content has."""
    name = unicodedata.normalize("NFKC", os.path.basename(name or "").strip())
    stem = _UNSAFE_NAME.sub("_", os.path.splitext(name)[0]).strip(" ._") or "file"
    return f"{stem[:100]}.{extension}"


def _read_capped(stream: BinaryIO, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file is too large: at most %(mb)d MB.", mb=limit // (1024 * 1024)),
            field="file",
        )
    if not data:
        raise ValidationError(_("The file is empty."), field="file")
    return data


def add_attachment(
    uploader: User, practice: Practice, *, stream: BinaryIO, filename: str
) -> PracticeAttachment:
    """Attach a file to a practice after checking its size and real type."""
    if not can_edit_practice(uploader, practice):
        raise PermissionDenied(_("You cannot edit this practice."))
    limit = current_app.config["ATTACHMENT_MAX_SIZE"]
    count = db.session.scalar(
        select(func.count(PracticeAttachment.id)).where(
            PracticeAttachment.practice_id == practice.id
        )
    )
    if count >= current_app.config["ATTACHMENTS_PER_PRACTICE"]:
        raise ValidationError(
            _("This practice already has as many files as it may."), field="file"
        )
    data = _read_capped(stream, limit)
    kind = filetype.guess(data)
    media_type = kind.mime if kind else None
    if media_type not in ACCEPTED_TYPES:
        raise ValidationError(
            _(
                "This kind of file is not accepted: PDF, images and office "
                "documents only."
            ),
            field="file",
        )
    digest = hashlib.sha256(data).hexdigest()
    _store(digest, data)
    attachment = PracticeAttachment(
        practice_id=practice.id,
        uploader_id=uploader.id,
        filename=safe_filename(filename, ACCEPTED_TYPES[media_type]),
        media_type=media_type,
        size=len(data),
        sha256=digest,
        pending=practice.is_published and not moderates_practice(uploader, practice),
    )
    db.session.add(attachment)
    if attachment.pending:
        _queue_for_review(uploader, practice, attachment.filename)
    db.session.commit()
    return attachment


def _queue_for_review(uploader: User, practice: Practice, filename: str) -> None:
    """Put the practice in the review queue: its waiting edit, else its text as is."""
    waiting = practice.pending_revision
    content = waiting.content if waiting is not None else snapshot(practice)
    notes = [
        waiting.note if waiting is not None else "",
        _("File added: %(name)s", name=filename),
    ]
    note = "; ".join(part for part in notes if part)[:NOTE_MAX]
    queue_edit(uploader, practice, content, note=note)


def _store(digest: str, data: bytes) -> None:
    path = _path(digest)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)  # readers never see half a file


def get_attachment(viewer, practice: Practice, attachment_id) -> PracticeAttachment:
    """Return an attachment of a practice `viewer` may see, or raise NotFound."""
    attachment = None
    try:
        ident = int(attachment_id)
        if 0 < ident <= MAX_ID:
            attachment = db.session.get(PracticeAttachment, ident)
    except (TypeError, ValueError):
        pass
    if (
        attachment is None
        or attachment.practice_id != practice.id
        or not can_see_attachment(viewer, attachment)
    ):
        raise NotFound(_("This file does not exist or is not visible."))
    return attachment


def visible_attachments(viewer, practice: Practice) -> list[PracticeAttachment]:
    """Return the files of a practice `viewer` may see, in the order added."""
    return [a for a in practice.attachments if can_see_attachment(viewer, a)]


def file_path(attachment: PracticeAttachment) -> Path:
    """Return where the attachment's bytes are, or raise NotFound if lost."""
    path = _path(attachment.sha256)
    if not path.is_file():
        raise NotFound(_("This file is missing."))
    return path


def remove_attachment(actor: User, attachment: PracticeAttachment) -> None:
    """Remove a file from a practice (the bytes go when nothing else uses them).

    No review: an author may take back their own file, but the audit log
    keeps every file taken off a published practice."""
    practice = attachment.practice
    if not can_edit_practice(actor, practice):
        raise PermissionDenied(_("You cannot edit this practice."))
    digest = attachment.sha256
    if practice.is_published:
        _log_removal(actor, practice, attachment)
    practice.attachments.remove(attachment)
    if attachment.pending:
        _drop_empty_edit(practice)
    db.session.commit()
    forget_unused([digest])


def _log_removal(
    actor: User, practice: Practice, attachment: PracticeAttachment
) -> None:
    audit.record_action(
        actor,
        "practice.remove_file",
        target_type="practice",
        target_id=practice.id,
        target_label=practice.title,
        details={"file": attachment.filename, "was_waiting": attachment.pending},
        country_code=practice.country_code,
        theme_slugs=practice.theme_slugs,
    )


def _drop_empty_edit(practice: Practice) -> None:
    """Take the practice out of the review queue when nothing is left to review."""
    waiting = practice.pending_revision
    if waiting is None or any(a.pending for a in practice.attachments):
        return
    if same_content(waiting.content, snapshot(practice)):
        practice.pending_revision = None
        db.session.delete(waiting)


def approve_pending_files(practice: Practice) -> None:
    """Show a practice's files waiting for review to every reader (not committed)."""
    for attachment in practice.attachments:
        if attachment.pending:
            attachment.pending = False


def drop_pending_files(practice: Practice) -> list[str]:
    """Delete a practice's files waiting for review (not committed).

    Return their SHA-256 for `forget_unused` after the commit."""
    dropped = [a for a in practice.attachments if a.pending]
    for attachment in dropped:
        practice.attachments.remove(attachment)
    return [attachment.sha256 for attachment in dropped]


def forget_unused(digests) -> None:
    """Delete stored bytes that no attachment uses any more (after a commit)."""
    for digest in set(digests):
        still_used = db.session.scalar(
            select(func.count(PracticeAttachment.id)).where(
                PracticeAttachment.sha256 == digest
            )
        )
        if not still_used:
            _path(digest).unlink(missing_ok=True)
