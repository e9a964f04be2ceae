"""The one seam through which live events leave the application.

Services call `publish` after their commit; nothing else calls
`socketio.emit`. With a message queue configured (Redis), every server
process relays the event to its own connected clients.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from forum.extensions import socketio

CHAT_NAMESPACE = "/chat"


def publish(
    event: str, payload: dict, *, room: str, skip_sid: str | None = None
) -> None:
    """Send `event` with `payload` to everyone in `room` (of the chat namespace)."""
    socketio.emit(event, payload, to=room, namespace=CHAT_NAMESPACE, skip_sid=skip_sid)


def queue_channel(config: Mapping) -> str:
    """Return the Redis channel that carries this site's live events between processes.

    Redis pub/sub channels ignore the database number, so two sites on one
    Redis server (databases 0 and 1, say) would otherwise see each other's events.
    """
    if config.get("REALTIME_CHANNEL"):
        return config["REALTIME_CHANNEL"]
    database = urlsplit(config.get("REDIS_URL") or "").path.strip("/") or "0"
    return f"agora-{database}"
