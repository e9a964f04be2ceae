"""GET /api/v1/search: the search page's results, facets and suggestion in JSON."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from flask import current_app

from forum.services import moderation
from tests.api.test_openapi import required_fields
from tests.factories import make_user
from tests.forum.factories import make_reply, make_thread
from tests.library.factories import make_practice
from tests.search.test_search_page import publish


def api(client, **args):
    return client.get("/api/v1/search", query_string=args)


def test_answer_describes_each_result(client):
    practice = publish(
        "Solar kiosks in Tunis",
        "Solar charging for street vendors.",
        country="TN",
        themes=["renewable-energy", "digital"],
        language="en",
    )

    response = api(client, q="solar", type="practice")

    assert response.status_code == 200
    body = response.json
    assert (body["total"], body["page"], body["pages"]) == (1, 1, 1)
    assert body["suggestion"] is None
    (result,) = body["results"]
    assert result["type"] == "practice"
    assert result["id"] == practice.id
    assert result["title"] == "Solar kiosks in Tunis"
    assert result["url"] == f"http://localhost/practices/{practice.id}"
    assert re.match(
        r'<mark class="match term\d+">Solar</mark> charging', result["snippet"]
    )
    assert result["language"] == "en"
    assert result["country"] == "TN"
    assert result["themes"] == ["renewable-energy", "digital"]
    assert datetime.fromisoformat(result["date"]).utcoffset() == timedelta(0)


def test_answer_carries_what_the_document_requires(client, app):
    publish("Solar kiosks", "Solar charging.")
    with app.test_request_context():
        from forum.blueprints.api.openapi import openapi_document

        document = openapi_document()
    body = api(client, q="solar").json
    assert required_fields(document, "SearchResults") <= set(body)
    for result in body["results"]:
        assert required_fields(document, "SearchResult") <= set(result)


def test_facets_count_every_filter_and_combine(client):
    publish("Solar roofs", "Solar panels.", country="TN", start_year=2018)
    publish(
        "Solar kiosks",
        "Solar charging.",
        country="TN",
        themes=["digital"],
        actor_types=["training_provider"],
        status="completed",
    )
    publish("Solar pumps", "Solar irrigation.", country="MA", language="fr")
    make_thread(title="Solar prices", body="Solar panels are cheaper.", country="FR")

    facets = api(client, q="solar").json["facets"]
    assert facets["type"] == {"practice": 3, "thread": 4}
    assert facets["country"] == {"TN": 4, "FR": 1, "MA": 2}
    assert facets["status"] == {"ongoing": 2, "completed": 1}
    assert facets["year"] == {"2019": 2, "2018": 1}
    assert facets["actor_type"]["training_provider"] == 1
    assert facets["lang"] == {"en": 5, "fr": 2}

    tunisia = api(client, q="solar", type="practice", country="TN").json
    assert tunisia["total"] == 2
    assert tunisia["facets"]["country"] == {"TN": 2, "MA": 1}
    assert tunisia["facets"]["type"] == {"practice": 2, "thread": 2}
    assert api(client, q="solar", type="practice", country="TN,MA").json["total"] == 3
    assert api(client, q="solar", country="TN", status="completed").json["total"] == 1
    assert api(client, q="solar", year="2018", lang="en").json["total"] == 1


def test_results_are_paged(client):
    for number in range(7):
        make_thread(title=f"Compost {number}", body="Compost bins.")
    first = api(client, q="compost", per_page="5").json
    second = api(client, q="compost", per_page="5", page="2").json
    assert (first["total"], first["pages"], len(first["results"])) == (7, 2, 5)
    assert len(second["results"]) == 2
    assert api(client, q="compost", page="3", per_page="5").json["results"] == []


def test_sort_by_date(client):
    old = make_thread(title="Compost compost compost", body="Compost compost.")
    new = make_thread(title="Gardens", body="Some compost.")
    by_relevance = [r["id"] for r in api(client, q="compost").json["results"]]
    by_date = [r["id"] for r in api(client, q="compost", sort="date").json["results"]]
    assert by_relevance == [old.id, new.id]
    assert by_date == [new.id, old.id]


def test_suggestion_for_a_misspelling(client):
    publish("Beekeeping cooperative", "Hives and honey.")
    body = api(client, q="beekeepinng").json
    assert body["total"] == 0
    assert body["suggestion"] == "beekeeping"


@pytest.mark.parametrize(
    "args",
    [
        {"q": '"'},
        {"q": "()"},
        {"page": "0"},
        {"page": "abc"},
        {"page": "9" * 5000},
        {"per_page": "1000"},
        {"type": "people"},
        {"sort": "sideways"},
        {"year": "twenty"},
        {"q": "olive " * 100},
    ],
)
def test_bad_arguments_get_a_400_with_a_message(client, args):
    response = api(client, **args)
    assert response.status_code == 400
    assert response.json["error"] in {"bad_request", "bad_query"}
    assert response.json["message"]


def test_syntax_error_says_so(client):
    response = api(client, q="()")
    assert response.status_code == 400
    assert response.json["error"] == "bad_query"


def test_unknown_filter_values_simply_match_nothing(client):
    publish("Solar roofs", "Solar panels.")
    body = api(client, q="solar", country="ZZ").json
    assert body["total"] == 0
    assert body["facets"]["country"] == {"TN": 2, "ZZ": 0}
    assert api(client, q="solar", actor_type="astronaut").json["total"] == 0


def test_nothing_unpublished_or_hidden_is_returned(client):
    moderator = make_user(role="moderator")
    make_practice(title="Saffron draft", country="MA")
    thread = make_thread(title="Olive mills", body="Olive mills.", country="JO")
    hidden = make_reply(thread, body="Saffron tractors, call now.")
    with current_app.test_request_context():
        moderation.hide_post(moderator, hidden, reason="Advertising")

    body = api(client, q="saffron").json
    assert (body["total"], body["results"]) == (0, [])
    assert all(counts == {} for counts in body["facets"].values())
    assert api(client, q="tractorz").json["suggestion"] is None
