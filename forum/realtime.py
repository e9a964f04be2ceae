"""The one seam through which live events leave the application.

Services call `publish` after their commit; nothing else calls
`socketio.emit`. With a message queue configured (Redis), every server
process relays the event to its own connected clients.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from urllib.parse import urlsplit

import socketio as python_socketio
from flask import Flask, current_app

from forum.extensions import db, socketio

CHAT_NAMESPACE = "/chat"
# How long the relay waits before trying Redis again: doubled up to the longest.
RETRY_FIRST_SECONDS = 0.5
RETRY_LONGEST_SECONDS = 5.0
# Connecting to a Redis that does not answer must not hold a request for long.
CONNECT_TIMEOUT_SECONDS = 2.0

logger = logging.getLogger(__name__)


def publish(
    event: str, payload: dict, *, room: str, skip_sid: str | None = None
) -> None:
    """Send `event` with `payload` to everyone in `room` (of the chat namespace)."""
    socketio.emit(event, payload, to=room, namespace=CHAT_NAMESPACE, skip_sid=skip_sid)


_pending: set[tuple[str, str]] = set()
_sends_due = 0
_sends_changed = threading.Condition()


def publish_soon(
    event: str, *, room: str, payload: Callable[[], dict], delay: float
) -> None:
    """Send `event` to `room` once, `delay` seconds from now.

    Calls for the same event and room until then are merged into that one
    send, whose payload is built (in an app context) at sending time. So a
    crowd joining a room at once costs one announcement, not one per joiner.
    """
    global _sends_due
    key = (event, room)
    with _sends_changed:
        if key in _pending:
            return
        _pending.add(key)
        _sends_due += 1
    app = current_app._get_current_object()
    socketio.start_background_task(_publish_later, app, key, payload, delay)


def _publish_later(app: Flask, key: tuple[str, str], payload, delay: float) -> None:
    global _sends_due
    socketio.sleep(delay)
    # Forgotten before the payload is built: a change made while it is being
    # built schedules another send, so the last word is never lost.
    with _sends_changed:
        _pending.discard(key)
    event, room = key
    try:
        with app.app_context():
            try:
                publish(event, payload(), room=room)
            finally:
                db.session.remove()
    except Exception:
        logger.exception("Could not send %s to %s", event, room)
    finally:
        with _sends_changed:
            _sends_due -= 1
            _sends_changed.notify_all()


def wait_for_delayed_sends(timeout: float = 5.0) -> bool:
    """Wait until every send scheduled by `publish_soon` is out; say if it is."""
    with _sends_changed:
        return _sends_changed.wait_for(lambda: _sends_due == 0, timeout)


def queue_channel(config: Mapping) -> str:
    """Return the Redis channel that carries this site's live events between processes.

    Redis pub/sub channels ignore the database number, so two sites on one
    Redis server (databases 0 and 1, say) would otherwise see each other's events.
    """
    if config.get("REALTIME_CHANNEL"):
        return config["REALTIME_CHANNEL"]
    database = urlsplit(config.get("REDIS_URL") or "").path.strip("/") or "0"
    return f"agora-{database}"


def client_manager(config: Mapping) -> python_socketio.Manager | None:
    """Return Socket.IO's Redis relay when REDIS_URL is set (None: in the process)."""
    if not config.get("REDIS_URL"):
        return None
    return RedisRelay(config["REDIS_URL"], channel=queue_channel(config))


class RedisRelay(python_socketio.RedisManager):
    """Socket.IO's Redis message queue, which tells its clients when it was cut off.

    While Redis is away, an event still reaches the clients of the process
    that published it, but not those of the other processes. So every client
    of this process gets `relay_lost` (the room shows that it is
    reconnecting), then `relay_restored` once this process listens to Redis
    again; the client then asks for what it missed (`join` with `after_seq`),
    as after a reconnection of its own socket.
    """

    def __init__(self, url: str, *, channel: str):
        super().__init__(
            url,
            channel=channel,
            redis_options={"socket_connect_timeout": CONNECT_TIMEOUT_SECONDS},
        )
        self.subscriptions = 0
        self.live = False

    def _redis_listen_with_retries(self) -> Iterator[dict]:
        """Yield what Redis relays; when the connection breaks, say so and retry."""
        delay = RETRY_FIRST_SECONDS
        while True:
            try:
                # Subscription confirmations included: each one marks the
                # moment from which nothing published is missed.
                listener = self._subscribe()
                for message in listener.listen():
                    if message["type"] == "subscribe":
                        delay = RETRY_FIRST_SECONDS
                        self._subscribed()
                    yield message
            except Exception as error:  # whatever broke, the relay must come back
                self._lost(error)
                self.server.sleep(delay)
                delay = min(delay * 2, RETRY_LONGEST_SECONDS)

    def _subscribe(self):
        self._redis_connect()
        listener = self.redis.pubsub()
        listener.subscribe(self.channel)
        return listener

    def _subscribed(self) -> None:
        self.subscriptions += 1
        self.live = True
        # The first subscription of the process misses nothing; any later one
        # (after an outage, or a reconnection redis-py made by itself) may.
        if self.subscriptions > 1:
            logger.warning("Live events relayed through Redis again")
            self._tell_clients("relay_restored")

    def _lost(self, error: Exception) -> None:
        if self.live:
            logger.error("Lost Redis, live events stay in this process: %s", error)
            self._tell_clients("relay_lost")
        self.live = False

    def _tell_clients(self, event: str) -> None:
        # Straight to this process's clients: Redis is the very thing missing.
        self.server.emit(event, {}, namespace=CHAT_NAMESPACE, ignore_queue=True)
