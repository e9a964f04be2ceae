"""Forms of the account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length
from wtforms.validators import ValidationError as FieldError

from forum.errors import ValidationError
from forum.services.passwords import validate_password


def strong_password(form, field) -> None:
    """Apply the password rules while the other fields are checked, not after."""
    try:
        validate_password(field.data or "")
    except ValidationError as error:
        raise FieldError(error.message) from error


def valid_email() -> Email:
    """Check the address's form (not whether its domain receives mail)."""
    return Email(message=_l("Enter a valid email address."), check_deliverability=False)


class RegisterForm(FlaskForm):
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("Shown next to what you write. Your full name is best."),
    )
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(min=3, max=30)],
        description=_l("Others mention you with @username. Letters, digits, . - _"),
    )
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(), Length(max=254), valid_email()],
        description=_l("We send a link to confirm it. Never shown to others."),
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200), strong_password],
        description=_l("At least 10 characters. A short sentence is easy to remember."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"), validators=[DataRequired(), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=200)]
    )
    remember = BooleanField(_l("Keep me logged in on this device"))


class EmailForm(FlaskForm):
    email = EmailField(
        _l("Email address"), validators=[DataRequired(), Length(max=254)]
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=200), strong_password],
        description=_l("At least 10 characters. A short sentence is easy to remember."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=200)]
    )
