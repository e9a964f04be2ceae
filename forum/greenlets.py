"""Choose how Socket.IO waits: on gevent greenlets when the process runs on them."""

from __future__ import annotations

from collections.abc import Mapping


def socketio_async_mode(config: Mapping) -> str:
    """Return SOCKETIO_ASYNC_MODE if set, else "gevent" under gevent, else "threading".

    Installing gevent must not switch a plain process (`python wsgi.py`, the
    test servers) to greenlets: without monkey-patching, a blocking Redis or
    database call would stop every greenlet, so gevent is used only where the
    standard library has been patched (gunicorn's gevent worker).
    """
    if config.get("SOCKETIO_ASYNC_MODE"):
        return config["SOCKETIO_ASYNC_MODE"]
    try:
        from gevent import monkey
    except ImportError:
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"
