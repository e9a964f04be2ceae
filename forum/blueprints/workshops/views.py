"""Workshop pages: lists, details, scheduling, registration, calendars, the room."""

from __future__ import annotations

import secrets

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.blueprints.forms import form_status, submit
from forum.blueprints.paging import page_number
from forum.blueprints.workshops import bp
from forum.blueprints.workshops.forms import (
    CancelForm,
    InviteForm,
    MessageForm,
    WorkshopForm,
)
from forum.errors import PermissionDenied
from forum.i18n import current_locale_code
from forum.services import calendars, chat, reference, workshops


def _zone() -> str:
    return str(get_timezone())


@bp.route("/workshops")
def list_workshops():
    """List upcoming, live or past workshops, by country and theme."""
    when = request.args.get("when", "upcoming")
    when = when if when in workshops.WHEN else "upcoming"
    country = request.args.get("country") or None
    theme = request.args.get("theme") or None
    listing = workshops.list_workshops(
        current_user, when=when, country=country, theme=theme, page=page_number()
    )
    return render_template(
        "workshops/list.html",
        listing=listing,
        when=when,
        country=country,
        theme=theme,
        countries=reference.list_countries(),
        themes=reference.list_themes(),
        can_organise=workshops.can_organise(current_user),
    )


@bp.route("/workshops/new", methods=["GET", "POST"])
@login_required
def new_workshop():
    """Schedule a workshop."""
    if not workshops.can_organise(current_user):
        raise PermissionDenied(_("Only organisers can schedule workshops."))
    form = WorkshopForm(languages=[current_locale_code()])
    form.fill_choices(current_locale_code(), _zone())
    if form.validate_on_submit():
        outcome = submit(
            form, workshops.create_workshop, current_user, form.service_data(_zone())
        )
        if outcome.ok:
            flash(_("The workshop is scheduled."), "success")
            return redirect(
                url_for("workshops.view_workshop", workshop_id=outcome.value.id)
            )
    return render_template(
        "workshops/edit.html", form=form, workshop=None
    ), form_status(form)


@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@login_required
def edit_workshop(workshop_id: int):
    """Change a workshop's details."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    if not workshops.is_facilitator(current_user, workshop):
        raise PermissionDenied(_("Only the workshop's facilitators can change it."))
    form = WorkshopForm(obj=None, data=_form_values(workshop))
    form.fill_choices(current_locale_code(), _zone())
    if form.validate_on_submit():
        outcome = submit(
            form,
            workshops.edit_workshop,
            current_user,
            workshop,
            form.service_data(_zone()),
        )
        if outcome.ok:
            flash(_("The workshop is updated."), "success")
            return redirect(url_for("workshops.view_workshop", workshop_id=workshop.id))
    return render_template(
        "workshops/edit.html", form=form, workshop=workshop
    ), form_status(form)


def _form_values(workshop) -> dict:
    zone = get_timezone()
    return {
        "title": workshop.title,
        "description": workshop.description_markdown,
        "country": workshop.country_code,
        "themes": workshop.theme_slugs,
        "languages": list(workshop.languages),
        "starts_at": workshop.starts_at.astimezone(zone).replace(tzinfo=None),
        "ends_at": workshop.ends_at.astimezone(zone).replace(tzinfo=None),
        "access": str(workshop.access),
        "capacity": str(workshop.capacity or ""),
        "facilitators": ", ".join(u.username for u in workshop.facilitators),
    }


@bp.route("/workshops/<int:workshop_id>")
def view_workshop(workshop_id: int):
    """Show a workshop: when, who, how to take part."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    return _workshop_page(workshop)


def _workshop_page(
    workshop,
    *,
    invite_form: InviteForm | None = None,
    cancel_form: CancelForm | None = None,
    status=200,
):
    facilitator = workshops.is_facilitator(current_user, workshop)
    page = render_template(
        "workshops/workshop.html",
        workshop=workshop,
        phase=workshops.phase(workshop),
        state=workshops.room_state(workshop),
        place=workshops.participation(current_user, workshop),
        may_enter=workshops.may_enter(current_user, workshop),
        facilitator=facilitator,
        registered=workshops.registered_count(workshop),
        # Facilitators only: a form's CSRF token would make the page
        # personal, and so uncacheable for visitors (forum.page_cache).
        invite_form=(invite_form or InviteForm()) if facilitator else None,
        cancel_form=(cancel_form or CancelForm()) if facilitator else None,
    )
    return page, status


@bp.route("/workshops/<int:workshop_id>/register", methods=["POST"])
@login_required
def register(workshop_id: int):
    """Take a place in a workshop."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    workshops.register(current_user, workshop)
    flash(_("You are registered. We will remind you before it starts."), "success")
    return redirect(url_for("workshops.view_workshop", workshop_id=workshop.id))


@bp.route("/workshops/<int:workshop_id>/unregister", methods=["POST"])
@login_required
def unregister(workshop_id: int):
    """Give one's place back."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    workshops.unregister(current_user, workshop)
    flash(_("Your registration is cancelled."), "info")
    return redirect(url_for("workshops.view_workshop", workshop_id=workshop.id))


@bp.route("/workshops/<int:workshop_id>/invite", methods=["POST"])
@login_required
def invite(workshop_id: int):
    """Invite members (facilitators)."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    form = InviteForm()
    if form.validate_on_submit():
        names = form.usernames.data.split(",")
        outcome = submit(form, workshops.invite, current_user, workshop, names)
        if outcome.ok:
            flash(_("%(n)d members invited.", n=len(outcome.value)), "success")
            return redirect(url_for("workshops.view_workshop", workshop_id=workshop.id))
    # Shown again with the error and the names as typed.
    return _workshop_page(workshop, invite_form=form, status=422)


@bp.route("/workshops/<int:workshop_id>/cancel", methods=["POST"])
@login_required
def cancel(workshop_id: int):
    """Cancel a workshop (facilitators)."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    form = CancelForm()
    if not form.validate_on_submit():
        # Shown again with the error and the reason as typed.
        return _workshop_page(workshop, cancel_form=form, status=422)
    workshops.cancel_workshop(current_user, workshop, reason=form.reason.data)
    flash(_("The workshop is cancelled."), "info")
    return redirect(url_for("workshops.view_workshop", workshop_id=workshop.id))


@bp.route("/workshops/<int:workshop_id>.ics")
def workshop_calendar(workshop_id: int):
    """Download one workshop as an iCalendar event."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    return _ics(calendars.calendar_of([workshop]), f"workshop-{workshop.id}.ics")


@bp.route("/workshops/calendar.ics")
def calendar_feed():
    """Subscribe to every public workshop (optionally of one country)."""
    country = request.args.get("country") or None
    return _ics(
        calendars.calendar_of(workshops.calendar_workshops(country=country)),
        "agora-workshops.ics",
        inline=True,
    )


def _ics(body: bytes, filename: str, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


@bp.route("/workshops/<int:workshop_id>/room", methods=["GET", "POST"])
@login_required
def view_room(workshop_id: int):
    """Show a room's history; without JavaScript, a plain form posts messages."""
    workshop = workshops.get_workshop(current_user, workshop_id)
    chat.require_entry(current_user, workshop)
    form = MessageForm(client_id=secrets.token_hex(8))
    if form.validate_on_submit():
        outcome = submit(
            form,
            chat.post_message,
            current_user,
            workshop,
            body=form.body.data,
            client_id=form.client_id.data or secrets.token_hex(8),
        )
        if outcome.ok:
            return redirect(url_for("workshops.view_room", workshop_id=workshop.id))
    return render_template(
        "workshops/room.html",
        workshop=workshop,
        messages=chat.history(workshop),
        state=workshops.room_state(workshop),
        form=form,
        facilitator=workshops.is_facilitator(current_user, workshop),
    ), form_status(form)
