"""Forms for scheduling workshops and for the room's plain (no-JavaScript) posting."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from forum.blueprints.forms import choices
from forum.blueprints.forum.forms import MARKDOWN_HINT
from forum.blueprints.users.forms import CheckboxListField
from forum.i18n import SPOKEN_LANGUAGES
from forum.labels import WORKSHOP_ACCESS_LABELS
from forum.services.reference import list_countries, list_themes


class WorkshopForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Description and agenda"),
        validators=[Length(max=20_000)],
        description=MARKDOWN_HINT,
        render_kw={"rows": 8},
    )
    country = SelectField(_l("Country"))
    themes = CheckboxListField(_l("Themes (one to three)"))
    languages = CheckboxListField(_l("Languages spoken"))
    starts_at = DateTimeLocalField(
        _l("Starts at"),
        validators=[DataRequired(message=_l("Give the date and time."))],
        description=_l("In your time zone (%(zone)s)."),
    )
    ends_at = DateTimeLocalField(
        _l("Ends at"), validators=[DataRequired(message=_l("Give the date and time."))]
    )
    access = SelectField(_l("Who may take part"))
    capacity = StringField(
        _l("Number of places"),
        validators=[Optional(), Length(max=6)],
        description=_l("Only for open registration. Leave empty for no limit."),
    )
    facilitators = StringField(
        _l("Facilitators"),
        validators=[Length(max=500)],
        description=_l("Usernames separated by commas. You facilitate if empty."),
    )
    submit = SubmitField(_l("Save the workshop"))

    def fill_choices(self, locale: str, zone: str) -> None:
        """Fill the lists, named in the page's language."""
        self.country.choices = choices(
            (c.code, c.name_in(locale)) for c in list_countries()
        )
        self.themes.choices = choices(
            (t.slug, t.name_in(locale)) for t in list_themes()
        )
        self.languages.choices = choices(SPOKEN_LANGUAGES.items())
        self.access.choices = choices(
            (value, str(label)) for value, label in WORKSHOP_ACCESS_LABELS.items()
        )
        self.starts_at.description = self.starts_at.description % {"zone": zone}

    def service_data(self, zone: str) -> dict:
        """Return the fields as the workshop service expects them."""
        return {
            "title": self.title.data,
            "description": self.description.data,
            "country": self.country.data,
            "themes": self.themes.data or [],
            "languages": self.languages.data or [],
            "starts_at": _aware(self.starts_at.data, zone),
            "ends_at": _aware(self.ends_at.data, zone),
            "access": self.access.data,
            "capacity": self.capacity.data,
            "facilitators": [
                name.strip() for name in (self.facilitators.data or "").split(",")
            ],
        }


def _aware(moment: datetime | None, zone: str) -> datetime | None:
    return moment.replace(tzinfo=ZoneInfo(zone)) if moment else None


class InviteForm(FlaskForm):
    # The invitation service reports unknown names as "facilitators".
    service_fields = {"facilitators": "usernames"}

    usernames = StringField(
        _l("Invite members"),
        validators=[
            DataRequired(message=_l("Give at least one username.")),
            Length(max=2000),
        ],
        description=_l("Usernames separated by commas."),
    )
    submit = SubmitField(_l("Invite"))


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (shown on the workshop page)"), validators=[Length(max=2000)]
    )
    submit = SubmitField(_l("Cancel the workshop"))


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        validators=[DataRequired(), Length(max=4000)],
        description=MARKDOWN_HINT,
        render_kw={"rows": 3},
    )
    client_id = HiddenField()
    submit = SubmitField(_l("Send"))


class SummaryForm(FlaskForm):
    summary = TextAreaField(
        _l("Summary of the workshop"),
        validators=[DataRequired(), Length(max=20_000)],
        description=_l(
            "What was decided, who does what next. It is published as a forum "
            "discussion in the workshop's country and themes."
        ),
        render_kw={"rows": 10},
    )
    submit = SubmitField(_l("Publish the summary in the forum"))
