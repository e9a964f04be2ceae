"""Soak: 100 simulated users for 60 s against gunicorn, as deployed (embedded profile).

Visitors browse and search, members read and reply through the real forms,
members chat in a live workshop room (real Socket.IO clients). Afterwards:
no request failed or was refused, every acknowledged reply and chat message is
in the database, every chat client received every acknowledged message, and
the worker's resident memory (VmRSS) grew by less than RSS_GROWTH_MB between
the end of the warm-up and the end of the run.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from dataclasses import dataclass, field

import pytest
import requests
from sqlalchemy import select

from bench.load import SEARCH_WORDS
from forum.extensions import db
from forum.models import ChatMessage, Post
from forum.services import api_tokens
from tests.deploy.test_gunicorn import gunicorn
from tests.deploy.test_two_processes import csrf_token, log_in
from tests.faults.processes import resident_mb, worker_pids
from tests.forum.factories import make_reply, make_thread, old_member
from tests.workshops.factories import make_workshop
from tests.workshops.live import ChatClient

pytestmark = pytest.mark.slow

VISITORS, WRITERS, CHATTERS = 55, 30, 15  # 100 users
SOAK_SECONDS = 60
WARM_UP_SECONDS = 20
RSS_GROWTH_MB = 20
TIMEOUT = 30  # a shared, loaded test machine answers slowly, not wrongly
# gunicorn closes a connection idle for 5 s (deploy/gunicorn.conf.py).
IDLE_SECONDS = 3


@pytest.fixture
def app_config() -> dict:
    return {"POSTS_NEEDING_APPROVAL": 0}


@pytest.fixture
def deployed_environment(monkeypatch):
    """The embedded profile's page cache; no limits (every user shares 127.0.0.1)."""
    monkeypatch.setenv("FORUM_PAGE_CACHE_SECONDS", "10")
    monkeypatch.setenv("FORUM_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("FORUM_POSTS_NEEDING_APPROVAL", "0")
    monkeypatch.setenv("FORUM_LOG_LEVEL", "WARNING")


@dataclass
class Site:
    """What the simulated users need: pages to read and accounts to use."""

    threads: list[int]
    room: str
    workshop: int
    writers: list[str]
    chat_tokens: list[str]


@dataclass
class Record:
    """What the users saw, shared by every user thread."""

    errors: list[str] = field(default_factory=list)
    replies: dict[int, str] = field(default_factory=dict)  # post id -> body
    messages: dict[int, int] = field(default_factory=dict)  # message id -> seq
    requests: int = 0
    slowest: float = 0.0  # seconds
    lock: threading.Lock = field(default_factory=threading.Lock)

    def took(self, seconds: float) -> None:
        with self.lock:
            self.requests += 1
            self.slowest = max(self.slowest, seconds)

    def answered(self, response: requests.Response, expected: int) -> bool:
        self.took(response.elapsed.total_seconds())
        with self.lock:
            if response.status_code != expected:
                self.errors.append(
                    f"{response.request.method} {response.url} {response.status_code}"
                )
                return False
        return True

    def failed(self, what: str, error: Exception) -> None:
        with self.lock:
            self.errors.append(f"{what}: {type(error).__name__}: {error}")


class Browser(requests.Session):
    """A session that drops a connection idle for IDLE_SECONDS, as nginx does.

    Otherwise it could send a request down a connection the server is just
    closing, a race of the client's making (deploy/nginx.conf avoids it too).
    """

    def __init__(self, cookies=None):
        super().__init__()
        self.cookies.update(cookies or {})
        self.last_used = time.monotonic()

    def request(self, *args, **kwargs):
        if time.monotonic() - self.last_used > IDLE_SECONDS:
            self.close()  # the pooled connections; cookies stay
        try:
            return super().request(*args, timeout=TIMEOUT, **kwargs)
        finally:
            self.last_used = time.monotonic()


def logged_in(server: str, email: str) -> Browser:
    with log_in(server, email) as session:
        return Browser(session.cookies)


def build_site() -> Site:
    author, threads = old_member(role="moderator"), []  # no posting limit
    for number in range(20):
        thread = make_thread(author, title=f"Cooperative tourism, part {number}")
        make_reply(thread, body="Our olive cooperative welcomes women members.")
        threads.append(thread.id)
    workshop = make_workshop()
    chat_tokens = [
        api_tokens.create_api_token(old_member(), name="soak")[1]
        for _ in range(CHATTERS)
    ]
    return Site(
        threads=threads,
        room=workshop.room,
        workshop=workshop.id,
        writers=[old_member().email for _ in range(WRITERS)],
        chat_tokens=chat_tokens,
    )


def think(stop: threading.Event, low: float, high: float) -> bool:
    """Pause like a person; return False once the soak is over."""
    return not stop.wait(random.uniform(low, high))


def visitor(server: str, site: Site, record: Record, stop: threading.Event) -> None:
    """Browse: home, listings, threads, search, the workshop page."""
    browser = Browser()
    while think(stop, 1.0, 3.0):
        path, params = random.choice(
            [
                ("/", None),
                ("/c/TN", None),
                (f"/threads/{random.choice(site.threads)}", None),
                (f"/threads/{random.choice(site.threads)}", None),
                ("/search", {"q": random.choice(SEARCH_WORDS)}),
                ("/search", {"q": "olive cooperative"}),
                (f"/workshops/{site.workshop}", None),
            ]
        )
        try:
            answer = browser.get(server + path, params=params)
            record.answered(answer, 200)
        except requests.RequestException as error:
            record.failed(path, error)


def writer(
    server: str, site: Site, browser, record: Record, stop: threading.Event
) -> None:
    """Read threads and reply through the form, as a logged-in member."""
    while think(stop, 2.0, 4.0):
        address = f"{server}/threads/{random.choice(site.threads)}"
        try:
            page = browser.get(address)
            if not record.answered(page, 200) or random.random() < 0.5:
                continue
            body = f"Soak reply {uuid.uuid4().hex}: we tried it in Sousse."
            answer = browser.post(
                f"{address}/reply",
                data={"body": body, "csrf_token": csrf_token(page.text)},
                allow_redirects=False,
            )
            if record.answered(answer, 302):
                post_id = int(answer.headers["Location"].rsplit("/", 1)[1])
                with record.lock:
                    record.replies[post_id] = body
        except requests.RequestException as error:
            record.failed("reply", error)


def chatter(
    client: ChatClient, site: Site, record: Record, stop: threading.Event
) -> None:
    """Send a message now and then in the workshop room."""
    while think(stop, 2.0, 4.0):
        body = f"Soak message {uuid.uuid4().hex}"
        message = {"room": site.room, "body": body, "client_id": body}
        sent = time.monotonic()
        try:
            ack = client.sio.call(
                "send_message", message, namespace="/chat", timeout=TIMEOUT
            )
        except Exception as error:  # a timeout or a dropped socket: both count
            record.failed("send_message", error)
            continue
        record.took(time.monotonic() - sent)
        with record.lock:
            if ack.get("ok"):
                record.messages[ack["id"]] = ack["seq"]
            else:
                record.errors.append(f"send_message refused: {ack}")


def join_room(server: str, site: Site, token: str) -> ChatClient:
    client = ChatClient(server, token=token)
    ack = client.call("join", {"room": site.room})
    assert ack["ok"], ack
    return client


def start_users(server: str, site: Site, browsers, clients, record, stop) -> list:
    users = [
        threading.Thread(target=visitor, args=(server, site, record, stop))
        for _ in range(VISITORS)
    ]
    users += [
        threading.Thread(target=writer, args=(server, site, browser, record, stop))
        for browser in browsers
    ]
    users += [
        threading.Thread(target=chatter, args=(client, site, record, stop))
        for client in clients
    ]
    for user in users:
        user.daemon = True
        user.start()
    return users


def soak(server: str, master_pid: int, site: Site) -> tuple[Record, list, list]:
    """Run the users for SOAK_SECONDS; return the record, RSS samples and clients."""
    record, stop = Record(), threading.Event()
    # Members log in and enter the room first: the run measures what they do.
    browsers = [logged_in(server, email) for email in site.writers]
    clients = [join_room(server, site, token) for token in site.chat_tokens]
    (worker,) = worker_pids(master_pid)
    users = start_users(server, site, browsers, clients, record, stop)
    samples = []  # (seconds since the start, MB)
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < SOAK_SECONDS:
        samples.append((round(elapsed), resident_mb(worker)))
        time.sleep(5)
    stop.set()
    for user in users:
        user.join(timeout=TIMEOUT + 5)
    for browser in browsers:
        browser.close()
    samples.append((round(time.monotonic() - started), resident_mb(worker)))
    return record, samples, clients


def received(client: ChatClient) -> set[int]:
    return {data["id"] for name, data in client.events if name == "message_created"}


def test_hundred_users_for_a_minute(app, deployed_environment):
    site = build_site()
    with gunicorn(app) as (port, master):
        server = f"http://127.0.0.1:{port}"
        record, samples, clients = soak(server, master.pid, site)
        try:
            time.sleep(2)  # the last broadcasts are on their way
            missing = {
                number: set(record.messages) - received(client)
                for number, client in enumerate(clients)
            }
        finally:
            for client in clients:
                client.close()
    print(
        f"\nsoak: {record.requests} requests, {len(record.replies)} replies, "
        f"{len(record.messages)} chat messages, slowest answer "
        f"{record.slowest:.1f} s; worker RSS (s, MB): {samples}"
    )

    assert record.errors == []
    assert len(record.replies) > WRITERS and len(record.messages) > CHATTERS
    assert all(not ids for ids in missing.values()), missing
    db.session.expire_all()
    stored = dict(
        db.session.execute(
            select(Post.id, Post.body_markdown).where(Post.id.in_(record.replies))
        ).all()
    )
    assert stored == record.replies
    seqs = dict(
        db.session.execute(
            select(ChatMessage.id, ChatMessage.seq).where(
                ChatMessage.id.in_(record.messages)
            )
        ).all()
    )
    assert seqs == record.messages
    warm = [mb for seconds, mb in samples if seconds >= WARM_UP_SECONDS]
    assert warm[-1] - warm[0] < RSS_GROWTH_MB, samples
