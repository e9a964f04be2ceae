"""SIGKILL the server in the middle of a stream of replies, then restart it.

A reply the server acknowledged (a redirect to its permalink) is committed for
good: after the gunicorn master and its worker are killed with SIGKILL while
members are posting, and a new server is started on the same database and
index folder, every acknowledged reply is there, shown and searchable, and
SQLite's integrity and foreign-key checks pass.
"""

from __future__ import annotations

import random
import string
import threading
import time

import pytest
import requests
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post
from tests.deploy.test_gunicorn import gunicorn
from tests.deploy.test_two_processes import csrf_token, log_in
from tests.faults.processes import kill_server, sqlite_checks
from tests.forum.factories import make_thread, old_member

pytestmark = pytest.mark.slow

WRITERS = 3
KILL_AFTER = 24  # acknowledged replies, all writers together


@pytest.fixture
def app_config() -> dict:
    return {"POSTS_NEEDING_APPROVAL": 0}


@pytest.fixture
def server_environment(monkeypatch):
    """Let members post as fast as they can, and keep the server's stderr short."""
    monkeypatch.setenv("FORUM_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("FORUM_POSTS_NEEDING_APPROVAL", "0")
    monkeypatch.setenv("FORUM_LOG_LEVEL", "WARNING")


def unique_word() -> str:
    """Return a made-up word that no other post contains (letters only)."""
    return "".join(random.choices(string.ascii_lowercase, k=14))


class ReplyStream(threading.Thread):
    """A member posting replies one after another until the server goes away."""

    def __init__(self, server: str, email: str, thread_id: int):
        super().__init__(daemon=True)
        self.server, self.email, self.thread_id = server, email, thread_id
        self.acknowledged: dict[int, str] = {}  # post id -> its unique word
        self.interrupted = False
        self.refused: list[str] = []

    def run(self) -> None:
        address = f"{self.server}/threads/{self.thread_id}/reply"
        with log_in(self.server, self.email) as browser:
            token = csrf_token(browser.get(address).text)
            while True:
                word = unique_word()
                try:
                    answer = browser.post(
                        address,
                        data={"body": f"Minutes of {word}.", "csrf_token": token},
                        allow_redirects=False,
                        timeout=15,
                    )
                except requests.RequestException:
                    self.interrupted = True  # the server died under us
                    return
                if answer.status_code != 302:
                    self.refused.append(f"{answer.status_code} {answer.text[-300:]}")
                    return
                post_id = int(answer.headers["Location"].rsplit("/", 1)[1])
                self.acknowledged[post_id] = word


def acknowledged(streams: list[ReplyStream]) -> dict[int, str]:
    return {key: word for s in streams for key, word in s.acknowledged.items()}


def post_until_killed(server: str, master, thread_id: int, emails: list[str]):
    """Start the writers, SIGKILL the server once enough replies were acknowledged."""
    streams = [ReplyStream(server, email, thread_id) for email in emails]
    for stream in streams:
        stream.start()
    deadline = time.monotonic() + 60
    while len(acknowledged(streams)) < KILL_AFTER:
        assert time.monotonic() < deadline, "the writers acknowledged too few replies"
        assert not any(s.refused for s in streams), [s.refused for s in streams]
        time.sleep(0.01)
    kill_server(master)
    for stream in streams:
        stream.join(timeout=30)
    return streams


def test_acknowledged_replies_survive_a_sigkill(app, server_environment):
    thread = make_thread(title="Minutes of the olive cooperatives")
    emails = [old_member().email for _ in range(WRITERS)]
    with gunicorn(app) as (port, master):
        server = f"http://127.0.0.1:{port}"
        streams = post_until_killed(server, master, thread.id, emails)
    assert not any(s.refused for s in streams), [s.refused for s in streams]
    assert all(s.interrupted for s in streams), "the kill did not cut the stream"
    replies = acknowledged(streams)
    assert len(replies) >= KILL_AFTER

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        integrity, foreign_keys = sqlite_checks(app.config["SQLALCHEMY_DATABASE_URI"])
        assert integrity == [("ok",)]
        assert foreign_keys == []
    db.session.expire_all()
    stored = dict(
        db.session.execute(
            select(Post.id, Post.body_markdown).where(Post.thread_id == thread.id)
        ).all()
    )
    for post_id, word in replies.items():
        assert stored.get(post_id) == f"Minutes of {word}."

    with gunicorn(app) as (port, _master):
        server = f"http://127.0.0.1:{port}"
        assert_replies_are_served(server, thread.id, replies)
        with log_in(server, emails[0]) as browser:
            address = f"{server}/threads/{thread.id}/reply"
            token = csrf_token(browser.get(address).text)
            again = browser.post(
                address,
                data={"body": "Posted after the restart.", "csrf_token": token},
                allow_redirects=False,
            )
            assert again.status_code == 302, again.text[-500:]


def assert_replies_are_served(server: str, thread_id: int, replies: dict) -> None:
    """Each acknowledged reply is on the thread's pages and found by search."""
    pages = ""
    for page in range(1, 4):
        answer = requests.get(f"{server}/threads/{thread_id}", params={"page": page})
        assert answer.status_code == 200
        pages += answer.text
    for post_id, word in replies.items():
        assert f'id="post-{post_id}"' in pages and word in pages
        found = requests.get(f"{server}/search", params={"q": word})
        assert found.status_code == 200
        assert f"/posts/{post_id}" in found.text, f"search lost reply {post_id}"
