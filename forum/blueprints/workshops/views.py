"""Workshop pages (first slice: the room's page with its history)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from forum.blueprints.workshops import bp
from forum.services import chat, workshops


@bp.route("/workshops/<int:workshop_id>/room")
@login_required
def view_room(workshop_id: int):
    """Show a workshop's room: its recent history (the live client adds the rest)."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    chat.require_entry(current_user, workshop)
    return render_template(
        "workshops/room.html",
        workshop=workshop,
        messages=chat.history(workshop),
        state=workshops.room_state(workshop),
    )
