"""What outlives a workshop: its transcript, its summary thread, a practice draft."""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from forum.columns import utcnow
from forum.errors import PermissionDenied, ValidationError
from forum.extensions import db
from forum.models import ChatMessage, Post, Practice, Thread, User, Workshop
from forum.services import audit, practices, threads
from forum.services.workshops import is_facilitator, may_enter

SUMMARY_MAX = 20_000


def transcript(viewer, workshop: Workshop) -> list[ChatMessage]:
    """Return every message of the room in order (participants and facilitators)."""
    if not may_enter(viewer, workshop):
        raise PermissionDenied(_("You are not a participant of this workshop."))
    return list(
        db.session.scalars(
            select(ChatMessage)
            .where(ChatMessage.workshop_id == workshop.id)
            .order_by(ChatMessage.seq)
        )
    )


def transcript_markdown(workshop: Workshop, messages: list[ChatMessage]) -> str:
    """Return the transcript as a Markdown document."""
    lines = [f"# {workshop.title}", ""]
    lines.append(
        f"{workshop.starts_at:%Y-%m-%d %H:%M} – {workshop.ends_at:%Y-%m-%d %H:%M} UTC"
    )
    lines.append("")
    for message in messages:
        name = message.author.public_name if message.author else _("Former member")
        stamp = f"{message.created_at:%H:%M}"
        if message.is_deleted:
            deleted = _("This message was deleted.")
            lines.append(f"**{name}** ({stamp}): _{deleted}_")
        else:
            lines.append(f"**{name}** ({stamp}): {message.body_markdown}")
        lines.append("")
    return "\n".join(lines)


def transcript_json(workshop: Workshop, messages: list[ChatMessage]) -> dict:
    """Return the transcript as plain data."""
    from forum.services.chat import serialise

    return {
        "workshop": {
            "id": workshop.id,
            "title": workshop.title,
            "starts_at": workshop.starts_at.isoformat(),
            "ends_at": workshop.ends_at.isoformat(),
            "country": workshop.country_code,
            "themes": workshop.theme_slugs,
        },
        "messages": [
            {**serialise(m), "body_markdown": "" if m.is_deleted else m.body_markdown}
            for m in messages
        ],
    }


def _require_facilitator(actor: User, workshop: Workshop) -> None:
    if not is_facilitator(actor, workshop):
        raise PermissionDenied(_("Only the workshop's facilitators can do this."))


def publish_summary(facilitator: User, workshop: Workshop, *, summary: str) -> Thread:
    """Publish the facilitator's summary as a forum thread, linked to the transcript.

    Publishing again updates the same thread's opening post.
    """
    _require_facilitator(facilitator, workshop)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError(_("Write the summary first."), field="summary")
    if len(summary) > SUMMARY_MAX:
        raise ValidationError(
            _("Too long: at most %(n)d characters.", n=SUMMARY_MAX), field="summary"
        )
    workshop.summary_markdown = summary
    body = _summary_body(workshop, summary)
    existing = (
        db.session.get(Thread, workshop.summary_thread_id)
        if workshop.summary_thread_id
        else None
    )
    if existing is not None and not existing.is_deleted:
        opening = db.session.scalar(
            select(Post).where(Post.thread_id == existing.id, Post.is_first.is_(True))
        )
        db.session.commit()
        threads.edit_post(facilitator, opening, body=body)
        return existing
    thread = threads.open_discussion(
        facilitator,
        title=_("Workshop summary: %(title)s", title=workshop.title),
        body=body,
        country=workshop.country_code,
        themes=workshop.theme_slugs,
        language=(workshop.languages or ["en"])[0],
    )
    workshop.summary_thread_id = thread.id
    audit.record_action(
        facilitator,
        "workshop.summary",
        target_type="workshop",
        target_id=workshop.id,
        target_label=workshop.title,
        details={"thread_id": thread.id},
        country_code=workshop.country_code,
        theme_slugs=workshop.theme_slugs,
    )
    db.session.commit()
    return thread


def _summary_body(workshop: Workshop, summary: str) -> str:
    link = current_app.url_map.bind("").build(
        "workshops.view_transcript", {"workshop_id": workshop.id}
    )
    label = _("Read the full transcript")
    return f"{summary}\n\n[{label}]({link})"


def draft_practice(facilitator: User, workshop: Workshop) -> Practice:
    """Start a practice draft pre-filled from the workshop and its summary."""
    _require_facilitator(facilitator, workshop)
    description = Markup(workshop.description_html).striptags()
    summary = Markup(threads.render_body(workshop.summary_markdown)).striptags()
    data: Mapping = {
        "title": workshop.title,
        "summary": (summary or description)[:500],
        "sections": {
            "context": workshop.description_markdown,
            "results": workshop.summary_markdown,
        },
        "country": workshop.country_code,
        "themes": workshop.theme_slugs,
        "actor_types": ["public_administration", "sse_enterprise"],
        "language": (workshop.languages or ["en"])[0],
        "start_year": str(workshop.starts_at.year),
    }
    draft = practices.create_practice(
        facilitator, data, source_thread_id=workshop.summary_thread_id
    )
    audit.record_action(
        facilitator,
        "workshop.draft_practice",
        target_type="workshop",
        target_id=workshop.id,
        target_label=workshop.title,
        details={"practice_id": draft.id},
        country_code=workshop.country_code,
        theme_slugs=workshop.theme_slugs,
    )
    db.session.commit()
    return draft


def due_reminders(now=None) -> list[Workshop]:
    """Return the workshops starting within the reminder lead, not yet reminded."""
    from forum.services.workshops import reminder_lead

    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Workshop).where(
                Workshop.cancelled_at.is_(None),
                Workshop.reminder_sent_at.is_(None),
                Workshop.starts_at > now,
                Workshop.starts_at <= now + reminder_lead(),
            )
        )
    )
