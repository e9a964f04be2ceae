"""Whole-page cache for visitors: the same page for the same URL and language.

Only pages that are the same for every visitor are kept: GET, HTML or feed,
status 200, no member logged in, no cookie set, no CSRF token rendered.
Entries live in Redis when REDIS_URL is set (shared by every worker), else in
this process, for PAGE_CACHE_SECONDS. Every commit that changes public
content bumps a generation number that is part of each key, so the next view
after a write, in any worker, renders afresh.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict

from flask import Flask, Response, current_app, g, has_app_context, request, session
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from forum.i18n import current_locale_code, text_direction

CACHED_TYPES = {"text/html", "application/atom+xml", "application/rss+xml"}
# Tables no public page shows: writing them leaves the cached pages right.
PRIVATE_TABLES = {
    "thread_reads",
    "notifications",
    "thread_watches",
    "follows",
    "audit_entries",
    "api_tokens",
    "flags",
    "room_presences",
    "chat_messages",  # rooms and transcripts are for members only
}
# Columns no public page shows, touched on every member request or message.
PRIVATE_COLUMNS = {
    "users": {"last_seen_at"},
    "workshops": {"last_seq"},
    "workshop_participations": {"last_message_at"},
}
LOCAL_ENTRIES = 2000
KEPT_HEADERS = ("Content-Type", "Content-Encoding", "ETag")
GENERATION_KEY = "page-cache:generation"


class LocalStore:
    """Keep pages in this process, the oldest dropped first past a size."""

    def __init__(self) -> None:
        self.generation = 0
        self.entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def current_generation(self) -> int:
        """Return the generation number of the pages now valid."""
        return self.generation

    def bump(self) -> None:
        """Invalidate every page kept so far."""
        self.generation += 1
        self.entries.clear()

    def get(self, key: str) -> bytes | None:
        """Return a page not yet expired, or None."""
        entry = self.entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: str, value: bytes, seconds: int) -> None:
        """Keep a page for some seconds."""
        self.entries[key] = (time.monotonic() + seconds, value)
        while len(self.entries) > LOCAL_ENTRIES:
            self.entries.popitem(last=False)


class RedisStore:
    """Keep pages in Redis, shared by every worker and machine.

    The cache is only a shortcut: when Redis does not answer, pages are
    rendered afresh and the failure is logged.
    """

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(
            url, socket_timeout=1.0, socket_connect_timeout=1.0
        )
        self.prefix = prefix
        self.errors = redis.RedisError

    def current_generation(self) -> int | None:
        """Return the generation number of the pages now valid (None: unknown)."""
        try:
            return int(self.client.get(self.prefix + GENERATION_KEY) or 0)
        except self.errors as error:
            _unreachable(error)
            return None

    def bump(self) -> None:
        """Invalidate every page kept so far (old entries expire by themselves)."""
        try:
            self.client.incr(self.prefix + GENERATION_KEY)
        except self.errors as error:
            # Pages kept before may then be served until they expire.
            _unreachable(error)

    def get(self, key: str) -> bytes | None:
        """Return a page not yet expired, or None."""
        try:
            return self.client.get(self.prefix + key)
        except self.errors as error:
            _unreachable(error)
            return None

    def put(self, key: str, value: bytes, seconds: int) -> None:
        """Keep a page for some seconds."""
        try:
            self.client.set(self.prefix + key, value, ex=seconds)
        except self.errors as error:
            _unreachable(error)


def _unreachable(error: Exception) -> None:
    current_app.logger.warning("Page cache unreachable, page not cached: %s", error)


def _store():
    return current_app.extensions.get("page_cache")


def _page_key(generation: int) -> str:
    locale = current_locale_code()
    # The page is kept as sent: compressed for the encodings the client accepts.
    encodings = request.headers.get("Accept-Encoding", "")
    parts = "\n".join(
        [str(generation), request.url, locale, text_direction(locale), encodings]
    )
    return "page-cache:" + hashlib.sha256(parts.encode()).hexdigest()


def _may_serve() -> bool:
    return (
        request.method == "GET"
        and "Authorization" not in request.headers
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


def serve_cached_page() -> Response | None:
    """Answer a visitor's GET from the cache when the page is there."""
    if not _may_serve():
        return None
    store = _store()
    generation = store.current_generation()
    if generation is None:
        return None
    g.page_cache_key = _page_key(generation)
    entry = store.get(g.page_cache_key)
    if entry is None:
        return None
    head, _, body = entry.partition(b"\n")
    g.page_cache_hit = True
    return Response(body, headers=json.loads(head))


def keep_page(response: Response) -> Response:
    """Keep a page that is the same for every visitor."""
    if (
        "page_cache_key" in g
        and "page_cache_hit" not in g
        and response.status_code == 200
        and response.mimetype in CACHED_TYPES
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and "csrf_token" not in g
        and not current_user.is_authenticated
    ):
        head = {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers}
        entry = json.dumps(head).encode() + b"\n" + response.get_data()
        _store().put(g.page_cache_key, entry, current_app.config["PAGE_CACHE_SECONDS"])
    return response


def _touches_public_content(db_session: Session) -> bool:
    for record in (*db_session.new, *db_session.dirty, *db_session.deleted):
        table = getattr(record, "__tablename__", None)
        if table in PRIVATE_TABLES:
            continue
        if table in PRIVATE_COLUMNS and record in db_session.dirty:
            changed = {
                attr.key for attr in inspect(record).attrs if attr.history.has_changes()
            }
            if changed <= PRIVATE_COLUMNS[table]:
                continue
        return True
    return False


def _bulk_write_is_private(statement) -> bool:
    table = getattr(getattr(statement, "table", None), "name", None)
    if table in PRIVATE_TABLES:
        return True
    # The columns an UPDATE sets; unknown (None) counts as public.
    values = getattr(statement, "_values", None)
    if table not in PRIVATE_COLUMNS or not values:
        return False
    return {getattr(column, "key", column) for column in values} <= PRIVATE_COLUMNS[
        table
    ]


@event.listens_for(Session, "before_flush")
def _note_public_writes(db_session: Session, flush_context, instances) -> None:
    if _touches_public_content(db_session):
        db_session.info["page_cache_stale"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_writes(state) -> None:
    if not state.is_select and not _bulk_write_is_private(state.statement):
        state.session.info["page_cache_stale"] = True


@event.listens_for(Session, "after_commit")
def _bump_after_public_writes(db_session: Session) -> None:
    if db_session.info.pop("page_cache_stale", False) and has_app_context():
        store = _store()
        if store is not None:
            store.bump()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_writes(db_session: Session) -> None:
    db_session.info.pop("page_cache_stale", None)


def init_app(app: Flask) -> None:
    """Serve visitors' pages from the cache when PAGE_CACHE_SECONDS is above 0."""
    if not app.config.get("PAGE_CACHE_SECONDS"):
        return
    redis_url = app.config.get("REDIS_URL")
    app.extensions["page_cache"] = (
        RedisStore(redis_url, app.config["PAGE_CACHE_PREFIX"])
        if redis_url
        else LocalStore()
    )
    app.before_request(serve_cached_page)
    app.after_request(keep_page)
