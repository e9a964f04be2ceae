"""API endpoints of the workshops: list, read, schedule, edit, cancel, register."""

from __future__ import annotations

from flask import jsonify, url_for
from flask_login import current_user, login_required

from forum.blueprints.api import bp
from forum.blueprints.api.inputs import ID, JsonBody, query_choice, query_page
from forum.services import reference, workshops

WORKSHOP_FIELDS = (
    "title",
    "description",
    "country",
    "themes",
    "language",
    "access",
    "capacity",
    "starts_at",
    "ends_at",
    "facilitators",
)


def workshop_dict(workshop) -> dict:
    """Describe a workshop as the API shows it."""
    return {
        "id": workshop.id,
        "title": workshop.title,
        "description": workshop.description_markdown,
        "description_html": workshop.description_html,
        "country": workshop.country_code,
        "themes": workshop.theme_slugs,
        "language": list(workshop.languages),
        "access": str(workshop.access),
        "capacity": workshop.capacity,
        "starts_at": workshop.starts_at.isoformat(),
        "ends_at": workshop.ends_at.isoformat(),
        "cancelled": workshop.is_cancelled,
        "phase": workshops.phase(workshop),
        "room_state": workshops.room_state(workshop),
        "room": workshop.room,
        "facilitators": [user.username for user in workshop.facilitators],
        "registered": workshops.registered_count(workshop),
        "url": url_for(
            "workshops.view_workshop", workshop_id=workshop.id, _external=True
        ),
    }


def _input(body: JsonBody, current: dict | None = None) -> dict:
    """Read the workshop fields, falling back on `current` for a partial edit."""
    current = current or {}

    def required(name, read):
        """Read a field that has no default unless the workshop already has it."""
        return read(name, current[name]) if name in current else read(name)

    language = body.data.get("language")
    return {
        "title": required("title", body.text),
        "description": body.text("description", current.get("description", "")),
        "country": required("country", body.text),
        "themes": required("themes", body.texts),
        # One language as a string, or several as a list.
        "language": [language]
        if isinstance(language, str)
        else required("language", body.texts),
        "access": body.text("access", current.get("access", "open")),
        "capacity": body.integer("capacity", current.get("capacity")),
        "starts_at": required("starts_at", body.text),
        "ends_at": required("ends_at", body.text),
        "facilitators": body.texts("facilitators", current.get("facilitators", [])),
    }


@bp.get("/workshops")
def list_workshops():
    """List upcoming, live or past workshops the caller may see."""
    listing = workshops.list_workshops(
        current_user,
        when=query_choice("when", workshops.WHEN, "upcoming"),
        country=query_choice("country", (c.code for c in reference.list_countries())),
        theme=query_choice("theme", (t.slug for t in reference.list_themes())),
        page=query_page(),
    )
    return jsonify(
        workshops=[workshop_dict(w) for w in listing.items],
        total=listing.total,
        page=listing.page,
        pages=listing.pages,
    )


@bp.post("/workshops")
@login_required
def create_workshop():
    """Schedule a workshop (organisers, moderators, admins)."""
    workshop = workshops.create_workshop(current_user, _input(JsonBody.read()))
    location = url_for("api.get_workshop", workshop_id=workshop.id)
    return jsonify(workshop_dict(workshop)), 201, {"Location": location}


@bp.get(f"/workshops/<{ID}:workshop_id>")
def get_workshop(workshop_id: int):
    """Return one workshop, with the name of its Socket.IO room."""
    return jsonify(workshop_dict(workshops.get_workshop(current_user, workshop_id)))


@bp.patch(f"/workshops/<{ID}:workshop_id>")
@login_required
def edit_workshop(workshop_id: int):
    """Change a workshop (its facilitators); missing fields keep their value."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    current = workshop_dict(workshop)
    data = _input(JsonBody.read(), current)
    return jsonify(workshop_dict(workshops.edit_workshop(current_user, workshop, data)))


@bp.post(f"/workshops/<{ID}:workshop_id>/cancel")
@login_required
def cancel_workshop(workshop_id: int):
    """Cancel a workshop (its facilitators), with an optional reason."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    reason = JsonBody.read().text("reason", "")
    return jsonify(
        workshop_dict(workshops.cancel_workshop(current_user, workshop, reason=reason))
    )


@bp.post(f"/workshops/<{ID}:workshop_id>/registration")
@login_required
def register(workshop_id: int):
    """Register the caller for a workshop."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    workshops.register(current_user, workshop)
    return jsonify(workshop_dict(workshop))


@bp.delete(f"/workshops/<{ID}:workshop_id>/registration")
@login_required
def unregister(workshop_id: int):
    """Cancel the caller's registration."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    workshops.unregister(current_user, workshop)
    return jsonify(workshop_dict(workshop))
