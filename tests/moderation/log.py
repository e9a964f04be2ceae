"""Reading the audit log the tests' actions wrote."""

from __future__ import annotations

from sqlalchemy import select

from forum.models import AuditEntry
from tests.factories import fresh_session


def entries(action: str) -> list[AuditEntry]:
    """Return the audit entries of one action, oldest first."""
    query = select(AuditEntry).where(AuditEntry.action == action)
    return list(fresh_session().scalars(query.order_by(AuditEntry.id)))
