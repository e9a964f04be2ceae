"""What the library's buttons share: calling a service and going back."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from forum.blueprints.forms import Outcome
from forum.blueprints.redirects import safe_next
from forum.errors import ValidationError


def attempt(service, *args, **kwargs) -> Outcome:
    """Call a service for a button; a ValidationError becomes a flashed message."""
    try:
        return Outcome(True, service(*args, **kwargs))
    except ValidationError as error:
        flash(error.message, "error")
        return Outcome(False)


def back_to_practice(practice_id: int, anchor: str | None = None):
    """Redirect to the page the form came from, else to the practice."""
    target = request.form.get("next")
    if target:
        return redirect(safe_next(target))
    return redirect(
        url_for("library.view_practice", practice_id=practice_id, _anchor=anchor)
    )
