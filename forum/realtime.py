"""The one seam through which live events leave the application.

Services call `publish` after their commit; nothing else calls
`socketio.emit`. With a message queue configured (Redis), every server
process relays the event to its own connected clients.
"""

from __future__ import annotations

from forum.extensions import socketio

CHAT_NAMESPACE = "/chat"


def publish(
    event: str, payload: dict, *, room: str, skip_sid: str | None = None
) -> None:
    """Send `event` with `payload` to everyone in `room` (of the chat namespace)."""
    socketio.emit(event, payload, to=room, namespace=CHAT_NAMESPACE, skip_sid=skip_sid)
