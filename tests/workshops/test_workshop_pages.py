"""Workshop pages: lists, scheduling form, registration, calendars, the plain room."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from forum.columns import utcnow
from forum.models import ChatMessage, Workshop
from forum.services import workshops
from tests.factories import make_user
from tests.workshops.factories import make_workshop


def test_lists_show_upcoming_and_filter_by_country(client, app):
    soon = make_workshop(title="Marchés publics responsables", country="TN")
    elsewhere = make_workshop(title="Coopératives agricoles", country="MA")
    page = client.get("/workshops").get_data(as_text=True)
    assert soon.title in page and elsewhere.title in page
    page = client.get("/workshops?country=TN").get_data(as_text=True)
    assert soon.title in page and elsewhere.title not in page
    assert client.get("/workshops?when=past&page=99999999999").status_code == 200


def test_organiser_schedules_in_their_time_zone(client, auth, app):
    make_user(email="rim@tunis.example", can_organise=True, timezone="Africa/Tunis")
    auth.login("rim@tunis.example")
    response = client.post(
        "/workshops/new",
        data={
            "title": "Procurement clauses for cooperatives",
            "description": "Agenda: **clauses**",
            "country": "TN",
            "themes": ["public-procurement-partnerships"],
            "languages": ["fr", "ar"],
            "starts_at": "2027-03-14T09:30",
            "ends_at": "2027-03-14T12:00",
            "access": "registration",
            "capacity": "25",
            "facilitators": "",
        },
    )
    assert response.status_code == 302
    workshop = app.extensions["sqlalchemy"].session.query(Workshop).one()
    assert workshop.starts_at.hour == 8  # 09:30 in Tunis is 08:30 UTC
    assert workshop.capacity == 25


def test_members_without_the_right_cannot_schedule(client, auth):
    make_user(email="plain@example.org")
    auth.login("plain@example.org")
    assert client.get("/workshops/new").status_code == 403


def test_bad_schedule_is_shown_next_to_the_field(client, auth):
    make_user(email="org@example.org", can_organise=True)
    auth.login("org@example.org")
    response = client.post(
        "/workshops/new",
        data={
            "title": "x",
            "country": "TN",
            "themes": ["digital"],
            "languages": ["en"],
            "starts_at": "2027-03-14T12:00",
            "ends_at": "2027-03-14T09:00",
            "access": "open",
        },
    )
    assert response.status_code == 422
    assert "The end comes after the start." in response.get_data(as_text=True)


def test_registration_from_the_page(client, auth, app):
    workshop = make_workshop(access="registration", capacity="10")
    member = make_user(email="sami@example.org")
    auth.login("sami@example.org")
    page = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    assert "Register" in page
    assert client.post(f"/workshops/{workshop.id}/register").status_code == 302
    assert workshops.may_enter(member, workshop)
    assert (
        client.post(f"/workshops/{workshop.id}/register", csrf=False).status_code == 400
    )


def test_invitation_only_workshop_is_a_404_for_others(client, auth):
    workshop = make_workshop(access="invitation")
    assert client.get(f"/workshops/{workshop.id}").status_code == 404
    make_user(email="nosy@example.org")
    auth.login("nosy@example.org")
    assert client.get(f"/workshops/{workshop.id}").status_code == 404
    assert client.get(f"/workshops/{workshop.id}/room").status_code == 404


def test_icalendar_file_and_feed(client):
    workshop = make_workshop(title="Social finance café")
    response = client.get(f"/workshops/{workshop.id}.ics")
    assert response.mimetype == "text/calendar"
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Social finance café"
    assert event.decoded("DTSTART") == workshop.starts_at.replace(microsecond=0)
    feed = Calendar.from_ical(client.get("/workshops/calendar.ics").data)
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == ["Social finance café"]


def test_room_works_without_javascript(client, auth, app):
    workshop = make_workshop()
    make_user(email="leila@example.org")
    auth.login("leila@example.org")
    response = client.post(
        f"/workshops/{workshop.id}/room",
        data={"body": "Bonjour **à tous**", "client_id": "nojs-1"},
    )
    assert response.status_code == 302
    page = client.get(f"/workshops/{workshop.id}/room").get_data(as_text=True)
    assert "<strong>à tous</strong>" in page
    again = client.post(
        f"/workshops/{workshop.id}/room",
        data={"body": "Bonjour **à tous**", "client_id": "nojs-1"},
    )
    assert again.status_code == 302
    session = app.extensions["sqlalchemy"].session
    assert session.query(ChatMessage).count() == 1
    too_long = client.post(
        f"/workshops/{workshop.id}/room",
        data={"body": "x" * 4001, "client_id": "nojs-2"},
    )
    assert too_long.status_code == 422


def test_closed_room_offers_no_form_to_members(client, auth):
    workshop = make_workshop(starts_in=timedelta(hours=-5))
    make_user(email="late@example.org")
    auth.login("late@example.org")
    page = client.get(f"/workshops/{workshop.id}/room").get_data(as_text=True)
    assert "read-only" in page and 'name="body"' not in page
    assert workshop.ends_at < utcnow()


def test_invitation_of_unknown_members_comes_back_with_the_names(client, auth):
    organiser = make_user(can_organise=True)
    workshop = make_workshop(organiser, access="invitation")
    guest = make_user(username="guest")
    auth.login(organiser.email)
    response = client.post(
        f"/workshops/{workshop.id}/invite", data={"usernames": "guest, ghost"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error-message"' in page and "No member is called ghost." in page
    assert 'value="guest, ghost"' in page
    assert workshops.participation(guest, workshop) is None


def test_empty_invitation_is_refused_on_the_workshop_page(client, auth):
    organiser = make_user(can_organise=True)
    workshop = make_workshop(organiser)
    auth.login(organiser.email)
    response = client.post(f"/workshops/{workshop.id}/invite", data={"usernames": " "})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give at least one username." in page and workshop.title in page
