"""Workshop rooms: messages in one order, edits, deletions, and who is there.

A message is stored with the room's next sequence number before anything is
broadcast; a client that sends the same `client_id` twice (a retry after a
dropped connection) gets the stored message back instead of a duplicate.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, func, select, update

from forum import realtime
from forum.columns import MAX_ID, utcnow
from forum.errors import NotFound, PermissionDenied, ValidationError
from forum.extensions import db
from forum.models import ChatMessage, RoomPresence, User, Workshop
from forum.services.posting_limits import RateLimited, within_limit
from forum.services.threads import render_body
from forum.services.workshops import (
    ensure_place,
    is_facilitator,
    may_enter,
    participation,
    room_state,
)

BODY_MAX = 4000
CLIENT_ID_MAX = 64
HISTORY_LIMIT = 100
REPLAY_LIMIT = 1000
EDIT_WINDOW = timedelta(minutes=10)
EXCERPT_LENGTH = 140


# Checks ---------------------------------------------------------------------


def require_entry(user, workshop: Workshop) -> None:
    """Raise PermissionDenied unless `user` may join the room."""
    if not may_enter(user, workshop):
        raise PermissionDenied(_("You are not a participant of this workshop."))


def _require_writable(user: User, workshop: Workshop) -> None:
    require_entry(user, workshop)
    state = room_state(workshop)
    facilitator = is_facilitator(user, workshop)
    if state == "scheduled":
        raise PermissionDenied(_("The room opens 30 minutes before the start."))
    if state in ("closed", "cancelled") and not facilitator:
        raise PermissionDenied(_("The workshop is over: the room is read-only."))
    if workshop.locked and not facilitator:
        raise PermissionDenied(_("A facilitator has locked the room."))
    place = participation(user, workshop)
    muted_until = place.muted_until if place is not None else None
    if not facilitator and muted_until is not None and muted_until > utcnow():
        raise PermissionDenied(
            _("You are muted until %(time)s UTC.", time=muted_until.strftime("%H:%M"))
        )


def _storable(text: str) -> bool:
    # NUL and lone surrogates fit no text column (PostgreSQL raises on them).
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _clean_body(body) -> str:
    if not isinstance(body, str) or not _storable(body):
        raise ValidationError(_("The message must be text."), field="body")
    body = body.strip()
    if not body:
        raise ValidationError(_("Write something first."), field="body")
    if len(body) > BODY_MAX:
        raise ValidationError(
            _("The message is too long: at most %(n)d characters.", n=BODY_MAX),
            field="body",
        )
    return body


def _clean_client_id(client_id) -> str:
    if (
        not isinstance(client_id, str)
        or not client_id.strip()
        or not _storable(client_id)
    ):
        raise ValidationError(_("Each message needs a client_id."), field="client_id")
    if len(client_id) > CLIENT_ID_MAX:
        raise ValidationError(_("The client_id is too long."), field="client_id")
    return client_id.strip()


def _check_pace(user: User, workshop: Workshop) -> None:
    """Apply the flood limit to everyone and slow mode to non-facilitators."""
    if is_facilitator(user, workshop):
        return
    if current_app.config.get("RATELIMIT_ENABLED", True) and not within_limit(
        current_app.config["RATELIMIT_CHAT"], "chat", str(workshop.id), str(user.id)
    ):
        raise RateLimited(_("You are sending messages too fast. Wait a moment."))
    seconds = workshop.slow_mode_seconds
    place = participation(user, workshop)
    if seconds and place is not None and place.last_message_at is not None:
        wait = place.last_message_at + timedelta(seconds=seconds) - utcnow()
        if wait.total_seconds() > 0:
            raise RateLimited(
                _(
                    "Slow mode: wait %(n)d more seconds.",
                    n=int(wait.total_seconds()) + 1,
                )
            )


def _next_seq(workshop: Workshop) -> int:
    """Take the room's next sequence number (inside the caller's transaction)."""
    seq = db.session.scalar(
        update(Workshop)
        .where(Workshop.id == workshop.id)
        .values(last_seq=Workshop.last_seq + 1)
        .returning(Workshop.last_seq)
        .execution_options(synchronize_session=False)
    )
    workshop.last_seq = seq
    return seq


# Messages -------------------------------------------------------------------


def get_message(workshop: Workshop, message_id) -> ChatMessage:
    """Return a message of this room, or raise NotFound."""
    try:
        ident = int(message_id)
    except (TypeError, ValueError):
        ident = 0
    message = db.session.get(ChatMessage, ident) if 0 < ident <= MAX_ID else None
    if message is None or message.workshop_id != workshop.id:
        raise NotFound(_("This message does not exist."))
    return message


def post_message(
    author: User, workshop: Workshop, *, body, client_id, reply_to_id=None
) -> tuple[ChatMessage, bool]:
    """Store a message and broadcast it; return it and whether it is new."""
    client_id = _clean_client_id(client_id)
    _require_writable(author, workshop)
    existing = db.session.scalar(
        select(ChatMessage).where(
            ChatMessage.workshop_id == workshop.id,
            ChatMessage.author_id == author.id,
            ChatMessage.client_id == client_id,
        )
    )
    if existing is not None:
        return existing, False
    body = _clean_body(body)
    reply_to = get_message(workshop, reply_to_id) if reply_to_id else None
    _check_pace(author, workshop)
    seq = _next_seq(workshop)
    now = utcnow()
    message = ChatMessage(
        workshop_id=workshop.id,
        seq=seq,
        changed_seq=seq,
        author_id=author.id,
        client_id=client_id,
        body_markdown=body,
        body_html=render_body(body),
        reply_to_id=reply_to.id if reply_to else None,
        created_at=now,
    )
    db.session.add(message)
    place = ensure_place(author, workshop)
    place.last_message_at = now
    place.hand_raised_at = None
    db.session.commit()
    realtime.publish("message_created", serialise(message), room=workshop.room)
    from forum.services import notifications

    notifications.on_chat_mention(message, workshop)
    return message, True


def edit_message(editor: User, message: ChatMessage, *, body) -> ChatMessage:
    """Change one's own message within ten minutes of sending it."""
    workshop = db.session.get(Workshop, message.workshop_id)
    if message.author_id != editor.id or message.is_deleted:
        raise PermissionDenied(_("You can only edit your own messages."))
    if utcnow() - message.created_at > EDIT_WINDOW:
        raise PermissionDenied(_("Messages can be edited for ten minutes only."))
    _require_writable(editor, workshop)
    body = _clean_body(body)
    message.body_markdown = body
    message.body_html = render_body(body)
    message.edited_at = utcnow()
    message.changed_seq = _next_seq(workshop)
    db.session.commit()
    realtime.publish("message_edited", serialise(message), room=workshop.room)
    return message


def delete_message(actor: User, message: ChatMessage) -> ChatMessage:
    """Delete a message (one's own within ten minutes; any, for facilitators)."""
    workshop = db.session.get(Workshop, message.workshop_id)
    facilitator = is_facilitator(actor, workshop)
    own = message.author_id == actor.id
    if message.is_deleted:
        return message
    if not facilitator:
        if not own:
            raise PermissionDenied(_("You can only delete your own messages."))
        if utcnow() - message.created_at > EDIT_WINDOW:
            raise PermissionDenied(_("Messages can be deleted for ten minutes only."))
    message.deleted_at = utcnow()
    message.deleted_by_id = actor.id
    message.changed_seq = _next_seq(workshop)
    if workshop.pinned_message_id == message.id:
        workshop.pinned_message_id = None
    if not own:
        from forum.services.facilitation import log_action

        log_action(
            actor,
            workshop,
            "chat.delete_message",
            message_id=message.id,
            member=message.author.username if message.author else "",
        )
    db.session.commit()
    realtime.publish("message_deleted", serialise(message), room=workshop.room)
    return message


def history(
    workshop: Workshop, *, after_seq=None, before_seq=None, limit: int = HISTORY_LIMIT
) -> list[ChatMessage]:
    """Return messages in order: all changed after `after_seq`, or the latest
    `limit` (before `before_seq` when paging back)."""
    query = select(ChatMessage).where(ChatMessage.workshop_id == workshop.id)
    if after_seq is not None:
        after = _seq_number(after_seq, "after_seq")
        return list(
            db.session.scalars(
                query.where(ChatMessage.changed_seq > after)
                .order_by(ChatMessage.seq)
                .limit(REPLAY_LIMIT)
            )
        )
    if before_seq is not None:
        query = query.where(ChatMessage.seq < _seq_number(before_seq, "before_seq"))
    latest = db.session.scalars(query.order_by(ChatMessage.seq.desc()).limit(limit))
    return list(reversed(list(latest)))


def _seq_number(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(
            _("%(field)s must be a number.", field=field), field=field
        )
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        raise ValidationError(
            _("%(field)s must be a number.", field=field), field=field
        )
    return int(text)


def serialise(message: ChatMessage) -> dict:
    """Return what clients receive of a message (no text once deleted)."""
    author = message.author
    data = {
        "id": message.id,
        "room": f"workshop:{message.workshop_id}",
        "seq": message.seq,
        "changed_seq": message.changed_seq,
        "client_id": message.client_id,
        "author": {
            "username": author.username if author else None,
            "display_name": author.public_name if author else None,
        },
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": message.is_deleted,
        "body_html": "" if message.is_deleted else message.body_html,
        "reply_to": None,
    }
    if message.reply_to is not None:
        quoted = message.reply_to
        data["reply_to"] = {
            "id": quoted.id,
            "author": quoted.author.public_name if quoted.author else None,
            "excerpt": "" if quoted.is_deleted else excerpt(quoted),
        }
    return data


def excerpt(message: ChatMessage) -> str:
    """Return the start of a message as plain text."""
    text = Markup(message.body_html).striptags()
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


# Presence -------------------------------------------------------------------


def _presence_ttl() -> timedelta:
    return timedelta(seconds=current_app.config["CHAT_PRESENCE_TTL"])


def enter_room(sid: str, user: User, workshop: Workshop) -> None:
    """Note an open connection of `user` in the room, then announce who is there."""
    db.session.merge(
        RoomPresence(
            sid=sid, workshop_id=workshop.id, user_id=user.id, seen_at=utcnow()
        )
    )
    db.session.commit()
    announce_presence(workshop)


def leave_rooms(sid: str) -> None:
    """Forget a closed connection and announce the rooms it was in."""
    rooms = list(
        db.session.scalars(
            select(RoomPresence.workshop_id).where(RoomPresence.sid == sid)
        )
    )
    db.session.execute(delete(RoomPresence).where(RoomPresence.sid == sid))
    db.session.commit()
    for workshop_id in rooms:
        workshop = db.session.get(Workshop, workshop_id)
        if workshop is not None:
            announce_presence(workshop)


def touch_presence(sid: str) -> None:
    """Keep a connection's presence alive (clients call this now and then)."""
    db.session.execute(
        update(RoomPresence).where(RoomPresence.sid == sid).values(seen_at=utcnow())
    )
    db.session.commit()


def present_members(workshop: Workshop, now: datetime | None = None) -> list[User]:
    """Return who is connected to the room now, across every server process."""
    since = (now or utcnow()) - _presence_ttl()
    user_ids = select(RoomPresence.user_id).where(
        RoomPresence.workshop_id == workshop.id, RoomPresence.seen_at >= since
    )
    return list(
        db.session.scalars(
            select(User)
            .where(User.id.in_(user_ids))
            .order_by(func.lower(User.display_name))
        )
    )


def presence_payload(workshop_id: int) -> dict:
    """Return who is in a room: a count and the first names, for the side panel."""
    workshop = db.session.get(Workshop, workshop_id)
    members = present_members(workshop) if workshop is not None else []
    shown = members[: current_app.config["CHAT_PRESENCE_NAMES"]]
    return {
        "room": workshop.room if workshop is not None else "",
        "count": len(members),
        "members": [
            {"username": u.username, "display_name": u.public_name} for u in shown
        ],
    }


def announce_presence(workshop: Workshop) -> None:
    """Tell the room who is there, shortly: close arrivals share one announcement."""
    workshop_id = workshop.id
    realtime.publish_soon(
        "presence",
        room=workshop.room,
        payload=lambda: presence_payload(workshop_id),
        delay=current_app.config["CHAT_PRESENCE_DELAY"],
    )
