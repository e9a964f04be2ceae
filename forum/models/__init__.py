"""Every model, importable from one place."""

from forum.models.audit import AuditEntry
from forum.models.reference import Country, Theme
from forum.models.users import AccountStatus, ActorType, ApiToken, Role, User

__all__ = [
    "AccountStatus",
    "ActorType",
    "ApiToken",
    "AuditEntry",
    "Country",
    "Role",
    "Theme",
    "User",
]
