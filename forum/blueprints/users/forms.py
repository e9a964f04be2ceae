"""Forms of the profile and settings pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from forum.blueprints.forms import choices
from forum.i18n import LANGUAGE_NAMES, SPOKEN_LANGUAGES, timezone_choices
from forum.labels import ACTOR_TYPE_LABELS, EMAIL_NOTIFICATION_LABELS
from forum.services.reference import list_countries


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _in_own_language(names: dict[str, str]) -> list[SelectChoice]:
    """Options naming each language in itself, marked with its `lang`."""
    return [SelectChoice(code, name, {"lang": code}) for code, name in names.items()]


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=80)]
    )
    organisation = StringField(_l("Organisation"), validators=[Length(max=150)])
    actor_type = SelectField(_l("Type of organisation"))
    country = SelectField(_l("Country"), validators=[Optional()])
    languages = CheckboxListField(_l("Languages you speak"), validators=[Optional()])
    bio = TextAreaField(
        _l("About you"),
        validators=[Length(max=2000)],
        description=_l("A few lines about your work. Markdown is allowed."),
    )
    locale = SelectField(_l("Language of the site"))
    timezone = SelectField(
        _l("Time zone"), description=_l("Dates and workshop times are shown in it.")
    )
    email_notifications = SelectField(
        _l("Email notifications"),
        choices=choices(EMAIL_NOTIFICATION_LABELS.items()),
        validators=[Optional()],
        description=_l("Notifications always appear on the site; emails are optional."),
    )

    def fill_choices(self, locale: str) -> None:
        """Fill the lists from reference data, named in the page's language."""
        self.actor_type.choices = choices(
            (k.value, v) for k, v in ACTOR_TYPE_LABELS.items()
        )
        self.country.choices = choices(
            [("", _l("Not said"))]
            + [(c.code, c.name_in(locale)) for c in list_countries()]
        )
        self.languages.choices = _in_own_language(SPOKEN_LANGUAGES)
        self.locale.choices = _in_own_language(LANGUAGE_NAMES)
        self.timezone.choices = choices(
            (tz, tz.replace("_", " ")) for tz in timezone_choices()
        )


class TokenForm(FlaskForm):
    name = StringField(
        _l("What is the token for?"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("For example: our newsletter robot."),
    )


class EraseAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password, to confirm"), validators=[DataRequired(), Length(max=200)]
    )
