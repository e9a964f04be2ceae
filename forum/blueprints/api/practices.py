"""API endpoints of the library: practices, their edits and their review.

Every call goes through forum.services.practices and practice_review, so the
API is open to exactly the people the pages are open to: a draft is its
author's alone, and only moderators whose scope covers a practice review it.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import current_app, jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.blueprints.api import bp
from forum.blueprints.api.inputs import (
    ID,
    JsonBody,
    is_text,
    query_choice,
    query_page,
)
from forum.blueprints.api.serialise import practice_dict, practice_summary_dict
from forum.errors import ValidationError
from forum.i18n import SPOKEN_LANGUAGES
from forum.models import ActorType, Practice
from forum.services import adoptions, practice_review, practices, reference


class ReviewAction(NamedTuple):
    """A step of the review: its service, and the body field it takes, if any."""

    service: str
    summary: str
    field: str | None = None
    required: bool = False


PRACTICE_ACTIONS = {
    "submit": ReviewAction("submit_practice", "Send a draft to review (its author)"),
    "publish": ReviewAction(
        "publish_practice",
        "Publish a submitted practice, or the edit waiting on a published one",
        "comment",
    ),
    "request-changes": ReviewAction(
        "request_changes",
        "Send a practice (or an edit) back to its author with what to change",
        "comment",
        required=True,
    ),
    "reject": ReviewAction(
        "reject_practice",
        "Refuse a submitted practice (or discard an edit) with a reason",
        "reason",
        required=True,
    ),
}

# Fields of the JSON body, read with the type each must have.
TEXT_FIELDS = (
    "title",
    "summary",
    "country",
    "place",
    "language",
    "status",
    "organisation",
    "contact",
)
LIST_FIELDS = ("themes", "actor_types", "links")
YEAR_FIELDS = ("start_year", "end_year")


def _sections(body: JsonBody, current: dict) -> dict:
    sections = body.data["sections"]
    if not isinstance(sections, dict) or not all(
        value is None or is_text(value) for value in sections.values()
    ):
        raise ValidationError(
            _("The sections must be an object of texts."), field="sections"
        )
    return {**current, **{name: value or "" for name, value in sections.items()}}


def _content(body: JsonBody, base: dict | None = None) -> dict:
    """Return the input of clean_content: `base` with the fields the body sends."""
    data = dict(base or {})
    for name in TEXT_FIELDS:
        if name in body.data:
            data[name] = body.text(name, None)
    for name in LIST_FIELDS:
        if name in body.data:
            data[name] = body.texts(name, None)
    for name in YEAR_FIELDS:
        if name in body.data:
            data[name] = body.integer(name, None)
    if "sections" in body.data:
        data["sections"] = _sections(body, data.get("sections") or {})
    return data


def _described(practice: Practice):
    counts = adoptions.adoption_counts([practice])
    versions = practices.language_versions(current_user, practice)
    return jsonify(
        practice_dict(
            current_user,
            practice,
            adoptions=counts.get(practice.id, 0),
            versions=versions,
        )
    )


@bp.get("/practices")
def list_practices():
    """List published practices with the filters and sorts of the library."""
    listing = practices.list_practices(
        country=query_choice("country", (c.code for c in reference.list_countries())),
        theme=query_choice("theme", (t.slug for t in reference.list_themes())),
        actor_type=query_choice("actor_type", (kind.value for kind in ActorType)),
        language=query_choice("lang", SPOKEN_LANGUAGES),
        sort=query_choice("sort", practices.SORTS, "latest"),
        page=query_page(),
        per_page=current_app.config["PRACTICES_PER_PAGE"],
    )
    counts = adoptions.adoption_counts(listing.items)
    return jsonify(
        practices=[
            practice_summary_dict(practice, counts.get(practice.id, 0))
            for practice in listing.items
        ],
        total=listing.total,
        page=listing.page,
        pages=listing.pages,
    )


@bp.post("/practices")
@login_required
def create_practice():
    """Save a new draft practice (a translation with `original_id`)."""
    body = JsonBody.read()
    original_id = body.integer("original_id", None)
    original = None
    if original_id is not None:
        original = practices.get_practice(current_user, original_id)
    practice = practices.create_practice(
        current_user, _content(body), original=original
    )
    response = _described(practice)
    location = url_for("api.get_practice", practice_id=practice.id)
    return response, 201, {"Location": location}


@bp.get(f"/practices/<{ID}:practice_id>")
def get_practice(practice_id: int):
    """Return a practice the caller may see (contact details for members only)."""
    return _described(practices.get_practice(current_user, practice_id))


@bp.patch(f"/practices/<{ID}:practice_id>")
@login_required
def edit_practice(practice_id: int):
    """Change the fields sent; a published practice's edit may wait for review."""
    body = JsonBody.read()
    practice = practices.get_practice(current_user, practice_id)
    current = practices.pending_content(practice) or practices.snapshot(practice)
    minor = body.data.get("minor", False)
    if not isinstance(minor, bool):
        raise ValidationError(_("“minor” must be true or false."), field="minor")
    practices.edit_practice(
        current_user,
        practice,
        _content(body, practices.form_data(current)),
        minor=minor,
        note=body.text("note", ""),
    )
    return _described(practice)


def _review_view(name: str, action: ReviewAction):
    service = getattr(practice_review, action.service)

    def view(practice_id: int):
        body = JsonBody.read()
        practice = practices.get_practice(current_user, practice_id)
        extra = {action.field: body.text(action.field, "")} if action.field else {}
        service(current_user, practice, **extra)
        return _described(practice)

    view.__name__ = f"{name.replace('-', '_')}_practice"
    view.__doc__ = f"{action.summary}."
    return view


for _name, _action in PRACTICE_ACTIONS.items():
    bp.add_url_rule(
        f"/practices/<{ID}:practice_id>/{_name}",
        view_func=login_required(_review_view(_name, _action)),
        methods=["POST"],
    )
