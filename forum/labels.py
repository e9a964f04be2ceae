"""Translatable labels for the values of enumerations shown to people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from forum.models import AccountStatus, ActorType, Role

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
    "country.create": _l("Country added"),
    "country.update": _l("Country edited"),
    "country.retire": _l("Country retired"),
    "country.restore": _l("Country restored"),
    "theme.create": _l("Theme added"),
    "theme.update": _l("Theme edited"),
    "theme.retire": _l("Theme retired"),
    "theme.restore": _l("Theme restored"),
}

TARGET_TYPE_LABELS = {
    "user": _l("Member"),
    "country": _l("Country"),
    "theme": _l("Theme"),
}
