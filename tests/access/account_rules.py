"""Who gets what from the account pages: log in, settings, notifications, admin.

See tests/access/roles.py for the world: "author" owns the spare API token
and the notification; "subject" is the member admin pages act on.
"""

from __future__ import annotations

from tests.access.matrix import (
    ADMINS,
    FORBIDDEN,
    MEMBERS,
    NOT_FOUND,
    PUBLIC,
    Case,
    expect,
    only,
)
from tests.access.roles import ROLES
from tests.access.timing import local_time
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "figs and almonds in the spring"
PROFILE_FORM = {
    "display_name": "A new name",
    "organisation": "Cooperative",
    "actor_type": "sse_enterprise",
    "country": "TN",
    "languages": ["fr"],
    "bio": "Cooperator.",
    "locale": "en",
    "timezone": "Europe/Paris",
    "email_notifications": "daily",
}


AUTH = [
    Case("GET", "/auth/check-email", "/auth/check-email", PUBLIC),
    Case("GET", "/auth/confirm", "/auth/confirm", PUBLIC),
    Case(
        "POST",
        "/auth/confirm",
        "/auth/confirm",
        PUBLIC,
        {"email": "unconfirmed@access.example"},
        writes=(),
    ),
    Case(
        "GET",
        "/auth/confirm/<token>",
        "/auth/confirm/{confirm_token}",
        PUBLIC,
        writes=ROLES,
    ),
    Case("GET", "/auth/login", "/auth/login", PUBLIC),
    Case(
        "POST",
        "/auth/login",
        "/auth/login",
        PUBLIC,
        {"email": "subject@access.example", "password": DEFAULT_PASSWORD},
        writes=(),
    ),
    Case("POST", "/auth/logout", "/auth/logout", PUBLIC, writes=()),
    Case("GET", "/auth/password", "/auth/password", MEMBERS),
    Case(
        "POST",
        "/auth/password",
        "/auth/password",
        MEMBERS,
        {
            "current_password": DEFAULT_PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    ),
    Case("GET", "/auth/register", "/auth/register", PUBLIC),
    Case(
        "POST",
        "/auth/register",
        "/auth/register",
        PUBLIC,
        {
            "display_name": "Newcomer",
            "username": "fresh_member",
            "email": "fresh@access.example",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
        # Members already logged in are sent home, with no new account.
        writes=("anonymous", "suspended"),
    ),
    Case("GET", "/auth/reset", "/auth/reset", PUBLIC),
    Case(
        "POST",
        "/auth/reset",
        "/auth/reset",
        PUBLIC,
        {"email": "subject@access.example"},
        writes=(),
    ),
    Case("GET", "/auth/reset/<token>", "/auth/reset/{reset_token}", PUBLIC),
    Case(
        "POST",
        "/auth/reset/<token>",
        "/auth/reset/{reset_token}",
        PUBLIC,
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
]

USERS = [
    Case("GET", "/u/<username>", "/u/{author}", PUBLIC),
    Case("GET", "/settings", "/settings", MEMBERS),
    Case("POST", "/settings", "/settings", MEMBERS, PROFILE_FORM),
    Case("GET", "/settings/data", "/settings/data", MEMBERS),
    Case("POST", "/settings/data", "/settings/data", MEMBERS, writes=()),
    Case("GET", "/settings/erase", "/settings/erase", MEMBERS),
    Case(
        "POST",
        "/settings/erase",
        "/settings/erase",
        expect(admin=FORBIDDEN),  # an administrator cannot erase their own account
        {"password": DEFAULT_PASSWORD},
    ),
    Case("GET", "/settings/tokens", "/settings/tokens", MEMBERS),
    Case("POST", "/settings/tokens", "/settings/tokens", MEMBERS, {"name": "laptop"}),
    Case(
        "POST",
        "/settings/tokens/<int:token_id>/revoke",
        "/settings/tokens/{spare_token}/revoke",
        only("author", refused=NOT_FOUND),
    ),
    # Members keep the language on their account; visitors only in a cookie.
    Case(
        "POST",
        "/language",
        "/language",
        PUBLIC,
        {"locale": "fr"},
        writes=tuple(r for r in ROLES if r not in ("anonymous", "suspended")),
    ),
]

NOTIFICATIONS = [
    Case("GET", "/notifications", "/notifications", MEMBERS),
    Case(
        "GET",
        "/notifications/<int:notification_id>",
        "/notifications/{notification}",
        only("author", refused=NOT_FOUND),
    ),
    Case(
        "POST",
        "/notifications/read",
        "/notifications/read",
        MEMBERS,
        writes=("author",),  # the only one with unread notifications
    ),
]

ADMIN = [
    Case("GET", "/admin/", "/admin/", ADMINS),
    Case("GET", "/admin/audit", "/admin/audit", ADMINS),
    Case("GET", "/admin/users", "/admin/users", ADMINS),
    Case("GET", "/admin/users/<int:user_id>", "/admin/users/{subject}", ADMINS),
    Case(
        "POST",
        "/admin/users/<int:user_id>/approve",
        "/admin/users/{pending_user}/approve",
        ADMINS,
    ),
    Case(
        "POST",
        "/admin/users/<int:user_id>/data",
        "/admin/users/{subject}/data",
        ADMINS,
        {"reason": "Asked by the member's lawyer"},
    ),
    Case(
        "POST",
        "/admin/users/<int:user_id>/erase",
        "/admin/users/{subject}/erase",
        ADMINS,
        {"reason": "Asked by e-mail"},
    ),
    Case(
        "POST",
        "/admin/users/<int:user_id>/role",
        "/admin/users/{subject}/role",
        ADMINS,
        {"role": "moderator", "countries": ["TN"], "reason": "Volunteered"},
    ),
    Case(
        "POST",
        "/admin/users/<int:user_id>/suspend",
        "/admin/users/{subject}/suspend",
        ADMINS,
        lambda ids: {"until": local_time(10), "reason": "Insults"},
    ),
    Case(
        "POST",
        "/admin/users/<int:user_id>/unsuspend",
        "/admin/users/{suspended_user}/unsuspend",
        ADMINS,
        {"reason": "Apologised"},
    ),
    Case("GET", "/admin/countries", "/admin/countries", ADMINS),
    Case(
        "POST",
        "/admin/countries",
        "/admin/countries",
        ADMINS,
        {"code": "SM", "name_en": "San Marino", "active": "y"},
    ),
    Case("GET", "/admin/countries/<code>", "/admin/countries/TN", ADMINS),
    Case(
        "POST",
        "/admin/countries/<code>",
        "/admin/countries/TN",
        ADMINS,
        {"name_en": "Tunisia (Tounes)", "active": "y"},
    ),
    Case("GET", "/admin/themes", "/admin/themes", ADMINS),
    Case(
        "POST",
        "/admin/themes",
        "/admin/themes",
        ADMINS,
        {"slug": "housing", "name_en": "Housing", "active": "y"},
    ),
    Case("GET", "/admin/themes/<slug>", "/admin/themes/social-finance", ADMINS),
    Case(
        "POST",
        "/admin/themes/<slug>",
        "/admin/themes/social-finance",
        ADMINS,
        {"name_en": "Solidarity finance", "active": "y"},
    ),
]
