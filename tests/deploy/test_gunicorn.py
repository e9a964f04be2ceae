"""gunicorn with deploy/gunicorn.conf.py: graceful shutdown and a thousand sockets."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from forum.services import api_tokens
from tests.factories import make_user
from tests.workshops.live import ChatClient, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
GRACEFUL_TIMEOUT = 20


@contextmanager
def gunicorn(app):
    """Serve the test app's database and index with gunicorn; yield (port, process)."""
    port = free_port()
    environment = {
        **os.environ,
        "FORUM_CONFIG": "testing",
        "FORUM_INSTANCE_PATH": app.instance_path,
        "FORUM_SECRET_KEY": app.config["SECRET_KEY"],
        "FORUM_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "FORUM_SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
        "FORUM_MAIL_OUTBOX_DIR": app.config["MAIL_OUTBOX_DIR"],
        "FORUM_BIND": f"127.0.0.1:{port}",
        "FORUM_WORKERS": "1",
        "FORUM_GRACEFUL_TIMEOUT": str(GRACEFUL_TIMEOUT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_healthy(port, process)
        yield port, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()


def _wait_until_healthy(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode()[-3000:])
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def _read_all(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_sigterm_finishes_the_request_in_flight_then_exits_cleanly(app):
    with gunicorn(app) as (port, process):
        connection = socket.create_connection(("127.0.0.1", port), timeout=30)
        # Half a request: the worker has accepted it and is reading headers.
        connection.sendall(
            b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-ID: inflight\r\n"
        )
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        time.sleep(2)  # the worker notices within a second and stops accepting
        connection.sendall(b"\r\n")
        response = _read_all(connection)
        connection.close()
        assert response.startswith(b"HTTP/1.1 200 OK")
        assert b"X-Request-ID: inflight" in response
        assert b'{"status":"ok"}' in response
        assert process.wait(timeout=GRACEFUL_TIMEOUT) == 0


def test_sigterm_closes_live_sockets_instead_of_waiting_for_them(app):
    token = api_tokens.create_api_token(make_user(), name="shutdown test")[1]
    with gunicorn(app) as (port, process):
        client = ChatClient(f"http://127.0.0.1:{port}", token=token)
        assert client.sio.connected
        process.send_signal(signal.SIGTERM)
        # Without the close hook the open websocket would hold the worker
        # for the whole graceful timeout, then be killed.
        assert process.wait(timeout=GRACEFUL_TIMEOUT) == 0
        deadline = time.monotonic() + 10
        while client.sio.connected and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not client.sio.connected


def test_one_worker_holds_a_thousand_sockets_and_reaches_them_all():
    completed = subprocess.run(
        [sys.executable, "bench/sockets.py", "--clients", "1000", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    assert figures["connect_errors"] == []
    assert figures["connected"] == 1000
    assert figures["received"] == 1000
