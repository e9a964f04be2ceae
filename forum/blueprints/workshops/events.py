"""Socket.IO events of the /chat namespace: each parses, calls a service, acks.

Every handler answers through its acknowledgement: `{"ok": True, ...}` or
`{"ok": False, "error": code, "message": text}`. No exception reaches the
client; an unexpected one is logged and the handler keeps serving.
"""

from __future__ import annotations

import functools

from flask import current_app, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room

from forum.errors import ForumError, NotFound, ValidationError
from forum.extensions import db, socketio
from forum.models import User
from forum.realtime import CHAT_NAMESPACE, publish
from forum.services import chat, facilitation, workshops
from forum.services.api_tokens import user_for_api_token

_USER_KEY = "chat_user_id"


def _user() -> User:
    """Return the member of this connection, refused if they can no longer log in."""
    user = db.session.get(User, session.get(_USER_KEY) or 0)
    if user is None or not user.can_log_in:
        raise ForumError(_("Your session has ended. Log in again."))
    return user


def _payload(data) -> dict:
    if not isinstance(data, dict):
        raise ValidationError(_("Send an object with the event's fields."))
    return data


def _workshop(data: dict):
    room = data.get("room")
    if not isinstance(room, str) or not room.startswith("workshop:"):
        raise ValidationError(_("Name the room, as in workshop:12."), field="room")
    workshop = workshops.workshop_by_id(room.partition(":")[2])
    if workshop is None:
        raise NotFound(_("This room does not exist."))
    return workshop


def acknowledged(handler):
    """Turn a handler's result or error into an acknowledgement; never raise."""

    @functools.wraps(handler)
    def wrapper(data=None):
        try:
            result = handler(_payload(data))
            return {"ok": True, **(result or {})}
        except ForumError as error:
            db.session.rollback()
            return {"ok": False, "error": error.code, "message": error.message}
        except Exception:  # the room must keep serving whatever one event does
            db.session.rollback()
            current_app.logger.exception("Chat event %s failed", handler.__name__)
            return {
                "ok": False,
                "error": "server_error",
                "message": _("Something went wrong. Please try again."),
            }
        finally:
            db.session.remove()

    return wrapper


@socketio.on("connect", namespace=CHAT_NAMESPACE)
def connect(auth=None):
    """Accept a logged-in member (session cookie) or an API token in `auth`."""
    user = None
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        user = user_for_api_token(auth["token"])
    elif current_user.is_authenticated:
        user = current_user
    if user is None or not user.can_log_in:
        db.session.remove()
        raise ConnectionRefusedError("unauthorized")
    session[_USER_KEY] = user.id
    db.session.remove()


@socketio.on("disconnect", namespace=CHAT_NAMESPACE)
def disconnect(reason=None):
    """Forget the connection's presence."""
    try:
        chat.leave_rooms(request.sid)
    finally:
        db.session.remove()


@socketio.on("join", namespace=CHAT_NAMESPACE)
@acknowledged
def join(data):
    """Enter a room; answer with its recent history or everything after `after_seq`."""
    user, workshop = _user(), _workshop(data)
    chat.require_entry(user, workshop)
    # Join first: a message stored while the history is read then comes live
    # (the client keeps one copy per id) instead of in neither.
    join_room(workshop.room)
    messages = chat.history(workshop, after_seq=data.get("after_seq"))
    chat.enter_room(request.sid, user, workshop)
    return {
        "messages": [chat.serialise(m) for m in messages],
        "last_seq": workshop.last_seq,
        "status": facilitation.room_status(workshop),
        "can_facilitate": workshops.is_facilitator(user, workshop),
    }


@socketio.on("leave", namespace=CHAT_NAMESPACE)
@acknowledged
def leave(data):
    """Leave a room."""
    workshop = _workshop(data)
    leave_room(workshop.room)
    chat.leave_rooms(request.sid)


@socketio.on("history", namespace=CHAT_NAMESPACE)
@acknowledged
def older_history(data):
    """Page back: the messages before `before_seq`."""
    user, workshop = _user(), _workshop(data)
    chat.require_entry(user, workshop)
    messages = chat.history(workshop, before_seq=data.get("before_seq"))
    return {"messages": [chat.serialise(m) for m in messages]}


@socketio.on("send_message", namespace=CHAT_NAMESPACE)
@acknowledged
def send_message(data):
    """Store and broadcast a message; a repeated client_id returns the first one."""
    user, workshop = _user(), _workshop(data)
    message, _created = chat.post_message(
        user,
        workshop,
        body=data.get("body"),
        client_id=data.get("client_id"),
        reply_to_id=data.get("reply_to"),
    )
    return {"id": message.id, "seq": message.seq}


@socketio.on("edit_message", namespace=CHAT_NAMESPACE)
@acknowledged
def edit_message(data):
    """Change one's own message."""
    user, workshop = _user(), _workshop(data)
    message = chat.edit_message(
        user, chat.get_message(workshop, data.get("id")), body=data.get("body")
    )
    return {"id": message.id, "seq": message.changed_seq}


@socketio.on("delete_message", namespace=CHAT_NAMESPACE)
@acknowledged
def delete_message(data):
    """Delete a message (one's own, or any for facilitators)."""
    user, workshop = _user(), _workshop(data)
    message = chat.delete_message(user, chat.get_message(workshop, data.get("id")))
    return {"id": message.id, "seq": message.changed_seq}


@socketio.on("typing", namespace=CHAT_NAMESPACE)
@acknowledged
def typing(data):
    """Tell the others that this member is typing."""
    user, workshop = _user(), _workshop(data)
    chat.require_entry(user, workshop)
    chat.touch_presence(request.sid)
    publish(
        "typing",
        {
            "room": workshop.room,
            "username": user.username,
            "display_name": user.public_name,
        },
        room=workshop.room,
        skip_sid=request.sid,
    )


@socketio.on("heartbeat", namespace=CHAT_NAMESPACE)
@acknowledged
def heartbeat(data):
    """Keep this connection counted as present."""
    _user()
    chat.touch_presence(request.sid)


@socketio.on("raise_hand", namespace=CHAT_NAMESPACE)
@acknowledged
def raise_hand(data):
    """Ask for the floor, or lower one's hand (`raised`: false)."""
    user, workshop = _user(), _workshop(data)
    facilitation.raise_hand(
        user, workshop, raised=data.get("raised", True) is not False
    )


@socketio.on("facilitate", namespace=CHAT_NAMESPACE)
@acknowledged
def facilitate(data):
    """Run the room: mute, remove, slow_mode, lock, unlock, extend, pin, clear_hand."""
    user, workshop = _user(), _workshop(data)
    action = data.get("action")
    actions = {
        "mute": lambda: facilitation.mute(
            user, workshop, username=data.get("username"), minutes=data.get("minutes")
        ),
        "remove": lambda: facilitation.remove_participant(
            user, workshop, username=data.get("username")
        ),
        "slow_mode": lambda: facilitation.set_slow_mode(
            user, workshop, seconds=data.get("seconds")
        ),
        "lock": lambda: facilitation.set_locked(user, workshop, locked=True),
        "unlock": lambda: facilitation.set_locked(user, workshop, locked=False),
        "extend": lambda: facilitation.extend(
            user, workshop, minutes=data.get("minutes")
        ),
        "pin": lambda: facilitation.pin(
            user, workshop, message_id=data.get("message_id")
        ),
        "clear_hand": lambda: facilitation.clear_hand(
            user, workshop, username=data.get("username")
        ),
    }
    if action not in actions:
        raise ValidationError(
            _("Unknown action. Use one of: %(names)s.", names=", ".join(actions)),
            field="action",
        )
    actions[action]()
    return {"status": facilitation.room_status(workshop)}
