"""Processes the fault tests start, kill and inspect."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from sqlalchemy import make_url

from tests.workshops.live import free_port


def worker_pids(master_pid: int) -> list[int]:
    """Return the process ids of a gunicorn master's workers."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
    return [int(pid) for pid in children.split()]


def resident_mb(pid: int) -> float:
    """Return a process's resident memory (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def kill_server(master: subprocess.Popen) -> None:
    """SIGKILL a gunicorn master, then its workers: nothing gets to clean up."""
    workers = worker_pids(master.pid)
    # The master first, so it cannot start a new worker in the meantime.
    master.send_signal(signal.SIGKILL)
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    master.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers):
        assert time.monotonic() < deadline, "a killed worker is still running"
        time.sleep(0.05)


def sqlite_checks(database_uri: str) -> tuple[list, list]:
    """Return SQLite's integrity_check and foreign_key_check rows for a database."""
    connection = sqlite3.connect(make_url(database_uri).database)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchall()
        foreign_keys = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    return integrity, foreign_keys


REDIS_SERVER = "/usr/bin/redis-server"

requires_redis_server = pytest.mark.skipif(
    not Path(REDIS_SERVER).exists(),
    reason="redis-server is not installed (apt-get install redis-server)",
)


class RedisServer:
    """A redis-server of our own on a free port, that a test may stop and restart.

    The machine's shared Redis is never touched: other people use it.
    """

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start (or restart) the server on its port, with nothing persisted."""
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        with redis.Redis.from_url(self.url) as client:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    assert time.monotonic() < deadline, "redis-server did not start"
                    time.sleep(0.05)

    def kill(self) -> None:
        """Stop the server at once, as a crash or a lost machine would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def redis_server(folder: Path) -> Iterator[RedisServer]:
    """Yield a running RedisServer of our own; kill it afterwards."""
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.kill()
