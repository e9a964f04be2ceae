"""Practices made through the services, as a member and a moderator would."""

from __future__ import annotations

from itertools import count

from flask import current_app

from forum.models import Practice, User
from forum.services import practice_review, practices
from tests.factories import make_user

_numbers = count(1)


def practice_data(**overrides) -> dict:
    """Return complete, valid input for a practice (override any field)."""
    number = next(_numbers)
    data = {
        "title": f"Solidarity grocery number {number}",
        "summary": "A cooperative grocery run by its members sells local food.",
        "sections": {
            "context": "Families in the district lacked affordable fresh food.",
            "actions": "Forty households founded a cooperative grocery in 2019.",
            "actors": "The municipality lent the premises; a mutual insured it.",
            "resources": "A budget of 30,000 euros, two staff, a regional grant.",
            "results": "Prices fell by 18 percent for 400 member families.",
            "difficulties": "Finding volunteers for the evening shifts.",
            "transfer": "A building lent by a public body and a founding group.",
        },
        "country": "TN",
        "place": "Sfax",
        "themes": ["social-finance"],
        "actor_types": ["sse_enterprise", "public_administration"],
        "language": "en",
        "start_year": 2019,
        "end_year": None,
        "status": "ongoing",
        "organisation": "Coopérative El Amal",
        "contact": "contact@elamal.example",
        "links": ["https://elamal.example/grocery"],
    }
    data.update(overrides)
    return data


def make_practice(author: User | None = None, **overrides) -> Practice:
    """Save a draft practice through the service."""
    with current_app.test_request_context():
        return practices.create_practice(
            author or make_user(), practice_data(**overrides)
        )


def make_published_practice(
    author: User | None = None, moderator: User | None = None, **overrides
) -> Practice:
    """Write, submit and publish a practice through the services."""
    practice = make_practice(author, **overrides)
    with current_app.test_request_context():
        practice_review.submit_practice(practice.author, practice)
        return practice_review.publish_practice(
            moderator or make_user(role="moderator"), practice
        )


def practice_form(**overrides) -> dict:
    """Return what a member types into the practice form (override any field)."""
    data = practice_data()
    fields = {key: value for key, value in data.items() if key != "sections"}
    fields.update(data["sections"])
    fields["links"] = "\n".join(data["links"])
    fields["end_year"] = ""
    fields.update(overrides)
    return fields
