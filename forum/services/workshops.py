"""Scheduling workshops, registering for them, and who may enter their room."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from forum.columns import MAX_ID, utcnow
from forum.errors import Conflict, NotFound, PermissionDenied, ValidationError
from forum.extensions import db
from forum.models import (
    Participation,
    User,
    Workshop,
    WorkshopAccess,
    workshop_facilitators,
    workshop_themes,
)
from forum.services import audit
from forum.services.discussions import Page
from forum.services.threads import (
    clean_country,
    clean_language,
    clean_themes,
    render_body,
)

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
CANCEL_REASON_MAX = 2000
MAX_DURATION = timedelta(days=3)
# The room opens this long before the start.
ROOM_OPENS_BEFORE = timedelta(minutes=30)
WHEN = ("upcoming", "live", "past")


# Who may do what ------------------------------------------------------------


def can_organise(user) -> bool:
    """Say whether `user` may create workshops."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.can_log_in
        and (user.is_moderator or user.can_organise)
    )


def is_facilitator(user, workshop: Workshop) -> bool:
    """Facilitators, the organiser and moderators of its country or themes."""
    if not getattr(user, "is_authenticated", False) or not user.can_log_in:
        return False
    if user.id == workshop.organiser_id:
        return True
    if any(f.id == user.id for f in workshop.facilitators):
        return True
    return user.moderates(workshop.country_code, workshop.theme_slugs)


def participation(user, workshop: Workshop) -> Participation | None:
    """Return the member's participation row in a workshop, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Participation).where(
            Participation.workshop_id == workshop.id, Participation.user_id == user.id
        )
    )


def may_enter(user, workshop: Workshop) -> bool:
    """Say whether `user` may join the workshop's room (read its history)."""
    if not getattr(user, "is_authenticated", False) or not user.can_log_in:
        return False
    if is_facilitator(user, workshop):
        return True
    if workshop.is_cancelled:
        return False
    place = participation(user, workshop)
    if place is not None and place.removed_at is not None:
        return False
    if workshop.access == WorkshopAccess.OPEN:
        return True
    if workshop.access == WorkshopAccess.REGISTRATION:
        return place is not None and place.registered
    return place is not None and place.invited


def can_see(user, workshop: Workshop) -> bool:
    """Say whether `user` may see the page: everyone, unless by invitation."""
    if workshop.access != WorkshopAccess.INVITATION:
        return True
    return may_enter(user, workshop)


def room_state(workshop: Workshop, now: datetime | None = None) -> str:
    """Say what the room allows now: "scheduled", "open", "closed" or "cancelled".

    "closed" rooms are read-only; a facilitator may extend them.
    """
    now = now or utcnow()
    if workshop.is_cancelled:
        return "cancelled"
    if now < workshop.starts_at - ROOM_OPENS_BEFORE:
        return "scheduled"
    if now <= workshop.ends_at:
        return "open"
    if workshop.extended_until is not None and now <= workshop.extended_until:
        return "open"
    return "closed"


def phase(workshop: Workshop, now: datetime | None = None) -> str:
    """Say whether the workshop is "upcoming", "live" or "past"."""
    now = now or utcnow()
    if now < workshop.starts_at:
        return "upcoming"
    if now <= workshop.ends_at:
        return "live"
    return "past"


# Validation -----------------------------------------------------------------


def _when(value, *, field: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value or "").strip())
        except ValueError:
            raise ValidationError(
                _("Give a date and time such as 2027-03-14T09:30:00+01:00."),
                field=field,
            ) from None
    if moment.tzinfo is None:
        raise ValidationError(
            _("Give the time zone with the time (Z or +01:00, say)."), field=field
        )
    return moment.astimezone(UTC)


def _languages(values) -> list[str]:
    if isinstance(values, str):
        values = [values]
    languages = list(dict.fromkeys(clean_language(v) for v in values or [] if v))
    if not languages:
        raise ValidationError(
            _("Choose the language(s) of the workshop."), field="language"
        )
    return languages


def clean_workshop(data: Mapping) -> dict:
    """Check a workshop's fields; return the values to store."""
    title = " ".join(str(data.get("title") or "").split())
    if not title:
        raise ValidationError(_("Give the workshop a title."), field="title")
    if len(title) > TITLE_MAX:
        raise ValidationError(
            _("Too long: at most %(n)d characters.", n=TITLE_MAX), field="title"
        )
    description = str(data.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(
            _("Too long: at most %(n)d characters.", n=DESCRIPTION_MAX),
            field="description",
        )
    starts_at = _when(data.get("starts_at"), field="starts_at")
    ends_at = _when(data.get("ends_at"), field="ends_at")
    if ends_at <= starts_at:
        raise ValidationError(_("The end comes after the start."), field="ends_at")
    if ends_at - starts_at > MAX_DURATION:
        raise ValidationError(
            _("A workshop lasts at most three days."), field="ends_at"
        )
    access = str(data.get("access") or WorkshopAccess.OPEN.value)
    if access not in {a.value for a in WorkshopAccess}:
        raise ValidationError(_("Choose who may take part."), field="access")
    capacity = _capacity(data.get("capacity"), access)
    themes = data.get("themes") or []
    if isinstance(themes, str):
        themes = [themes]
    return {
        "title": title,
        "description_markdown": description,
        "description_html": render_body(description) if description else "",
        "country_code": clean_country(data.get("country")),
        "themes": clean_themes(themes),
        "languages": _languages(data.get("language") or data.get("languages")),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "access": WorkshopAccess(access),
        "capacity": capacity,
    }


def _capacity(value, access: str) -> int | None:
    if value in (None, "") or access != WorkshopAccess.REGISTRATION.value:
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 10_000:
        raise ValidationError(
            _("Give the number of places, from 1 to 10,000."), field="capacity"
        )
    return int(text)


def _facilitators(usernames: Iterable[str]) -> list[User]:
    names = [n.strip().lstrip("@") for n in usernames or [] if n and n.strip()]
    if not names:
        return []
    found = list(db.session.scalars(select(User).where(User.username.in_(names))))
    missing = set(names) - {user.username for user in found}
    if missing:
        raise ValidationError(
            _("No member is called %(names)s.", names=", ".join(sorted(missing))),
            field="facilitators",
        )
    return found


# Writing --------------------------------------------------------------------


def _log(actor: User, action: str, workshop: Workshop, **extra) -> None:
    audit.record_action(
        actor,
        action,
        target_type="workshop",
        target_id=workshop.id,
        target_label=workshop.title,
        country_code=workshop.country_code,
        theme_slugs=workshop.theme_slugs,
        **extra,
    )


def create_workshop(organiser: User, data: Mapping) -> Workshop:
    """Schedule a workshop (moderators, admins and members with the organiser right)."""
    if not can_organise(organiser):
        raise PermissionDenied(_("Only organisers can schedule workshops."))
    values = clean_workshop(data)
    workshop = Workshop(organiser=organiser, **values)
    workshop.facilitators = _facilitators(data.get("facilitators") or []) or [organiser]
    db.session.add(workshop)
    db.session.flush()
    _log(organiser, "workshop.create", workshop)
    db.session.commit()
    return workshop


def edit_workshop(editor: User, workshop: Workshop, data: Mapping) -> Workshop:
    """Change a workshop's details (its facilitators and moderators)."""
    if not is_facilitator(editor, workshop):
        raise PermissionDenied(_("Only the workshop's facilitators can change it."))
    values = clean_workshop(data)
    for name, value in values.items():
        setattr(workshop, name, value)
    if "facilitators" in data:
        workshop.facilitators = _facilitators(data["facilitators"]) or [
            workshop.organiser
        ]
    _log(editor, "workshop.edit", workshop)
    db.session.commit()
    return workshop


def cancel_workshop(editor: User, workshop: Workshop, *, reason: str = "") -> Workshop:
    """Cancel a workshop: its page stays, its room closes."""
    if not is_facilitator(editor, workshop):
        raise PermissionDenied(_("Only the workshop's facilitators can cancel it."))
    if workshop.is_cancelled:
        return workshop
    reason = (reason or "").strip()
    if len(reason) > CANCEL_REASON_MAX:
        raise ValidationError(
            _("Too long: at most %(n)d characters.", n=CANCEL_REASON_MAX),
            field="reason",
        )
    workshop.cancelled_at = utcnow()
    workshop.cancel_reason = reason
    _log(editor, "workshop.cancel", workshop, reason=workshop.cancel_reason)
    db.session.commit()
    return workshop


def ensure_place(user: User, workshop: Workshop) -> Participation:
    """Return the member's participation row, adding one (not committed)."""
    place = participation(user, workshop)
    if place is None:
        place = Participation(workshop_id=workshop.id, user=user)
        db.session.add(place)
    return place


def registered_count(workshop: Workshop) -> int:
    """Return how many members registered."""
    return db.session.scalar(
        select(func.count(Participation.id)).where(
            Participation.workshop_id == workshop.id,
            Participation.registered.is_(True),
            Participation.removed_at.is_(None),
        )
    )


def register(member: User, workshop: Workshop) -> Participation:
    """Register a member for a workshop (within its capacity)."""
    if not getattr(member, "is_authenticated", False) or not member.can_log_in:
        raise PermissionDenied(_("Log in to take part."))
    if workshop.is_cancelled:
        raise ValidationError(_("This workshop is cancelled."))
    if phase(workshop) == "past":
        raise ValidationError(_("This workshop is over."))
    if workshop.access == WorkshopAccess.INVITATION and not may_enter(member, workshop):
        raise PermissionDenied(_("This workshop is by invitation only."))
    place = ensure_place(member, workshop)
    if place.removed_at is not None:
        raise PermissionDenied(_("You were removed from this workshop."))
    if place.registered:
        return place
    capacity = workshop.capacity
    if capacity is not None and registered_count(workshop) >= capacity:
        raise Conflict(_("This workshop is full."))
    place.registered = True
    db.session.commit()
    return place


def unregister(member: User, workshop: Workshop) -> None:
    """Give one's place back."""
    place = participation(member, workshop)
    if place is not None and place.registered:
        place.registered = False
        db.session.commit()


def invite(actor: User, workshop: Workshop, usernames: Iterable[str]) -> list[User]:
    """Invite members (facilitators only); invited members are registered too."""
    if not is_facilitator(actor, workshop):
        raise PermissionDenied(_("Only the workshop's facilitators can invite."))
    members = _facilitators(usernames)
    for member in members:
        place = ensure_place(member, workshop)
        place.invited = True
        place.registered = True
        place.removed_at = None
    _log(
        actor,
        "workshop.invite",
        workshop,
        details={"members": [m.username for m in members]},
    )
    db.session.commit()
    return members


# Reading --------------------------------------------------------------------


def workshop_by_id(ident) -> Workshop | None:
    """Return the workshop with this id, or None."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        return None
    return db.session.get(Workshop, ident) if 0 < ident <= MAX_ID else None


def get_workshop(viewer, workshop_id) -> Workshop:
    """Return a workshop `viewer` may see, or raise NotFound."""
    workshop = workshop_by_id(workshop_id)
    if workshop is None or not can_see(viewer, workshop):
        raise NotFound(_("This workshop does not exist or is not visible."))
    return workshop


def list_workshops(
    viewer,
    *,
    when: str = "upcoming",
    country: str | None = None,
    theme: str | None = None,
    page: int = 1,
    per_page: int = 20,
    now: datetime | None = None,
) -> Page:
    """Return a page of workshops: upcoming (soonest first), live, or past."""
    now = now or utcnow()
    query = select(Workshop)
    if when == "live":
        query = query.where(Workshop.starts_at <= now, Workshop.ends_at >= now)
        query = query.order_by(Workshop.starts_at)
    elif when == "past":
        query = query.where(Workshop.ends_at < now).order_by(Workshop.starts_at.desc())
    else:
        query = query.where(Workshop.starts_at > now).order_by(Workshop.starts_at)
    if country:
        query = query.where(Workshop.country_code == country.upper())
    if theme:
        query = query.where(
            Workshop.id.in_(
                select(workshop_themes.c.workshop_id).where(
                    workshop_themes.c.theme_slug == theme
                )
            )
        )
    query = query.where(_visible_to(viewer))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page))
    return Page(items=list(items), total=total, page=page, per_page=per_page)


def _visible_to(viewer):
    """Workshops listed for `viewer`: all but invitation-only ones they are not in."""
    public = Workshop.access != WorkshopAccess.INVITATION
    if not getattr(viewer, "is_authenticated", False):
        return public
    if viewer.is_global_moderator:
        return Workshop.id.is_not(None)
    invited = select(Participation.workshop_id).where(
        Participation.user_id == viewer.id, Participation.invited.is_(True)
    )
    facilitated = select(workshop_facilitators.c.workshop_id).where(
        workshop_facilitators.c.user_id == viewer.id
    )
    return or_(
        public,
        Workshop.id.in_(invited),
        Workshop.id.in_(facilitated),
        Workshop.organiser_id == viewer.id,
    )


def calendar_workshops(
    *, country: str | None = None, limit: int = 200
) -> list[Workshop]:
    """Return public workshops from a month ago onwards, for calendar feeds."""
    query = select(Workshop).where(
        Workshop.access != WorkshopAccess.INVITATION,
        Workshop.ends_at >= utcnow() - timedelta(days=30),
    )
    if country:
        query = query.where(Workshop.country_code == country.upper())
    return list(db.session.scalars(query.order_by(Workshop.starts_at).limit(limit)))


def reminder_lead() -> timedelta:
    """Return how long before the start members are reminded."""
    return timedelta(minutes=current_app.config.get("WORKSHOP_REMINDER_MINUTES", 60))
