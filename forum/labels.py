"""Translatable labels for the values of enumerations shown to people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from forum.models import (
    AccountStatus,
    ActorType,
    AdoptionKind,
    FlagReason,
    NotificationKind,
    PracticeState,
    ProjectStatus,
    Role,
)

ACTOR_TYPE_LABELS = {
    ActorType.SSE_ENTERPRISE: _l("SSE enterprise (cooperative, mutual, association)"),
    ActorType.TRAINING_PROVIDER: _l("Vocational training provider"),
    ActorType.PUBLIC_ADMINISTRATION: _l("Public administration"),
    ActorType.SUPPORT_NETWORK: _l("Support network"),
    ActorType.OTHER: _l("Other"),
}

ROLE_LABELS = {
    Role.MEMBER: _l("Member"),
    Role.MODERATOR: _l("Moderator"),
    Role.ADMIN: _l("Administrator"),
}

STATUS_LABELS = {
    AccountStatus.PENDING: _l("Waiting for approval"),
    AccountStatus.ACTIVE: _l("Active"),
    AccountStatus.SUSPENDED: _l("Suspended"),
    AccountStatus.DELETED: _l("Erased"),
}

AUDIT_ACTION_LABELS = {
    "user.approve": _l("Account approved"),
    "user.suspend": _l("Account suspended"),
    "user.unsuspend": _l("Suspension lifted"),
    "user.set_role": _l("Role changed"),
    "user.erase": _l("Account erased"),
    "user.download_data": _l("Member's data downloaded"),
    "country.create": _l("Country added"),
    "country.update": _l("Country edited"),
    "country.retire": _l("Country retired"),
    "country.restore": _l("Country restored"),
    "theme.create": _l("Theme added"),
    "theme.update": _l("Theme edited"),
    "theme.retire": _l("Theme retired"),
    "theme.restore": _l("Theme restored"),
    "thread.pin": _l("Discussion pinned"),
    "thread.unpin": _l("Discussion unpinned"),
    "thread.lock": _l("Discussion locked"),
    "thread.unlock": _l("Discussion unlocked"),
    "thread.feature": _l("Discussion featured"),
    "thread.unfeature": _l("Discussion no longer featured"),
    "thread.move": _l("Discussion moved"),
    "thread.rename": _l("Discussion renamed"),
    "thread.merge": _l("Discussions merged"),
    "thread.split": _l("Discussion split"),
    "thread.delete": _l("Discussion deleted"),
    "thread.restore": _l("Discussion restored"),
    "post.hide": _l("Post hidden"),
    "post.unhide": _l("Post shown again"),
    "post.approve": _l("Post approved"),
    "post.reject": _l("Post rejected"),
    "flag.hide": _l("Flag upheld: post hidden"),
    "flag.dismiss": _l("Flag dismissed"),
    "thread.promote": _l("Discussion turned into a practice draft"),
    "practice.publish": _l("Practice published"),
    "practice.request_changes": _l("Changes requested on a practice"),
    "practice.reject": _l("Practice rejected"),
    "practice.withdraw": _l("Practice withdrawn"),
    "practice.edit": _l("Practice edited by a moderator"),
    "practice.minor_edit": _l("Minor edit of a practice"),
    "practice.feature": _l("Practice featured"),
    "practice.unfeature": _l("Practice no longer featured"),
    "practice.remove_file": _l("File removed from a published practice"),
    "practice.remove_adoption": _l("Adoption removed"),
    "workshop.create": _l("Workshop scheduled"),
    "workshop.edit": _l("Workshop changed"),
    "workshop.cancel": _l("Workshop cancelled"),
    "workshop.invite": _l("Members invited to a workshop"),
    "workshop.summary": _l("Workshop summary published"),
    "workshop.draft_practice": _l("Practice draft started from a workshop"),
    "chat.delete_message": _l("Chat message deleted"),
    "chat.mute": _l("Participant muted"),
    "chat.remove": _l("Participant removed"),
    "chat.slow_mode": _l("Slow mode changed"),
    "chat.lock": _l("Room locked"),
    "chat.unlock": _l("Room unlocked"),
    "chat.extend": _l("Room kept open"),
}

TARGET_TYPE_LABELS = {
    "user": _l("Member"),
    "country": _l("Country"),
    "theme": _l("Theme"),
    "thread": _l("Discussion"),
    # Nouns here; "Post" and "Flag" are also buttons (verbs) elsewhere.
    "post": lazy_pgettext("audit target", "Post"),
    "flag": lazy_pgettext("audit target", "Flag"),
    "practice": _l("Good practice"),
    "workshop": _l("Workshop"),
}

FLAG_REASON_LABELS = {
    FlagReason.SPAM: _l("Spam"),
    FlagReason.OFF_TOPIC: _l("Off topic"),
    FlagReason.ABUSIVE: _l("Abusive"),
    FlagReason.OTHER: _l("Something else"),
}

# One line per notification; %(actor)s is who acted, %(title)s the discussion.
NOTIFICATION_TEXTS = {
    NotificationKind.REPLY: _l("%(actor)s replied to you in “%(title)s”"),
    NotificationKind.MENTION: _l("%(actor)s mentioned you in “%(title)s”"),
    NotificationKind.WATCHED_REPLY: _l("%(actor)s replied in “%(title)s”"),
    NotificationKind.NEW_THREAD: _l("%(actor)s started “%(title)s”"),
    NotificationKind.ACCEPTED: _l(
        "%(actor)s marked your reply as the answer in “%(title)s”"
    ),
    NotificationKind.PRACTICE_PUBLISHED: _l(
        "%(actor)s published your practice “%(title)s”"
    ),
    NotificationKind.PRACTICE_CHANGES: _l(
        "%(actor)s asks for changes to your practice “%(title)s”"
    ),
    NotificationKind.PRACTICE_REJECTED: _l(
        "%(actor)s did not accept your practice “%(title)s”"
    ),
    NotificationKind.CHAT_MENTION: _l(
        "%(actor)s mentioned you in the workshop “%(title)s”"
    ),
    NotificationKind.WORKSHOP_REMINDER: _l("The workshop “%(title)s” starts soon"),
    NotificationKind.PRACTICE_ADOPTED: _l(
        "%(actor)s’s organisation took up your practice “%(title)s”"
    ),
}

EMAIL_NOTIFICATION_LABELS = {
    "none": _l("Never"),
    "immediate": _l("At once, one email per notification"),
    "daily": _l("Once a day, in a digest"),
}

WORKSHOP_ACCESS_LABELS = {
    "open": _l("Open to all members"),
    "registration": _l("Open registration (with a cap)"),
    "invitation": _l("By invitation only"),
}

WORKSHOP_PHASE_LABELS = {
    "upcoming": _l("Upcoming"),
    "live": _l("Live now"),
    "past": _l("Past"),
}

ROOM_STATE_LABELS = {
    "scheduled": _l("The room opens 30 minutes before the start."),
    "open": _l("The room is open."),
    "closed": _l("The workshop is over: the room is read-only."),
    "cancelled": _l("This workshop was cancelled."),
}

STATE_LABELS = {
    PracticeState.DRAFT: _l("Draft"),
    PracticeState.SUBMITTED: _l("Waiting for review"),
    PracticeState.CHANGES_REQUESTED: _l("Changes requested"),
    PracticeState.PUBLISHED: _l("Published"),
    PracticeState.REJECTED: _l("Not accepted"),
}
PROJECT_STATUS_LABELS = {
    ProjectStatus.ONGOING: _l("Ongoing"),
    ProjectStatus.COMPLETED: _l("Completed"),
}
ADOPTION_LABELS = {
    AdoptionKind.ADOPTED: _l("We adopted this"),
    AdoptionKind.ADAPTED: _l("We adapted this"),
}
# Headings of the sections, in SECTIONS order, and what to write in each.
SECTION_LABELS = {
    "context": _l("Context and problem"),
    "actions": _l("What was done"),
    "actors": _l("Actors involved and their roles"),
    "resources": _l("Resources: budget, staff, funding sources"),
    "results": _l("Results and evidence of success (with figures)"),
    "difficulties": _l("Difficulties met"),
    "transfer": _l("What another region needs to transfer it"),
}
