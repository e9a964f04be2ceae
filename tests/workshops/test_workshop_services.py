"""Scheduling workshops, registration, access to rooms."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum.columns import utcnow
from forum.errors import Conflict, NotFound, PermissionDenied, ValidationError
from forum.extensions import db
from forum.models import AuditEntry
from forum.services import workshops
from tests.factories import make_user
from tests.workshops.factories import make_workshop, workshop_data


def test_only_organisers_schedule(app):
    with pytest.raises(PermissionDenied):
        workshops.create_workshop(make_user(), workshop_data())
    assert make_workshop(make_user(role="moderator")).id
    assert make_workshop(make_user(can_organise=True)).id


def test_times_are_stored_in_utc(app):
    workshop = make_workshop(
        starts_at="2027-03-14T09:30:00+01:00", ends_at="2027-03-14T12:00:00+01:00"
    )
    assert workshop.starts_at.hour == 8 and workshop.starts_at.utcoffset() == timedelta(
        0
    )


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": " "}, "title"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": "2027-03-14T09:30:00"}, "starts_at"),
        ({"ends_at": "2020-01-01T00:00:00Z"}, "ends_at"),
        ({"access": "secret"}, "access"),
        ({"access": "registration", "capacity": "lots"}, "capacity"),
        ({"country": "ZZ"}, "country"),
        ({"language": []}, "language"),
        ({"facilitators": ["nobody-by-that-name"]}, "facilitators"),
    ],
)
def test_bad_fields_are_refused(app, changes, field):
    with pytest.raises(ValidationError) as error:
        make_workshop(**changes)
    assert error.value.field == field


def test_registration_respects_the_cap(app):
    workshop = make_workshop(access="registration", capacity="1")
    first, second = make_user(), make_user()
    assert not workshops.may_enter(first, workshop)
    workshops.register(first, workshop)
    assert workshops.may_enter(first, workshop)
    with pytest.raises(Conflict):
        workshops.register(second, workshop)
    workshops.unregister(first, workshop)
    workshops.register(second, workshop)


def test_invitation_only_is_invisible_to_others(app):
    organiser = make_user(can_organise=True)
    guest, outsider = make_user(), make_user()
    workshop = make_workshop(organiser, access="invitation")
    with pytest.raises(NotFound):
        workshops.get_workshop(outsider, workshop.id)
    assert workshop not in workshops.list_workshops(outsider).items
    with pytest.raises(PermissionDenied):
        workshops.invite(outsider, workshop, [guest.username])
    workshops.invite(organiser, workshop, [guest.username])
    assert workshops.may_enter(guest, workshop)
    assert workshop in workshops.list_workshops(guest).items
    assert not workshops.may_enter(None, workshop)


def test_lists_split_upcoming_live_and_past(app):
    soon = make_workshop(starts_in=timedelta(days=1))
    live = make_workshop(starts_in=timedelta(minutes=-30))
    past = make_workshop(starts_in=timedelta(days=-2))
    assert workshops.list_workshops(None, when="upcoming").items == [soon]
    assert workshops.list_workshops(None, when="live").items == [live]
    assert workshops.list_workshops(None, when="past").items == [past]
    assert workshops.list_workshops(None, when="upcoming", country="MA").items == []


def test_room_opens_half_an_hour_before_and_closes_after(app):
    workshop = make_workshop(starts_in=timedelta(hours=1))
    assert workshops.room_state(workshop) == "scheduled"
    assert workshops.room_state(workshop, utcnow() + timedelta(minutes=31)) == "open"
    assert workshops.room_state(workshop, utcnow() + timedelta(hours=4)) == "closed"


def test_cancel_is_logged_and_closes_the_room(app):
    organiser = make_user(can_organise=True)
    workshop = make_workshop(organiser)
    with pytest.raises(PermissionDenied):
        workshops.cancel_workshop(make_user(), workshop)
    workshops.cancel_workshop(organiser, workshop, reason="Strike")
    assert workshops.room_state(workshop) == "cancelled"
    assert db.session.query(AuditEntry).filter_by(action="workshop.cancel").count()
