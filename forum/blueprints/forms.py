"""Helpers shared by the forms of every area."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from forum.errors import ValidationError


def attach_error(form: FlaskForm, error: ValidationError) -> None:
    """Show a service's validation error next to the field it concerns.

    A form whose field is named differently from the service's argument says
    so in `service_fields` (service name -> form field name).
    """
    name = getattr(form, "service_fields", {}).get(error.field, error.field)
    field = getattr(form, name, None) if name else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


class Outcome:
    """What a service call from a form gave: its value, or an error on the form."""

    def __init__(self, ok: bool, value=None):
        self.ok = ok
        self.value = value


def submit(form: FlaskForm, service, *args, **kwargs) -> Outcome:
    """Call a service for a form; a ValidationError is shown on the form."""
    try:
        return Outcome(True, service(*args, **kwargs))
    except ValidationError as error:
        attach_error(form, error)
        return Outcome(False)


def form_status(form: FlaskForm) -> int:
    """Return 422 when a submitted form has errors, else 200."""
    has_errors = bool(form.errors) or bool(getattr(form, "form_errors", None))
    return 422 if has_errors else 200


def choices(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into the options of a select or checkbox list."""
    return [SelectChoice(str(value), label) for value, label in pairs]
