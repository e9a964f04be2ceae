"""A real server process and real Socket.IO clients, for the room tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import socketio

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SHARED_SETTINGS = (
    "SECRET_KEY",
    "SQLALCHEMY_DATABASE_URI",
    "SEARCH_INDEX_DIR",
    "MAIL_OUTBOX_DIR",
)


def server_config(app, **overrides) -> dict:
    """Return the settings for a server process on `app`'s database, index and mail."""
    config = {key: app.config[key] for key in SHARED_SETTINGS}
    config.update(CONFIG_NAME="testing", INSTANCE_PATH=app.instance_path)
    return config | overrides


@contextmanager
def running_server(config: dict):
    """Start the app in its own process on a free port; stop it afterwards."""
    port = free_port()
    environment = {**os.environ, "AGORA_TEST_CONFIG": json.dumps(config)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.workshops.serve", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def _wait_for(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited: {process.stderr.read().decode()[-2000:]}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start in time")


class ChatClient:
    """A python-socketio client that records every server event it receives."""

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        cookie: str | None = None,
        transports: tuple[str, ...] = ("websocket",),
    ):
        self.events: list[tuple[str, dict]] = []
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", self._record, namespace="/chat")
        headers = {"Cookie": cookie} if cookie else {}
        auth = {"token": token} if token else None
        self.sio.connect(
            url,
            namespaces=["/chat"],
            auth=auth,
            headers=headers,
            transports=list(transports),
            wait_timeout=10,
        )

    def _record(self, event, data):
        self.events.append((event, data))

    def call(self, event: str, data=None) -> dict:
        """Send an event and return its acknowledgement."""
        return self.sio.call(event, data, namespace="/chat", timeout=10)

    def wait_for(self, event: str, predicate=lambda data: True, timeout: float = 10):
        """Return the first recorded `event` whose data satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, data in list(self.events):
                if name == event and predicate(data):
                    return data
            time.sleep(0.02)
        raise AssertionError(f"no {event} event; got {[e for e, _ in self.events]}")

    def close(self) -> None:
        self.sio.disconnect()
