"""Who gets what from the forum's pages and the moderators' forms.

Threads and posts belong to "author" in Tunisia / social finance; "member"
replied, and waits for approval of another reply; "other_member" flagged
the member's reply. See tests/access/roles.py.
"""

from __future__ import annotations

from tests.access.matrix import (
    EDITORS,
    FORBIDDEN,
    IN_SCOPE,
    INVALID,
    MEMBERS,
    MODERATORS,
    NOT_FOUND,
    PUBLIC,
    Case,
    expect,
    only,
)

THREAD_FORM = {
    "title": "Community land trusts on the coast",
    "body": "Has anyone set one up?",
    "country": "TN",
    "themes": ["social-finance"],
    "language": "en",
}
FORUM = [
    Case("GET", "/", "/", PUBLIC),
    Case("GET", "/c/<code>", "/c/TN", PUBLIC),
    Case("GET", "/t/<slug>", "/t/social-finance", PUBLIC),
    Case("GET", "/c/<code>/t/<slug>", "/c/TN/t/social-finance", PUBLIC),
    Case("POST", "/c/<code>/follow", "/c/TN/follow", MEMBERS),
    Case("POST", "/t/<slug>/follow", "/t/social-finance/follow", MEMBERS),
    Case("GET", "/threads/new", "/threads/new", MEMBERS),
    Case("POST", "/threads/new", "/threads/new", MEMBERS, THREAD_FORM),
    Case("GET", "/threads/<int:thread_id>", "/threads/{thread}", PUBLIC),
    Case(
        "GET",
        "/threads/<int:thread_id>",
        "/threads/{deleted_thread}",
        only(*IN_SCOPE, refused=NOT_FOUND, visitors=NOT_FOUND),
        label="deleted",
    ),
    Case("GET", "/threads/<int:thread_id>/reply", "/threads/{thread}/reply", MEMBERS),
    Case(
        "GET",
        "/threads/<int:thread_id>/reply",
        "/threads/{deleted_thread}/reply",
        expect(NOT_FOUND),
        label="deleted",
    ),
    Case(
        "GET",
        "/threads/<int:thread_id>/reply",
        "/threads/{settled_thread}/reply",
        only(*IN_SCOPE),
        label="locked",
    ),
    Case(
        "POST",
        "/threads/<int:thread_id>/reply",
        "/threads/{deleted_thread}/reply",
        expect(NOT_FOUND),
        {"body": "An answer to a deleted discussion."},
        label="deleted",
    ),
    Case(
        "POST",
        "/threads/<int:thread_id>/reply",
        "/threads/{thread}/reply",
        MEMBERS,
        {"body": "Another answer."},
    ),
    Case(
        "POST",
        "/threads/<int:thread_id>/reply",
        "/threads/{settled_thread}/reply",
        only(*IN_SCOPE),
        {"body": "An answer to a locked discussion."},
        label="locked",
    ),
    Case("POST", "/threads/<int:thread_id>/watch", "/threads/{thread}/watch", MEMBERS),
    Case("GET", "/posts/<int:post_id>", "/posts/{member_reply}", PUBLIC),
    Case(
        "GET",
        "/posts/<int:post_id>",
        "/posts/{pending_reply}",
        only("member", *IN_SCOPE, refused=NOT_FOUND, visitors=NOT_FOUND),
        label="waiting for approval",
    ),
    Case(
        "POST",
        "/posts/<int:post_id>/accept",
        "/posts/{member_reply}/accept",
        only("author", *IN_SCOPE),
    ),
    Case(
        "POST",
        "/posts/<int:post_id>/delete",
        "/posts/{author_reply}/delete",
        only("author"),
    ),
    Case("GET", "/posts/<int:post_id>/edit", "/posts/{author_reply}/edit", EDITORS),
    Case(
        "POST",
        "/posts/<int:post_id>/edit",
        "/posts/{author_reply}/edit",
        EDITORS,
        {"body": "Thank you, tell us more (edited)."},
    ),
    Case("GET", "/posts/<int:post_id>/flag", "/posts/{author_reply}/flag", MEMBERS),
    Case(
        "POST",
        "/posts/<int:post_id>/flag",
        "/posts/{author_reply}/flag",
        expect(author=FORBIDDEN),  # nobody flags their own post
        {"reason": "spam"},
    ),
    Case(
        "POST",
        "/posts/<int:post_id>/helpful",
        "/posts/{author_reply}/helpful",
        expect(author=INVALID),  # nobody marks their own post helpful
    ),
    Case(
        "GET",
        "/posts/<int:post_id>/history",
        "/posts/{author_reply}/history",
        EDITORS,
    ),
]


def _thread_action(name: str, thread: str, answers: dict, data=None, **extra):
    rule = "/mod/threads/<int:thread_id>/<name>"
    path = f"/mod/threads/{{{thread}}}/{name}"
    return [
        Case("GET", rule, path, answers.get("GET", answers["POST"]), label=name),
        Case("POST", rule, path, answers["POST"], data or {}, label=name, **extra),
    ]


def _post_action(name: str, post: str, data=None):
    rule = "/mod/posts/<int:post_id>/<any(hide, unhide, approve, reject):name>"
    path = f"/mod/posts/{{{post}}}/{name}"
    moderators = only(*IN_SCOPE)
    return [
        Case("GET", rule, path, moderators, label=name),
        Case("POST", rule, path, moderators, data or {}, label=name),
    ]


SCOPED = {"POST": only(*IN_SCOPE)}
MODERATION = [
    Case("GET", "/mod/", "/mod/", only(*MODERATORS)),
    Case("GET", "/mod/log", "/mod/log", only(*MODERATORS)),
    *[
        Case(
            "POST",
            "/mod/flags/<int:flag_id>/<any(hide, dismiss):action>",
            f"/mod/flags/{{flag}}/{action}",
            only(*IN_SCOPE),
            {"reason": ""},
            label=action,
        )
        for action in ("hide", "dismiss")
    ],
    *_post_action("hide", "member_reply", {"reason": "Rude"}),
    *_post_action("unhide", "hidden_reply"),
    *_post_action("approve", "pending_reply"),
    *_post_action("reject", "pending_reply", {"reason": "Spam"}),
    *_thread_action("pin", "thread", SCOPED),
    *_thread_action("unpin", "settled_thread", SCOPED),
    *_thread_action("lock", "thread", SCOPED, {"reason": "Heated"}),
    *_thread_action("unlock", "settled_thread", SCOPED),
    *_thread_action("feature", "thread", SCOPED),
    *_thread_action("unfeature", "settled_thread", SCOPED),
    *_thread_action("rename", "thread", SCOPED, {"title": "Financing groceries"}),
    *_thread_action(
        "move",
        "thread",
        SCOPED,
        {"country": "TN", "themes": ["social-finance", "agriculture-food"]},
    ),
    *_thread_action("merge", "thread", SCOPED, {"target": "{target_thread}"}),
    # Both ends of a move or a merge must be in the moderator's scope.
    Case(
        "POST",
        "/mod/threads/<int:thread_id>/<name>",
        "/mod/threads/{thread}/move",
        only("global_moderator", "admin"),
        {"country": "IT", "themes": ["circular-economy"]},
        label="move out of scope",
    ),
    Case(
        "POST",
        "/mod/threads/<int:thread_id>/<name>",
        "/mod/threads/{thread}/merge",
        only("global_moderator", "admin"),
        {"target": "{foreign_thread}"},
        label="merge out of scope",
    ),
    *_thread_action("delete", "thread", SCOPED, {"reason": "Spam"}),
    # Any moderator in scope sees the form; only administrators restore.
    *_thread_action(
        "restore",
        "deleted_thread",
        {"GET": only(*IN_SCOPE), "POST": only("admin")},
    ),
    Case(
        "GET",
        "/mod/threads/<int:thread_id>/<name>",
        "/mod/threads/{thread}/explode",
        expect(FORBIDDEN, **dict.fromkeys(MODERATORS, NOT_FOUND)),
        label="unknown action",
    ),
    Case(
        "GET",
        "/mod/threads/<int:thread_id>/split",
        "/mod/threads/{thread}/split",
        only(*IN_SCOPE),
    ),
    Case(
        "POST",
        "/mod/threads/<int:thread_id>/split",
        "/mod/threads/{thread}/split",
        only(*IN_SCOPE),
        {"title": "The mutual fund idea", "post_ids": ["{member_reply}"]},
    ),
    # Suspending a member is not bound to a country or theme: any moderator.
    Case(
        "GET",
        "/mod/users/<int:user_id>/suspend",
        "/mod/users/{subject}/suspend",
        only(*MODERATORS),
    ),
    Case(
        "POST",
        "/mod/users/<int:user_id>/suspend",
        "/mod/users/{subject}/suspend",
        only(*MODERATORS),
        {"days": "3", "reason": "Insults"},
    ),
    # ...but only administrators suspend a moderator (and nobody themselves).
    Case(
        "POST",
        "/mod/users/<int:user_id>/suspend",
        "/mod/users/{users[moderator_in]}/suspend",
        only("admin"),
        {"days": "3", "reason": "Insults"},
        label="a moderator",
    ),
]
