"""Two server processes on one PostgreSQL database and one Redis, as behind nginx.

What one process does, a client of the other sees: posts (pages and search),
chat messages, rate limits and presence. Both processes also share the
instance folder, as two workers on one machine do, so the Whoosh index is one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from urllib.parse import urlsplit

import pytest
import redis
import requests

from forum import create_app
from forum.extensions import db
from forum.services import api_tokens, threads
from tests.deploy import nginx
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.postgres_databases import new_database
from tests.services_available import (
    REDIS_URL,
    requires_postgres,
    requires_redis,
)
from tests.workshops.factories import make_workshop
from tests.workshops.live import ChatClient, running_server

pytestmark = [pytest.mark.slow, requires_postgres, requires_redis]

# This module's own Redis database, emptied before and after.
REDIS_DATABASE = 9
CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@contextmanager
def empty_redis() -> Iterator[str]:
    """Yield the URL of this module's Redis database, emptied before and after."""
    server = urlsplit(REDIS_URL)
    host, port = server.hostname or "127.0.0.1", server.port or 6379
    address = f"redis://{host}:{port}/{REDIS_DATABASE}"
    connection = redis.Redis.from_url(address)
    try:
        connection.flushdb()
        yield address
        connection.flushdb()
    finally:
        connection.close()


class Cluster:
    """Two running processes (`a`, `b`) and an app on the same data, for setup."""

    def __init__(self, app, a: str, b: str, redis_url: str):
        self.app, self.a, self.b, self.redis_url = app, a, b, redis_url

    @contextmanager
    def setup(self):
        """Write records through the services, as a third process would."""
        with self.app.app_context():
            try:
                yield
            finally:
                db.session.remove()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("two-processes")
    with ExitStack() as stack:
        config = {
            "CONFIG_NAME": "testing",
            "SECRET_KEY": "two-processes-" + uuid.uuid4().hex,
            "SQLALCHEMY_DATABASE_URI": stack.enter_context(
                new_database("agora_two_processes")
            ),
            # Two workers on one machine share the instance folder, so the
            # search index and the outbox are one.
            "INSTANCE_PATH": str(folder / "instance"),
            "POSTS_NEEDING_APPROVAL": 0,
            "RATELIMIT_LOGIN": "3 per minute",
            "PROXY_FIX_X_FOR": 1,
            # The servers' stderr is read only if they fail to start.
            "LOG_LEVEL": "WARNING",
        }
        app = create_app(config)
        stack.callback(_dispose, app)
        with app.app_context():
            from flask_migrate import upgrade

            from forum.services.reference import seed_reference_data

            upgrade()
            seed_reference_data()
            db.session.remove()
        shared = {
            **config,
            "REDIS_URL": stack.enter_context(empty_redis()),
            # Visitors' pages are cached in Redis; a write on one process
            # must drop them for the other.
            "PAGE_CACHE_SECONDS": 300,
            "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
            "MAIL_OUTBOX_DIR": app.config["MAIL_OUTBOX_DIR"],
        }
        a = stack.enter_context(running_server(shared))
        b = stack.enter_context(running_server(shared))
        yield Cluster(app, a, b, shared["REDIS_URL"])


def _dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


def csrf_token(page: str) -> str:
    match = CSRF_FIELD.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def log_in(server: str, email: str) -> requests.Session:
    """Log in through the login page of `server`; return the browser session."""
    browser = requests.Session()
    token = csrf_token(browser.get(f"{server}/auth/login").text)
    response = browser.post(
        f"{server}/auth/login",
        data={"email": email, "password": DEFAULT_PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[-500:]
    return browser


def test_reply_through_one_process_shows_on_the_other(cluster):
    with cluster.setup():
        author = make_user(display_name="Salma")
        thread = threads.create_thread(
            author,
            title="Social clauses in municipal tenders",
            body="Which councils reserve lots for social cooperatives?",
            country="TN",
            themes=["public-procurement-partnerships"],
            language="en",
        )
        thread_id, email = thread.id, author.email
    before = requests.get(f"{cluster.b}/threads/{thread_id}")
    assert before.status_code == 200 and "olivewoodworkers" not in before.text
    with redis.Redis.from_url(cluster.redis_url) as store:
        assert store.keys("*page-cache:*"), "B did not cache the visitor's page"
    with log_in(cluster.a, email) as browser:
        form = browser.get(f"{cluster.a}/threads/{thread_id}/reply").text
        posted = browser.post(
            f"{cluster.a}/threads/{thread_id}/reply",
            data={
                "body": "Sfax reserves two lots for the olivewoodworkers cooperative.",
                "csrf_token": csrf_token(form),
            },
            allow_redirects=False,
        )
        assert posted.status_code == 302, posted.text[-500:]
        post_id = posted.headers["Location"].rsplit("/", 1)[1]
        # The session cookie made by A opens a members-only page on B.
        assert browser.get(f"{cluster.b}/threads/{thread_id}/reply").status_code == 200

    page = requests.get(f"{cluster.b}/threads/{thread_id}")
    assert page.status_code == 200
    assert "olivewoodworkers" in page.text and f'id="post-{post_id}"' in page.text
    found = requests.get(f"{cluster.b}/search", params={"q": "olivewoodworkers"})
    assert found.status_code == 200
    assert f"/posts/{post_id}" in found.text


def join_until_announced(client: ChatClient, room: str, name: str) -> dict:
    """Join `room` until a presence event naming `name` comes back; return its ack.

    A process subscribes to Redis when its first client connects, a moment
    later; an event published in that moment never reaches it, so join again.
    """
    for _attempt in range(10):
        ack = client.call("join", {"room": room})
        assert ack["ok"], ack
        try:
            client.wait_for(
                "presence",
                lambda d: name in {m["display_name"] for m in d["members"]},
                timeout=1,
            )
            return ack
        except AssertionError:
            continue
    raise AssertionError(f"{name} never saw their own presence in {room}")


def member_token(cluster: Cluster, name: str) -> str:
    """Create a member called `name`; return the secret of an API token of theirs."""
    with cluster.setup():
        user = make_user(display_name=name)
        return api_tokens.create_api_token(user, name="chat")[1]


@contextmanager
def chat_clients(
    cluster: Cluster, *names: str
) -> Iterator[tuple[str, list[ChatClient]]]:
    """Connect one member per name, alternately to process A and process B."""
    with cluster.setup():
        room = make_workshop().room
    secrets = [member_token(cluster, name) for name in names]
    clients: list[ChatClient] = []
    try:
        for number, (name, secret) in enumerate(zip(names, secrets, strict=True)):
            server = cluster.a if number % 2 == 0 else cluster.b
            clients.append(ChatClient(server, token=secret))
            join_until_announced(clients[-1], room, name)
        yield room, clients
    finally:
        for client in clients:
            client.close()


def test_chat_message_crosses_processes_in_one_order(cluster):
    with chat_clients(cluster, "Amal", "Bruno") as (room, (amal, bruno)):
        acks = []
        for number, sender in enumerate([amal, bruno, amal, amal, bruno]):
            ack = sender.call(
                "send_message",
                {"room": room, "body": f"message {number}", "client_id": f"m{number}"},
            )
            assert ack["ok"], ack
            acks.append(ack)
        assert [a["seq"] for a in acks] == list(
            range(acks[0]["seq"], acks[0]["seq"] + 5)
        )
        for client in (amal, bruno):
            client.wait_for("message_created", lambda d: d["id"] == acks[-1]["id"])
            received = [
                (d["id"], d["seq"]) for e, d in client.events if e == "message_created"
            ]
            assert received == [(a["id"], a["seq"]) for a in acks]


def test_presence_is_seen_across_processes(cluster):
    with chat_clients(cluster, "Carla", "Driss") as (room, (carla, driss)):
        both = {"Carla", "Driss"}
        for client in (carla, driss):
            client.wait_for(
                "presence", lambda d: {m["display_name"] for m in d["members"]} == both
            )
        driss.close()  # on process B
        carla.wait_for(
            "presence", lambda d: [m["display_name"] for m in d["members"]] == ["Carla"]
        )


def failed_login(server: str, client_address: str) -> int:
    """Try a wrong password from `client_address` (as nginx forwards it)."""
    browser = requests.Session()
    headers = {"X-Forwarded-For": client_address}
    with browser:
        token = csrf_token(browser.get(f"{server}/auth/login", headers=headers).text)
        return browser.post(
            f"{server}/auth/login",
            data={
                "email": "nobody@example.org",
                "password": "wrong",
                "csrf_token": token,
            },
            headers=headers,
            allow_redirects=False,
        ).status_code


def test_rate_limit_counts_hits_on_every_process(cluster):
    # RATELIMIT_LOGIN is "3 per minute" in this cluster.
    statuses = [failed_login(cluster.a, "203.0.113.7") for _ in range(3)]
    assert 429 not in statuses
    assert failed_login(cluster.b, "203.0.113.7") == 429
    assert failed_login(cluster.a, "203.0.113.7") == 429
    assert failed_login(cluster.b, "203.0.113.8") != 429


@pytest.mark.skipif(
    nginx.NGINX is None, reason="nginx is not installed (apt-get install nginx-light)"
)
def test_nginx_serves_static_files_and_passes_pages_and_sockets_on(cluster, tmp_path):
    with nginx.running_nginx(tmp_path, [cluster.a, cluster.b]) as site:
        home = requests.get(f"{site}/")
        assert home.status_code == 200
        assert home.headers["Content-Encoding"] in ("br", "gzip")  # by the app
        stylesheet = re.search(r"/static/css/agora\.css\?v=\w+", home.text).group()
        css = requests.get(f"{site}{stylesheet}")
        assert css.headers["Content-Encoding"] == "gzip"
        assert "immutable" in css.headers["Cache-Control"]
        assert "X-Request-ID" not in css.headers  # nginx answered, not the app
        with chat_clients(cluster, "Emna", "Fotis") as (room, (emna, _fotis)):
            # One client long-polls through nginx, another uses a websocket.
            polling = ChatClient(
                site, token=member_token(cluster, "Giulia"), transports=("polling",)
            )
            socket = ChatClient(site, token=member_token(cluster, "Hamza"))
            try:
                join_until_announced(polling, room, "Giulia")
                join_until_announced(socket, room, "Hamza")
                assert polling.sio.transport() == "polling"
                sent = emna.call(
                    "send_message", {"room": room, "body": "Hi", "client_id": "n1"}
                )
                for client in (polling, socket):
                    client.wait_for("message_created", lambda d: d["id"] == sent["id"])
            finally:
                polling.close()
                socket.close()
