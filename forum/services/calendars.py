"""iCalendar (RFC 5545) files of workshops, built with the icalendar library."""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for
from icalendar import Calendar, Event
from markupsafe import Markup

from forum.models import Workshop


def calendar_of(workshop_list: Iterable[Workshop]) -> bytes:
    """Return an iCalendar file with one event per workshop (times in UTC)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Agora//Workshops//EN")
    calendar.add("version", "2.0")
    for workshop in workshop_list:
        calendar.add_component(_event(workshop))
    return calendar.to_ical()


def _event(workshop: Workshop) -> Event:
    event = Event()
    event.add("uid", f"workshop-{workshop.id}@agora")
    event.add("summary", workshop.title)
    event.add("dtstart", workshop.starts_at)
    event.add("dtend", workshop.ends_at)
    event.add("dtstamp", workshop.created_at)
    event.add(
        "url",
        url_for("workshops.view_workshop", workshop_id=workshop.id, _external=True),
    )
    event.add("description", Markup(workshop.description_html).striptags())
    event.add("status", "CANCELLED" if workshop.is_cancelled else "CONFIRMED")
    return event
