"""The workshops API: the same rights as the pages, fields as documented."""

from __future__ import annotations

from forum.blueprints.api.openapi import openapi_document
from tests.factories import make_user
from tests.workshops.factories import make_workshop, workshop_data


def test_organiser_schedules_and_gets_the_room_name(api_as, app):
    organiser = api_as(make_user(can_organise=True))
    data = workshop_data(access="registration", capacity=2, language="ar")
    response = organiser.post("/workshops", json=data)
    assert response.status_code == 201, response.json
    workshop = response.json
    assert workshop["room"] == f"workshop:{workshop['id']}"
    assert workshop["language"] == ["ar"] and workshop["capacity"] == 2
    assert response.headers["Location"].endswith(f"/workshops/{workshop['id']}")
    with app.test_request_context():
        schema = openapi_document()["components"]["schemas"]["Workshop"]
    assert set(schema["required"]) <= set(workshop)


def test_members_without_the_right_get_403(api_as, visitor):
    assert (
        api_as(make_user()).post("/workshops", json=workshop_data()).status_code == 403
    )
    assert visitor.post("/workshops", json=workshop_data()).status_code == 401


def test_wrong_types_and_missing_fields_get_422(api_as):
    organiser = api_as(make_user(can_organise=True))
    for changes in (
        {"title": 7},
        {"themes": "digital"},
        {"starts_at": None},
        {"capacity": "ten"},
        {"ends_at": "yesterday"},
    ):
        response = organiser.post("/workshops", json={**workshop_data(), **changes})
        assert response.status_code == 422, changes
        assert response.json["error"] == "invalid"
    assert organiser.post("/workshops", data="[1, 2]").status_code == 400


def test_partial_edit_and_cancel_by_a_facilitator_only(api_as):
    owner = make_user(can_organise=True)
    workshop = make_workshop(owner, title="Cooperative housing in Valencia")
    outsider = api_as(make_user())
    assert (
        outsider.patch(f"/workshops/{workshop.id}", json={"title": "Mine"}).status_code
        == 403
    )
    answer = api_as(owner).patch(
        f"/workshops/{workshop.id}", json={"title": "Housing co-ops"}
    )
    assert answer.status_code == 200 and answer.json["title"] == "Housing co-ops"
    assert answer.json["starts_at"] == workshop.starts_at.isoformat()
    cancelled = api_as(owner).post(
        f"/workshops/{workshop.id}/cancel", json={"reason": "Flood"}
    )
    assert cancelled.json["cancelled"] and cancelled.json["room_state"] == "cancelled"


def test_registration_within_the_cap(api_as):
    workshop = make_workshop(access="registration", capacity="1")
    first, second = api_as(make_user()), api_as(make_user())
    assert first.post(f"/workshops/{workshop.id}/registration").json["registered"] == 1
    assert second.post(f"/workshops/{workshop.id}/registration").status_code == 409
    assert (
        first.delete(f"/workshops/{workshop.id}/registration").json["registered"] == 0
    )
    assert second.post(f"/workshops/{workshop.id}/registration").status_code == 200


def test_listing_hides_invitation_only_workshops(visitor):
    public = make_workshop()
    make_workshop(access="invitation")
    listing = visitor.get("/workshops").json
    assert [w["id"] for w in listing["workshops"]] == [public.id]
    assert visitor.get("/workshops?when=someday").status_code == 422
    assert visitor.get("/workshops/99999999999").status_code == 404
