"""Whole-page cache for visitors: the same page for the same URL and language.

Only pages that are the same for every visitor are kept: GET, HTML or feed,
status 200, no member logged in, no cookie set, no CSRF token rendered.
Entries live in Redis when REDIS_URL is set (shared by every worker), else in
this process, for PAGE_CACHE_SECONDS.

Generation numbers that are part of each key say which pages a commit made
stale, so the next view after a write, in any worker, renders afresh:

- a write that touches only threads and their posts (a reply, an edit, a
  hide) bumps those threads' numbers and the "lists" number: it renews their
  own pages and every page that is not a thread's (home, listings, search,
  profiles), while the other threads' pages stay cached;
- any other public write bumps the "site" number, which renews every page.
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
SITE = "page-cache:generation"  # every page
LISTS = "page-cache:lists"  # every page but the threads' own
THREAD_SCOPE = "page-cache:thread:"  # one thread's own pages
# The pages that show one thread, and the name of its id in their URL.
THREAD_PAGES = {"forum.view_thread": "thread_id", "feeds.thread_feed": "thread_id"}


class LocalStore:
    """Keep pages in this process, the oldest dropped first past a size."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def generations(self, names: list[str]) -> list[int]:
        """Return the generation numbers of these scopes."""
        return [self.numbers.get(name, 0) for name in names]

    def bump(self, names: list[str]) -> None:
        """Make the pages of these scopes stale."""
        for name in names:
            self.numbers[name] = self.numbers.get(name, 0) + 1
        if SITE in names:
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

    def __init__(self, url: str, prefix: str, seconds: int) -> None:
        import redis

        self.client = redis.Redis.from_url(
            url, socket_timeout=1.0, socket_connect_timeout=1.0
        )
        self.prefix = prefix
        self.errors = redis.RedisError
        # A thread's number may be forgotten once no page kept under it can
        # still be alive; it then starts again from 0, below any number used.
        self.thread_number_seconds = 2 * seconds + 60

    def generations(self, names: list[str]) -> list[int] | None:
        """Return the generation numbers of these scopes (None: unknown)."""
        try:
            values = self.client.mget([self.prefix + name for name in names])
        except self.errors as error:
            _unreachable(error)
            return None
        return [int(value or 0) for value in values]

    def bump(self, names: list[str]) -> None:
        """Make the pages of these scopes stale (old entries expire by themselves)."""
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for name in names:
                    pipe.incr(self.prefix + name)
                    if name.startswith(THREAD_SCOPE):
                        pipe.expire(self.prefix + name, self.thread_number_seconds)
                pipe.execute()
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


def _scopes() -> list[str]:
    """Return the scopes whose generation numbers this page's key includes."""
    id_name = THREAD_PAGES.get(request.endpoint or "")
    thread_id = (request.view_args or {}).get(id_name)
    if thread_id is not None:
        return [SITE, f"{THREAD_SCOPE}{thread_id}"]
    return [SITE, LISTS]


def _page_key(generations: list[int]) -> str:
    locale = current_locale_code()
    # The page is kept as sent: compressed for the encodings the client accepts.
    encodings = request.headers.get("Accept-Encoding", "")
    parts = "\n".join(
        [*map(str, generations), request.url, locale, text_direction(locale), encodings]
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
    generations = _store().generations(_scopes())
    if generations is None:
        return None
    g.page_cache_key = _page_key(generations)
    entry = _store().get(g.page_cache_key)
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


def _stale_scopes(db_session: Session) -> set[str]:
    """Return the scopes made stale by what this flush writes."""
    scopes = set()
    for record in (*db_session.new, *db_session.dirty, *db_session.deleted):
        table = getattr(record, "__tablename__", None)
        if table in PRIVATE_TABLES or _only_private_columns(db_session, record, table):
            continue
        thread_id = _own_thread(db_session, record, table)
        scopes |= {SITE} if thread_id is None else {LISTS, f"{THREAD_SCOPE}{thread_id}"}
    return scopes


def _only_private_columns(db_session: Session, record, table: str) -> bool:
    if table not in PRIVATE_COLUMNS or record not in db_session.dirty:
        return False
    changed = {attr.key for attr in inspect(record).attrs if attr.history.has_changes()}
    return changed <= PRIVATE_COLUMNS[table]


def _own_thread(db_session: Session, record, table: str) -> int | None:
    """Return the one thread whose pages alone the record shows (None: any page)."""
    if table == "threads":
        return record.id
    if table == "posts" and not (record in db_session.dirty and _moved(record)):
        return record.thread_id
    return None


def _moved(post) -> bool:
    """Say whether a post changed thread (a split): both threads' pages change."""
    attrs = inspect(post).attrs
    return attrs.thread_id.history.has_changes() or attrs.thread.history.has_changes()


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


def _note(db_session: Session, scopes: set[str]) -> None:
    db_session.info.setdefault("page_cache_stale", set()).update(scopes)


@event.listens_for(Session, "after_flush")
def _note_public_writes(db_session: Session, flush_context) -> None:
    # After the flush, new records have their ids; before the history resets.
    _note(db_session, _stale_scopes(db_session))


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_writes(state) -> None:
    if not state.is_select and not _bulk_write_is_private(state.statement):
        _note(state.session, {SITE})


@event.listens_for(Session, "after_commit")
def _bump_after_public_writes(db_session: Session) -> None:
    scopes = db_session.info.pop("page_cache_stale", None)
    if scopes and has_app_context():
        store = _store()
        if store is not None:
            store.bump(sorted(scopes))


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_writes(db_session: Session) -> None:
    db_session.info.pop("page_cache_stale", None)


def init_app(app: Flask) -> None:
    """Serve visitors' pages from the cache when PAGE_CACHE_SECONDS is above 0."""
    if not app.config.get("PAGE_CACHE_SECONDS"):
        return
    redis_url = app.config.get("REDIS_URL")
    app.extensions["page_cache"] = (
        RedisStore(
            redis_url,
            app.config["PAGE_CACHE_PREFIX"],
            app.config["PAGE_CACHE_SECONDS"],
        )
        if redis_url
        else LocalStore()
    )
    app.before_request(serve_cached_page)
    app.after_request(keep_page)
