"""Gunicorn settings for Agora: `gunicorn -c deploy/gunicorn.conf.py` from the root.

gevent workers: each request and each open websocket is a greenlet, not a
thread, so one worker holds thousands of live chat connections. python-engineio
serves websockets on gevent through simple-websocket (a base dependency), so
gevent-websocket is not needed. eventlet is in maintenance mode; gevent is the
async mode Flask-SocketIO and psycopg 3 (>= 3.1.14) support today.

Every setting can be changed from the environment; see README "Deploying".
"""

from __future__ import annotations

import os

wsgi_app = "wsgi:app"
worker_class = "gevent"

bind = os.environ.get("FORUM_BIND") or "{}:{}".format(
    os.environ.get("FORUM_HOST", "127.0.0.1"), os.environ.get("FORUM_PORT", "8000")
)
# Socket.IO's long-polling fallback needs every request of a client to reach
# the same process, which gunicorn's balancing cannot promise: scale out with
# several one-worker servers behind nginx (deploy/nginx.conf) unless every
# client uses websockets only.
workers = int(os.environ.get("FORUM_WORKERS") or os.environ.get("WEB_CONCURRENCY") or 1)
# Greenlets per worker: open websockets plus requests in flight.
worker_connections = int(os.environ.get("FORUM_WORKER_CONNECTIONS", "4000"))

# On SIGTERM: stop accepting, close the live sockets (clients reconnect
# elsewhere), finish requests in flight for up to this many seconds.
graceful_timeout = int(os.environ.get("FORUM_GRACEFUL_TIMEOUT", "30"))
# A worker whose event loop is blocked this long is restarted.
timeout = int(os.environ.get("FORUM_WORKER_TIMEOUT", "30"))
keepalive = 5

# The app writes one access line per request, with its request id (forum.logs).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("FORUM_LOG_LEVEL", "info").lower()

# No preload: the gevent worker must patch the standard library before the
# app (psycopg, redis, threading) is imported, which happens in each worker.
preload_app = False

# Gunicorn's control socket defaults to one path per user: several servers on
# one machine would fight over it, and nothing here uses it.
control_socket_disable = True


def post_worker_init(worker) -> None:
    """Watch for shutdown so live sockets close instead of holding the worker."""
    import gevent

    gevent.spawn(_close_sockets_when_stopping, worker)


def _close_sockets_when_stopping(worker) -> None:
    import gevent

    while worker.alive:
        gevent.sleep(0.5)
    from forum.extensions import socketio

    worker.log.info("Closing live sockets before shutdown")
    socketio.server.eio.disconnect()
