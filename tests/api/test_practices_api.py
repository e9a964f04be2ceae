"""The practices API: drafts, edits and review, open to the same people as the pages."""

from __future__ import annotations

import pytest
from flask import current_app

from forum.blueprints.api.openapi import openapi_document
from forum.extensions import db
from forum.models import Country
from forum.services import adoptions
from tests.api.test_api import assert_json_error
from tests.api.test_openapi import required_fields
from tests.factories import make_user
from tests.library.factories import (
    make_practice,
    make_published_practice,
    practice_data,
)


@pytest.fixture
def app_config() -> dict:
    return {"POSTS_NEEDING_APPROVAL": 0, "PRACTICES_PER_PAGE": 2}


def scoped_moderator(code: str):
    """A moderator of one country only."""
    return make_user(role="moderator", scope_countries=[db.session.get(Country, code)])


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json
    return {item["id"] for item in response.json["practices"]}


# Listing and reading ------------------------------------------------------------


def test_list_shows_published_practices_filtered_like_the_library(visitor, author):
    tunis = make_published_practice(author, country="TN")
    souss = make_published_practice(
        author,
        country="MA",
        themes=["digital"],
        actor_types=["training_provider"],
        language="fr",
    )
    make_practice(author, country="TN")  # a draft

    everything = visitor.get("/practices")
    assert (everything.json["total"], everything.json["pages"]) == (2, 1)
    assert ids(everything) == {tunis.id, souss.id}
    assert ids(visitor.get("/practices?country=TN")) == {tunis.id}
    assert ids(visitor.get("/practices?theme=digital")) == {souss.id}
    assert ids(visitor.get("/practices?actor_type=training_provider")) == {souss.id}
    assert ids(visitor.get("/practices?lang=fr")) == {souss.id}
    assert_json_error(visitor.get("/practices?country=ZZ"), 422, "invalid")
    assert_json_error(visitor.get("/practices?page=0"), 422, "invalid")


def test_list_is_paged(visitor, author):
    for _ in range(3):
        make_published_practice(author)
    first = visitor.get("/practices").json
    second = visitor.get("/practices?page=2").json
    assert (first["total"], first["pages"], len(first["practices"])) == (3, 2, 2)
    assert len(second["practices"]) == 1


def test_summary_describes_the_practice(visitor, author):
    practice = make_published_practice(author, place="Sfax", start_year=2019)
    with current_app.test_request_context():
        adoptions.record_adoption(
            make_user(), practice, kind="adopted", organisation="Coop Nour"
        )

    (item,) = visitor.get("/practices").json["practices"]

    assert item["id"] == practice.id
    assert item["url"] == f"http://localhost/practices/{practice.id}"
    assert item["country"] == "TN"
    assert item["place"] == "Sfax"
    assert item["themes"] == ["social-finance"]
    assert item["actor_types"] == ["sse_enterprise", "public_administration"]
    assert (item["start_year"], item["end_year"]) == (2019, None)
    assert (item["status"], item["state"]) == ("ongoing", "published")
    assert item["adoptions"] == 1
    assert item["published_at"].endswith("+00:00")


def test_contact_is_shown_to_members_only(api_as, visitor, author):
    practice = make_published_practice(author)
    assert visitor.get(f"/practices/{practice.id}").json["contact"] is None
    member_view = api_as(make_user()).get(f"/practices/{practice.id}").json
    assert member_view["contact"] == "contact@elamal.example"
    assert member_view["sections"]["results"].startswith("Prices fell")
    assert member_view["discussion_url"] == (
        f"http://localhost/threads/{practice.thread_id}"
    )
    assert member_view["review_comment"] is None  # not the author's business


def test_draft_is_its_authors_alone(api_as, visitor, author, moderator):
    draft = make_practice(author)
    assert api_as(author).get(f"/practices/{draft.id}").json["state"] == "draft"
    for outsider in (visitor, api_as(make_user()), api_as(moderator)):
        assert_json_error(outsider.get(f"/practices/{draft.id}"), 404, "not_found")
    assert_json_error(visitor.get("/practices/2147483647"), 404)
    assert visitor.get("/practices/99999999999999999999").status_code == 404


# Writing ------------------------------------------------------------------------


def test_member_creates_a_draft(api_as, author):
    response = api_as(author).post("/practices", json=practice_data(title="Seed bank"))

    assert response.status_code == 201
    body = response.json
    assert response.headers["Location"] == f"/api/v1/practices/{body['id']}"
    assert (body["title"], body["state"]) == ("Seed bank", "draft")
    assert body["author"]["username"] == "karim"
    assert body["contact"] == "contact@elamal.example"
    assert body["sections_html"]["results"].startswith("<p>Prices fell")


def test_creating_needs_an_account(visitor):
    assert_json_error(visitor.post("/practices", json=practice_data()), 401)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": ""}, "title"),
        ({"themes": "social-finance"}, "themes"),
        ({"themes": [1, 2]}, "themes"),
        ({"sections": ["context"]}, "sections"),
        ({"sections": {"context": 12}}, "sections"),
        ({"start_year": "2019"}, "start_year"),
        ({"start_year": 1066}, "start_year"),
        ({"actor_types": ["astronaut"]}, "actor_types"),
        ({"country": "ZZ"}, "country"),
        ({"links": ["javascript:alert(1)"]}, "links"),
        ({"title": "x\x00y"}, "title"),
    ],
)
def test_wrong_fields_get_a_422(api_as, author, changes, field):
    response = api_as(author).post("/practices", json=practice_data(**changes))
    assert_json_error(response, 422, "invalid")


def test_body_that_is_not_a_json_object_gets_a_400(api_as, author):
    client = api_as(author)
    assert_json_error(client.post("/practices", data="{nope"), 400)
    assert_json_error(client.post("/practices", json=["title"]), 400)


def test_session_writes_need_the_csrf_token(client, member, auth):
    auth.login(member.email)
    response = client.post("/api/v1/practices", json=practice_data())
    assert response.status_code == 400


def test_patch_changes_only_the_fields_sent(api_as, author):
    draft = make_practice(author, place="Sfax")
    response = api_as(author).patch(
        f"/practices/{draft.id}",
        json={"title": "Renamed", "sections": {"difficulties": "Heat in summer."}},
    )
    assert response.status_code == 200
    body = response.json
    assert (body["title"], body["place"]) == ("Renamed", "Sfax")
    assert body["sections"]["difficulties"] == "Heat in summer."
    assert body["sections"]["context"].startswith("Families")


def test_others_cannot_patch(api_as, author):
    practice = make_published_practice(author)
    response = api_as(make_user()).patch(
        f"/practices/{practice.id}", json={"title": "Mine now"}
    )
    assert_json_error(response, 403, "forbidden")


def test_translation_links_to_its_original(api_as, author):
    original = make_published_practice(author)
    client = api_as(make_user())
    response = client.post(
        "/practices",
        json=practice_data(title="Épicerie solidaire", language="fr")
        | {"original_id": original.id},
    )
    assert response.status_code == 201
    assert response.json["original_id"] == original.id
    translations = api_as(author).get(f"/practices/{original.id}").json["translations"]
    assert translations == []  # a draft translation is its author's alone
    assert client.get(f"/practices/{original.id}").json["translations"] == [
        {"id": response.json["id"], "language": "fr"}
    ]


# Review ----------------------------------------------------------------------------


def test_review_workflow_through_the_api(api_as, visitor, author):
    writer = api_as(author)
    practice_id = writer.post("/practices", json=practice_data(country="TN")).json["id"]
    path = f"/practices/{practice_id}"
    in_scope = api_as(scoped_moderator("TN"))
    elsewhere = api_as(scoped_moderator("MA"))

    assert_json_error(api_as(make_user()).post(f"{path}/submit"), 404)
    assert writer.post(f"{path}/submit").json["state"] == "submitted"
    assert_json_error(writer.post(f"{path}/submit"), 422)  # not a draft any more
    assert_json_error(writer.post(f"{path}/publish"), 403, "forbidden")
    assert_json_error(elsewhere.get(path), 404)
    assert_json_error(elsewhere.post(f"{path}/publish"), 404)
    assert_json_error(in_scope.post(f"{path}/request-changes"), 422)

    sent_back = in_scope.post(
        f"{path}/request-changes", json={"comment": "Add the 2023 figures."}
    ).json
    assert sent_back["state"] == "changes_requested"
    assert writer.get(path).json["review_comment"] == "Add the 2023 figures."

    writer.patch(path, json={"sections": {"results": "Prices fell 18% in 2023."}})
    assert writer.post(f"{path}/submit").status_code == 200
    published = in_scope.post(f"{path}/publish", json={"comment": "Thank you"}).json
    assert published["state"] == "published"
    assert published["discussion_url"].startswith("http://localhost/threads/")
    assert visitor.get(path).json["sections"]["results"] == "Prices fell 18% in 2023."
    assert visitor.get(path).json["review_comment"] is None


def test_reject_needs_a_reason(api_as, author):
    practice = make_practice(author)
    api_as(author).post(f"/practices/{practice.id}/submit")
    moderator = api_as(scoped_moderator("TN"))
    path = f"/practices/{practice.id}/reject"
    assert_json_error(moderator.post(path, json={"reason": "  "}), 422)
    rejected = moderator.post(path, json={"reason": "An event, not a practice."})
    assert rejected.json["state"] == "rejected"
    assert api_as(author).get(f"/practices/{practice.id}").json["review_comment"] == (
        "An event, not a practice."
    )


def test_edit_of_a_published_practice_waits_for_a_moderator_in_scope(
    api_as, visitor, author
):
    practice = make_published_practice(author, country="TN")
    path = f"/practices/{practice.id}"
    writer = api_as(author)

    proposed = writer.patch(
        path, json={"sections": {"results": "Prices fell by a third."}}
    ).json
    assert proposed["pending_edit"] == "pending"
    assert proposed["sections"]["results"].startswith("Prices fell by 18")
    assert visitor.get(path).json["pending_edit"] is None

    assert_json_error(api_as(scoped_moderator("MA")).post(f"{path}/publish"), 403)
    assert_json_error(api_as(make_user()).post(f"{path}/publish"), 403)
    assert_json_error(writer.post(f"{path}/publish"), 403)

    accepted = api_as(scoped_moderator("TN")).post(f"{path}/publish").json
    assert accepted["pending_edit"] is None
    assert visitor.get(path).json["sections"]["results"] == "Prices fell by a third."


def test_minor_edit_is_published_at_once(api_as, author):
    practice = make_published_practice(author, title="Solidarity grocrey")
    path = f"/practices/{practice.id}"
    writer = api_as(author)

    fixed = writer.patch(
        path, json={"title": "Solidarity grocery", "minor": True, "note": "Typo"}
    ).json
    assert (fixed["title"], fixed["pending_edit"]) == ("Solidarity grocery", None)

    too_big = writer.patch(
        path, json={"summary": "A wholly different summary " * 10, "minor": True}
    )
    assert_json_error(too_big, 422)
    assert_json_error(writer.patch(path, json={"minor": "yes"}), 422)


def test_answers_carry_the_fields_the_document_requires(app, api_as, author):
    practice = make_published_practice(author)
    with app.test_request_context():
        document = openapi_document()
    listing = api_as(author).get("/practices").json
    one = api_as(author).get(f"/practices/{practice.id}").json
    assert required_fields(document, "PracticeList") <= set(listing)
    assert required_fields(document, "PracticeSummary") <= set(listing["practices"][0])
    assert required_fields(document, "Practice") <= set(one)
