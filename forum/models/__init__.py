"""Every model, importable from one place."""

from forum.models.audit import AuditEntry
from forum.models.following import Follow, Notification, NotificationKind, ThreadWatch
from forum.models.moderation import Flag, FlagReason
from forum.models.practices import (
    SECTIONS,
    AdoptionKind,
    Practice,
    PracticeAdoption,
    PracticeAttachment,
    PracticeRevision,
    PracticeState,
    ProjectStatus,
    RevisionState,
    practice_themes,
)
from forum.models.reference import Country, Theme
from forum.models.threads import (
    Post,
    PostReaction,
    PostRevision,
    Thread,
    ThreadRead,
    thread_themes,
)
from forum.models.users import AccountStatus, ActorType, ApiToken, Role, User
from forum.models.workshops import (
    ChatMessage,
    Participation,
    RoomPresence,
    Workshop,
    WorkshopAccess,
    workshop_facilitators,
    workshop_themes,
)

__all__ = [
    "SECTIONS",
    "AdoptionKind",
    "Practice",
    "PracticeAdoption",
    "PracticeAttachment",
    "PracticeRevision",
    "PracticeState",
    "ProjectStatus",
    "RevisionState",
    "practice_themes",
    "AccountStatus",
    "ActorType",
    "ApiToken",
    "AuditEntry",
    "ChatMessage",
    "Country",
    "Flag",
    "FlagReason",
    "Follow",
    "Notification",
    "NotificationKind",
    "Participation",
    "Post",
    "PostReaction",
    "PostRevision",
    "Role",
    "RoomPresence",
    "Theme",
    "Thread",
    "ThreadRead",
    "ThreadWatch",
    "User",
    "Workshop",
    "WorkshopAccess",
    "thread_themes",
    "workshop_facilitators",
    "workshop_themes",
]
