"""Running a workshop room: mute, remove, slow mode, lock, extend, pin, hands.

Facilitators (and moderators of the workshop's country or themes) do these;
every act that constrains a participant goes to the audit log.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from forum import realtime
from forum.columns import utcnow
from forum.errors import PermissionDenied, ValidationError
from forum.extensions import db
from forum.models import ChatMessage, Participation, User, Workshop
from forum.services import audit
from forum.services.chat import get_message, require_entry, serialise
from forum.services.workshops import ensure_place, is_facilitator

MAX_MUTE_MINUTES = 24 * 60
MAX_SLOW_MODE_SECONDS = 600
MAX_EXTENSION_MINUTES = 24 * 60


def log_action(actor: User, workshop: Workshop, action: str, **details) -> None:
    """Add an audit entry about a room (the caller commits)."""
    audit.record_action(
        actor,
        action,
        target_type="workshop",
        target_id=workshop.id,
        target_label=workshop.title,
        details=details,
        country_code=workshop.country_code,
        theme_slugs=workshop.theme_slugs,
    )


def _require_facilitator(actor: User, workshop: Workshop) -> None:
    if not is_facilitator(actor, workshop):
        raise PermissionDenied(_("Only the workshop's facilitators can do this."))


def _number(value, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool):
        value = None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ValidationError(
            _("Give a number from %(low)d to %(high)d.", low=low, high=high),
            field=field,
        )
    return number


def _member_place(workshop: Workshop, username) -> Participation:
    user = db.session.scalar(select(User).where(User.username == str(username or "")))
    if user is None:
        raise ValidationError(_("No such participant."), field="username")
    return ensure_place(user, workshop)


def mute(actor: User, workshop: Workshop, *, username, minutes) -> Participation:
    """Stop a participant from writing for some minutes."""
    _require_facilitator(actor, workshop)
    minutes = _number(minutes, field="minutes", low=1, high=MAX_MUTE_MINUTES)
    place = _member_place(workshop, username)
    place.muted_until = utcnow() + timedelta(minutes=minutes)
    log_action(
        actor, workshop, "chat.mute", member=place.user.username, minutes=minutes
    )
    db.session.commit()
    _announce_room(workshop)
    return place


def remove_participant(actor: User, workshop: Workshop, *, username) -> Participation:
    """Put a participant out of the room for the rest of the workshop."""
    _require_facilitator(actor, workshop)
    place = _member_place(workshop, username)
    if is_facilitator(place.user, workshop):
        raise ValidationError(_("A facilitator cannot be removed."), field="username")
    place.removed_at = utcnow()
    place.registered = False
    log_action(actor, workshop, "chat.remove", member=place.user.username)
    db.session.commit()
    realtime.publish(
        "participant_removed",
        {"room": workshop.room, "username": place.user.username},
        room=workshop.room,
    )
    return place


def set_slow_mode(actor: User, workshop: Workshop, *, seconds) -> Workshop:
    """Allow one message per `seconds` to each participant (0 turns it off)."""
    _require_facilitator(actor, workshop)
    workshop.slow_mode_seconds = _number(
        seconds, field="seconds", low=0, high=MAX_SLOW_MODE_SECONDS
    )
    log_action(actor, workshop, "chat.slow_mode", seconds=workshop.slow_mode_seconds)
    db.session.commit()
    _announce_room(workshop)
    return workshop


def set_locked(actor: User, workshop: Workshop, *, locked: bool) -> Workshop:
    """Lock the room (only facilitators write) or open it again."""
    _require_facilitator(actor, workshop)
    workshop.locked = bool(locked)
    log_action(actor, workshop, "chat.lock" if locked else "chat.unlock")
    db.session.commit()
    _announce_room(workshop)
    return workshop


def extend(actor: User, workshop: Workshop, *, minutes) -> Workshop:
    """Keep the room writable for some minutes after the scheduled end."""
    _require_facilitator(actor, workshop)
    minutes = _number(minutes, field="minutes", low=1, high=MAX_EXTENSION_MINUTES)
    start = max(utcnow(), workshop.ends_at)
    workshop.extended_until = start + timedelta(minutes=minutes)
    log_action(actor, workshop, "chat.extend", minutes=minutes)
    db.session.commit()
    _announce_room(workshop)
    return workshop


def pin(actor: User, workshop: Workshop, *, message_id) -> Workshop:
    """Pin a message at the top of the room (the agenda); None unpins."""
    _require_facilitator(actor, workshop)
    if message_id in (None, ""):
        workshop.pinned_message_id = None
    else:
        message = get_message(workshop, message_id)
        if message.is_deleted:
            raise ValidationError(_("A deleted message cannot be pinned."))
        workshop.pinned_message_id = message.id
    db.session.commit()
    _announce_room(workshop)
    return workshop


def raise_hand(member: User, workshop: Workshop, *, raised: bool = True) -> None:
    """Ask for the floor (or lower one's hand)."""
    require_entry(member, workshop)
    place = ensure_place(member, workshop)
    place.hand_raised_at = utcnow() if raised else None
    db.session.commit()
    _announce_room(workshop)


def clear_hand(actor: User, workshop: Workshop, *, username=None) -> None:
    """Lower one participant's hand, or everyone's (facilitators)."""
    _require_facilitator(actor, workshop)
    query = select(Participation).where(
        Participation.workshop_id == workshop.id,
        Participation.hand_raised_at.is_not(None),
    )
    for place in db.session.scalars(query):
        if username is None or place.user.username == username:
            place.hand_raised_at = None
    db.session.commit()
    _announce_room(workshop)


def raised_hands(workshop: Workshop) -> list[User]:
    """Return who asked for the floor, first come first."""
    places = db.session.scalars(
        select(Participation)
        .where(
            Participation.workshop_id == workshop.id,
            Participation.hand_raised_at.is_not(None),
        )
        .order_by(Participation.hand_raised_at)
    )
    return [place.user for place in places]


def room_status(workshop: Workshop) -> dict:
    """Return the room's settings as clients see them."""
    from forum.services.workshops import room_state

    pinned = (
        db.session.get(ChatMessage, workshop.pinned_message_id)
        if workshop.pinned_message_id
        else None
    )
    return {
        "room": workshop.room,
        "state": room_state(workshop),
        "locked": workshop.locked,
        "slow_mode_seconds": workshop.slow_mode_seconds,
        "extended_until": workshop.extended_until.isoformat()
        if workshop.extended_until
        else None,
        "pinned": serialise(pinned) if pinned is not None else None,
        "hands": [
            {"username": u.username, "display_name": u.public_name}
            for u in raised_hands(workshop)
        ],
    }


def _announce_room(workshop: Workshop) -> None:
    realtime.publish("room_updated", room_status(workshop), room=workshop.room)
