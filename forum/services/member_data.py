"""A member's own data, gathered for them to download (the right of access).

Everything Agora keeps about a member and everything they wrote, as plain
JSON values; never a password hash, a session token or a token's secret, and
nothing another member wrote. Administrators may download a member's data
too; the audit log keeps who did, and why.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum

from flask_babel import gettext as _
from sqlalchemy import or_, select

from forum.columns import utcnow
from forum.errors import PermissionDenied, ValidationError
from forum.extensions import db
from forum.models import (
    ApiToken,
    AuditEntry,
    ChatMessage,
    Flag,
    Follow,
    Notification,
    Participation,
    Post,
    PostReaction,
    PostRevision,
    Practice,
    PracticeAdoption,
    PracticeAttachment,
    PracticeRevision,
    Thread,
    ThreadRead,
    ThreadWatch,
    User,
    Workshop,
)
from forum.services import audit
from forum.services.permissions import require_admin

REASON_MAX = 2000

PROFILE_FIELDS = (
    "id", "username", "email", "display_name", "organisation", "actor_type",
    "country_code", "languages", "bio_markdown", "locale", "timezone", "role",
    "moderates_everywhere", "can_organise", "status", "suspended_until",
    "suspension_reason", "email_confirmed_at", "created_at", "last_seen_at",
    "previous_visit_at", "email_notifications", "digest_sent_at",
)  # fmt: skip

# What each kind of record shows, by model: (model, owner column, fields).
SECTIONS = {
    "threads": (Thread, "author_id", (
        "id", "title", "country_code", "language", "theme_slugs", "created_at",
        "last_activity_at", "approved", "pinned", "locked", "lock_reason",
        "deleted_at", "delete_reason",
    )),
    "posts": (Post, "author_id", (
        "id", "thread_id", "parent_id", "is_first", "body_markdown", "created_at",
        "edited_at", "approved", "hidden_at", "hidden_reason", "deleted_at",
    )),
    "post_revisions": (PostRevision, "editor_id", (
        "id", "post_id", "title", "body_markdown", "created_at",
    )),
    "reactions": (PostReaction, "user_id", ("post_id", "kind", "created_at")),
    "watched_threads": (ThreadWatch, "user_id", ("thread_id", "created_at")),
    "read_threads": (ThreadRead, "user_id", ("thread_id", "read_at")),
    "flags_raised": (Flag, "reporter_id", (
        "id", "post_id", "reason", "text", "created_at", "resolved_at", "resolution",
    )),
    "practices": (Practice, "author_id", (
        "id", "original_id", "state", "title", "summary", "sections",
        "country_code", "place", "actor_types", "language", "theme_slugs",
        "start_year", "end_year", "project_status", "organisation", "contact",
        "links", "created_at", "updated_at", "submitted_at", "published_at",
        "review_comment",
    )),
    "practice_revisions": (PracticeRevision, "editor_id", (
        "id", "practice_id", "state", "minor", "note", "review_comment",
        "content", "created_at",
    )),
    "files_uploaded": (PracticeAttachment, "uploader_id", (
        "id", "practice_id", "filename", "media_type", "size", "sha256",
        "created_at", "pending",
    )),
    "adoptions": (PracticeAdoption, "user_id", (
        "practice_id", "kind", "organisation", "note", "created_at",
    )),
    "workshops_organised": (Workshop, "organiser_id", (
        "id", "title", "description_markdown", "country_code", "starts_at",
        "ends_at", "access", "created_at", "cancelled_at", "summary_markdown",
    )),
    "workshop_participations": (Participation, "user_id", (
        "workshop_id", "registered", "invited", "created_at", "muted_until",
        "removed_at", "last_message_at",
    )),
    "chat_messages": (ChatMessage, "author_id", (
        "id", "workshop_id", "seq", "body_markdown", "reply_to_id", "created_at",
        "edited_at", "deleted_at",
    )),
    "notifications": (Notification, "user_id", (
        "kind", "message", "thread_id", "post_id", "practice_id", "workshop_id",
        "created_at", "read_at", "emailed_at",
    )),
    "follows": (Follow, "user_id", ("country_code", "theme_slug", "created_at")),
    # Names and dates only: the secret is never stored, its hash never leaves.
    "api_tokens": (ApiToken, "user_id", (
        "name", "created_at", "last_used_at", "revoked_at",
    )),
}  # fmt: skip


def member_data(requester: User, member: User) -> dict:
    """Return everything kept about `member`; only they or an admin may ask."""
    if requester.id != member.id and not requester.is_admin:
        raise PermissionDenied(_("You can only download your own data."))
    data = {
        "exported_at": utcnow().isoformat(),
        "profile": _fields(member, PROFILE_FIELDS),
    }
    data["profile"]["moderates_countries"] = [c.code for c in member.scope_countries]
    data["profile"]["moderates_themes"] = [t.slug for t in member.scope_themes]
    for name, (model, owner, fields) in SECTIONS.items():
        records = db.session.scalars(
            select(model)
            .where(getattr(model, owner) == member.id)
            .order_by(*model.__table__.primary_key.columns)
        )
        data[name] = [_fields(record, fields) for record in records]
    data["audit_entries"] = _audit_entries(member, data)
    return data


def member_data_json(requester: User, member: User) -> str:
    """Return the member's data as an indented JSON document."""
    return json.dumps(member_data(requester, member), ensure_ascii=False, indent=1)


def download_member_data(admin: User, member: User, *, reason: str = "") -> str:
    """Return a member's data as JSON for an administrator, and log the download."""
    require_admin(admin)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("Too long: at most %(n)d characters.", n=REASON_MAX), field="reason"
        )
    document = member_data_json(admin, member)
    audit.record_action(
        admin,
        "user.download_data",
        target_type="user",
        target_id=member.id,
        target_label=member.username,
        reason=reason,
    )
    db.session.commit()
    return document


def _audit_entries(member: User, data: dict) -> list[dict]:
    """Return what administrators and moderators did to the member or their work."""
    targets = {
        "user": [member.id],
        "thread": [t["id"] for t in data["threads"]],
        "post": [p["id"] for p in data["posts"]],
        "practice": [p["id"] for p in data["practices"]],
    }
    about = or_(
        *(
            (AuditEntry.target_type == kind)
            & AuditEntry.target_id.in_([str(i) for i in ids])
            for kind, ids in targets.items()
            if ids
        )
    )
    entries = db.session.scalars(
        select(AuditEntry).where(about).order_by(AuditEntry.id)
    )
    return [
        {
            **_fields(entry, ("action", "target_type", "target_id", "reason")),
            "created_at": entry.created_at.isoformat(),
            # Other targets' details may describe other members.
            "details": entry.details if entry.target_type == "user" else {},
        }
        for entry in entries
    ]


def _fields(record, names) -> dict:
    return {name: _plain(getattr(record, name)) for name in names}


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
