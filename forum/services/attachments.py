"""Files attached to practices: checked by their content, stored by hash.

A file's type is read from its first bytes (the `filetype` library), never
from its name; only documents and images a reader can open safely are kept.
Files live in the instance folder under their SHA-256, so the same file
attached twice is stored once.
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
from forum.services.visibility import can_edit_practice, can_see_practice

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
    )
    db.session.add(attachment)
    db.session.commit()
    return attachment


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
        or not can_see_practice(viewer, practice)
    ):
        raise NotFound(_("This file does not exist or is not visible."))
    return attachment


def file_path(attachment: PracticeAttachment) -> Path:
    """Return where the attachment's bytes are, or raise NotFound if lost."""
    path = _path(attachment.sha256)
    if not path.is_file():
        raise NotFound(_("This file is missing."))
    return path


def remove_attachment(actor: User, attachment: PracticeAttachment) -> None:
    """Remove a file from a practice (the bytes go when nothing else uses them)."""
    if not can_edit_practice(actor, attachment.practice):
        raise PermissionDenied(_("You cannot edit this practice."))
    digest = attachment.sha256
    db.session.delete(attachment)
    db.session.commit()
    forget_unused([digest])


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
