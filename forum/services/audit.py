"""Writing and reading the audit log."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select

from forum.extensions import db
from forum.models import AuditEntry, User


def record_action(
    actor: User | None,
    action: str,
    *,
    target_type: str,
    target_id: object,
    target_label: str = "",
    reason: str = "",
    details: dict | None = None,
    country_code: str | None = None,
    theme_slugs: Iterable[str] = (),
) -> AuditEntry:
    """Add an audit entry to the session; the calling service commits it."""
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label[:200],
        reason=reason or "",
        details=details or {},
        country_code=country_code,
        theme_slugs=list(theme_slugs),
    )
    db.session.add(entry)
    return entry


def audit_query(
    *,
    action: str | None = None,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: object = None,
) -> Select:
    """Return a query of audit entries, newest first, with optional filters."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    if target_id is not None:
        query = query.where(AuditEntry.target_id == str(target_id))
    return query


def audit_actions() -> list[str]:
    """Return every action name present in the log, for the filter."""
    rows = db.session.scalars(select(AuditEntry.action).distinct())
    return sorted(rows)
