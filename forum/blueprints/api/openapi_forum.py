"""The forum's part of the OpenAPI document: threads, posts, moderation."""

from __future__ import annotations

from forum.blueprints.api.actions import POST_ACTIONS, THREAD_ACTIONS, Action
from forum.blueprints.api.openapi_builders import (
    body,
    error_responses,
    id_parameter,
    obj,
    ok,
    query_parameter,
    ref,
)
from forum.models import FlagReason
from forum.services.discussions import SORTS

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
INTEGER = {"type": "integer"}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
BOOLEAN = {"type": "boolean"}
SLUGS = {"type": "array", "items": STRING, "minItems": 1, "maxItems": 3}
REASON = {"type": "string", "description": "Why; shown in the audit log."}

SCHEMAS = {
    "Author": obj(["username", "display_name"], username=STRING, display_name=STRING),
    "ThreadSummary": obj(
        [
            "id",
            "title",
            "url",
            "country",
            "themes",
            "language",
            "author",
            "created_at",
            "last_activity_at",
            "reply_count",
            "approved",
            "pinned",
            "locked",
            "featured",
            "accepted_post_id",
        ],
        id=INTEGER,
        title=STRING,
        url={"type": "string", "format": "uri", "description": "The thread's page"},
        country={**STRING, "examples": ["TN", "MED"]},
        themes={"type": "array", "items": STRING},
        language=STRING,
        author=ref("Author"),
        created_at=TIME,
        last_activity_at=TIME,
        reply_count={**INTEGER, "description": "Replies everyone can read"},
        approved={**BOOLEAN, "description": "False while waiting for approval"},
        pinned=BOOLEAN,
        locked=BOOLEAN,
        lock_reason=NULLABLE_STRING,
        featured=BOOLEAN,
        deleted=BOOLEAN,
        accepted_post_id=NULLABLE_INTEGER,
    ),
    "Thread": {
        "allOf": [
            ref("ThreadSummary"),
            obj(
                ["posts"],
                posts={
                    "type": "array",
                    "description": "The opening post; replies to the thread are "
                    "its `replies`, replies to a post are that post's.",
                    "items": ref("Post"),
                },
            ),
        ]
    },
    "ThreadList": obj(
        ["threads", "total", "page", "pages"],
        threads={"type": "array", "items": ref("ThreadSummary")},
        total=INTEGER,
        page=INTEGER,
        pages=INTEGER,
    ),
    "Post": obj(
        [
            "id",
            "thread_id",
            "parent_id",
            "author",
            "body_html",
            "created_at",
            "edited_at",
            "helpful_count",
            "status",
        ],
        id=INTEGER,
        thread_id=INTEGER,
        parent_id={
            **NULLABLE_INTEGER,
            "description": "The post answered; null for the thread",
        },
        url={"type": "string", "format": "uri"},
        author=ref("Author"),
        body_html={
            **NULLABLE_STRING,
            "description": "Null when the caller may not read the post",
        },
        created_at=TIME,
        edited_at=NULLABLE_TIME,
        helpful_count=INTEGER,
        status={"type": "string", "enum": ["visible", "hidden", "deleted", "pending"]},
        hidden_reason=NULLABLE_STRING,
        replies={
            "type": "array",
            "items": ref("Post"),
            "description": "Only in a thread's tree",
        },
    ),
    "Flag": obj(
        ["id", "reason", "text", "reporter", "created_at", "post"],
        id=INTEGER,
        reason={"type": "string", "enum": [r.value for r in FlagReason]},
        text=STRING,
        reporter=ref("Author"),
        created_at=TIME,
        resolved_at=NULLABLE_TIME,
        resolution={"type": ["string", "null"], "enum": ["hidden", "dismissed", None]},
        post=ref("Post"),
    ),
    "NewThread": obj(
        ["title", "body", "country", "themes", "language"],
        title={**STRING, "maxLength": 200},
        body={**STRING, "description": "Markdown", "maxLength": 50_000},
        country=STRING,
        themes=SLUGS,
        language={**STRING, "examples": ["en", "fr", "ar"]},
    ),
    "NewPost": obj(
        ["body"],
        body={**STRING, "description": "Markdown"},
        parent_id={
            **NULLABLE_INTEGER,
            "description": "A post of the same thread to answer",
        },
    ),
    "PostEdit": obj(
        ["body"],
        body={**STRING, "description": "Markdown"},
        title={**STRING, "description": "Only for a thread's opening post"},
    ),
    "FlagRequest": obj(
        ["reason"],
        reason={"type": "string", "enum": [r.value for r in FlagReason]},
        text=STRING,
    ),
    "Helpful": obj(
        ["helpful", "helpful_count"], helpful=BOOLEAN, helpful_count=INTEGER
    ),
}

AUTH_ERRORS = (400, 401, 403, 404, 422)
# Moderation refuses what the state forbids: a deleted thread, a settled flag.
MODERATION_ERRORS = (*AUTH_ERRORS, 409)


def _action(
    operation_id: str,
    summary: str,
    parameter: str,
    response: dict,
    request: dict,
    *,
    body_required: bool = False,
    status: int = 200,
    errors: tuple[int, ...] = AUTH_ERRORS,
) -> dict:
    """Describe a POST action on a thread or a post."""
    return {
        "post": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [id_parameter(parameter)],
            "requestBody": body(request, required=body_required),
            "responses": {
                **ok(response, status=status),
                **error_responses(*errors),
            },
        }
    }


def _reason(required: bool = False) -> dict:
    return obj(["reason"] if required else [], reason=REASON)


def _moderation_paths() -> dict:
    paths = {}
    for name, action in THREAD_ACTIONS.items():
        paths[f"/threads/{{thread_id}}/{name}"] = _action(
            f"{name}Thread",
            action.summary,
            "thread_id",
            ref("ThreadSummary"),
            _reason(action.reason_required),
            body_required=action.reason_required,
            errors=_moderation_errors(action),
        )
    for name, action in POST_ACTIONS.items():
        paths[f"/posts/{{post_id}}/{name}"] = _action(
            f"{name}Post",
            action.summary,
            "post_id",
            ref("Post"),
            _reason(action.reason_required),
            body_required=action.reason_required,
            errors=_moderation_errors(action),
        )
    return paths


def _moderation_errors(action: Action) -> tuple[int, ...]:
    return MODERATION_ERRORS if action.may_conflict else AUTH_ERRORS


PATHS = {
    "/threads": {
        "get": {
            "operationId": "listThreads",
            "summary": "List public threads, filtered and sorted as the pages are",
            "security": [],
            "parameters": [
                query_parameter("country", STRING, "A country code (MED included)"),
                query_parameter("theme", STRING, "A theme slug"),
                query_parameter(
                    "sort",
                    {"type": "string", "enum": list(SORTS), "default": "latest"},
                    "latest activity, newest first, or most replies",
                ),
                query_parameter(
                    "page", {"type": "integer", "minimum": 1, "default": 1}, "Page"
                ),
            ],
            "responses": {**ok(ref("ThreadList")), **error_responses(422)},
        },
        "post": {
            "operationId": "createThread",
            "summary": "Start a thread (new members' threads wait for approval)",
            "requestBody": body(ref("NewThread")),
            "responses": {
                **ok(ref("Thread"), "Created", 201),
                **error_responses(400, 401, 403, 422, 429),
            },
        },
    },
    "/threads/{thread_id}": {
        "get": {
            "operationId": "getThread",
            "summary": "Read a thread with its tree of posts",
            "security": [],
            "parameters": [id_parameter("thread_id")],
            "responses": {**ok(ref("Thread")), **error_responses(404)},
        }
    },
    "/threads/{thread_id}/posts": {
        "post": {
            "operationId": "replyToThread",
            "summary": "Answer the thread, or one of its posts (parent_id)",
            "parameters": [id_parameter("thread_id")],
            "requestBody": body(ref("NewPost")),
            "responses": {
                **ok(ref("Post"), "Created", 201),
                **error_responses(400, 401, 403, 404, 422, 429),
            },
        }
    },
    "/posts/{post_id}": {
        "get": {
            "operationId": "getPost",
            "summary": "Read a post (body_html is null when not readable)",
            "security": [],
            "parameters": [id_parameter("post_id")],
            "responses": {**ok(ref("Post")), **error_responses(404)},
        },
        "patch": {
            "operationId": "editPost",
            "summary": "Edit a post (and the title of an opening post)",
            "parameters": [id_parameter("post_id")],
            "requestBody": body(ref("PostEdit")),
            "responses": {**ok(ref("Post")), **error_responses(*AUTH_ERRORS)},
        },
        "delete": {
            "operationId": "deletePost",
            "summary": "Delete one's own reply (a placeholder stays)",
            "parameters": [id_parameter("post_id")],
            "responses": {**ok(ref("Post")), **error_responses(401, 403, 404, 422)},
        },
    },
    "/posts/{post_id}/helpful": _action(
        "toggleHelpful",
        "Mark a post helpful, or take the mark back",
        "post_id",
        ref("Helpful"),
        obj([]),
    ),
    "/posts/{post_id}/accept": _action(
        "acceptAnswer",
        "Mark a reply as the accepted answer, or take the mark back",
        "post_id",
        ref("ThreadSummary"),
        obj([]),
    ),
    "/posts/{post_id}/flag": {
        "post": {
            "operationId": "flagPost",
            "summary": "Report a post to the moderators",
            "parameters": [id_parameter("post_id")],
            "requestBody": body(ref("FlagRequest")),
            "responses": {
                **ok(ref("Flag"), "Created", 201),
                **error_responses(*AUTH_ERRORS, 409),
            },
        }
    },
    **_moderation_paths(),
    "/threads/{thread_id}/move": _action(
        "moveThread",
        "Move a thread to another country or themes (both default to the current)",
        "thread_id",
        ref("ThreadSummary"),
        obj([], country=STRING, themes=SLUGS, reason=REASON),
        errors=MODERATION_ERRORS,
    ),
    "/threads/{thread_id}/rename": _action(
        "renameThread",
        "Rename a thread",
        "thread_id",
        ref("ThreadSummary"),
        obj(["title"], title=STRING, reason=REASON),
        body_required=True,
        errors=MODERATION_ERRORS,
    ),
    "/threads/{thread_id}/merge": _action(
        "mergeThreads",
        "Merge a thread into another; returns the target",
        "thread_id",
        ref("ThreadSummary"),
        obj(["target_id"], target_id=INTEGER, reason=REASON),
        body_required=True,
        errors=MODERATION_ERRORS,
    ),
    "/threads/{thread_id}/split": _action(
        "splitThread",
        "Move chosen posts (with their replies) into a new thread",
        "thread_id",
        ref("ThreadSummary"),
        obj(
            ["post_ids", "title"],
            post_ids={"type": "array", "items": INTEGER, "minItems": 1},
            title=STRING,
            reason=REASON,
        ),
        body_required=True,
        status=201,
        errors=MODERATION_ERRORS,
    ),
    "/posts/{post_id}/approve": _action(
        "approvePost",
        "Publish a post that waits for approval",
        "post_id",
        ref("Post"),
        obj([]),
        errors=MODERATION_ERRORS,
    ),
    "/moderation/flags": {
        "get": {
            "operationId": "listOpenFlags",
            "summary": "Open flags in the caller's scope, oldest first",
            "responses": {
                **ok(obj(["flags"], flags={"type": "array", "items": ref("Flag")})),
                **error_responses(401, 403),
            },
        }
    },
    "/moderation/pending": {
        "get": {
            "operationId": "listPendingPosts",
            "summary": "Posts waiting for approval in the caller's scope",
            "responses": {
                **ok(obj(["posts"], posts={"type": "array", "items": ref("Post")})),
                **error_responses(401, 403),
            },
        }
    },
    "/flags/{flag_id}/resolve": {
        "post": {
            "operationId": "resolveFlag",
            "summary": "Resolve a flag by hiding the post or dismissing the flag",
            "parameters": [id_parameter("flag_id")],
            "requestBody": body(
                obj(
                    ["action"],
                    action={"type": "string", "enum": ["hide", "dismiss"]},
                    reason=REASON,
                )
            ),
            "responses": {
                **ok(ref("Flag")),
                **error_responses(*MODERATION_ERRORS),
            },
        }
    },
}
