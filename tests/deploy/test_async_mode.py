"""Socket.IO waits on gevent only where gevent has patched the standard library."""

from __future__ import annotations

import subprocess
import sys

from forum.greenlets import socketio_async_mode


def test_a_plain_process_uses_threads_even_with_gevent_installed():
    assert socketio_async_mode({}) == "threading"


def test_the_configured_mode_wins():
    assert socketio_async_mode({"SOCKETIO_ASYNC_MODE": "gevent"}) == "gevent"


def test_a_patched_process_uses_gevent():
    script = (
        "from gevent import monkey; monkey.patch_all()\n"
        "from forum.greenlets import socketio_async_mode\n"
        "print(socketio_async_mode({}))\n"
    )
    answer = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert answer.stdout.strip() == "gevent"
