"""Forms of the administration area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from forum.blueprints.forms import choices
from forum.blueprints.users.forms import CheckboxListField
from forum.i18n import LANGUAGE_NAMES
from forum.labels import ROLE_LABELS


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class MemberDataForm(FlaskForm):
    """Why an administrator downloads a member's data (kept in the audit log)."""

    reason = TextAreaField(
        _l("Reason"),
        id="data-reason",
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2, "maxlength": 2000, "dir": "auto"},
    )


class SuspendForm(FlaskForm):
    until = DateTimeLocalField(
        _l("Suspended until"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l(
            "In your time zone. Leave empty for no end (administrators only)."
        ),
    )
    reason = TextAreaField(
        _l("Reason, shown to the member"),
        validators=[DataRequired(), Length(max=2000)],
    )


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"), choices=choices((k.value, v) for k, v in ROLE_LABELS.items())
    )
    everywhere = BooleanField(_l("Moderates everywhere (global moderator)"))
    countries = CheckboxListField(
        _l("Moderates these countries"), validators=[Optional()]
    )
    themes = CheckboxListField(_l("Moderates these themes"), validators=[Optional()])
    can_organise = BooleanField(_l("May organise workshops"))
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class NamesForm(FlaskForm):
    """Names in every UI language; fields name_en, name_fr, ... are added below."""

    active = BooleanField(_l("In use (untick to retire it)"), default=True)

    def names(self) -> dict:
        return {lang: getattr(self, f"name_{lang}").data for lang in LANGUAGE_NAMES}

    def descriptions(self) -> dict:
        return {
            lang: getattr(self, f"description_{lang}").data for lang in LANGUAGE_NAMES
        }


def _add_language_fields(form_class, prefix: str, label, max_length: int, field):
    """Add one field per UI language, labelled with the language and typed in it.

    `label` takes the language's name and returns the field's label.
    """
    for lang, language in LANGUAGE_NAMES.items():
        required = lang == "en" and prefix == "name"
        setattr(
            form_class,
            f"{prefix}_{lang}",
            field(
                label(language),
                validators=[
                    DataRequired() if required else Optional(),
                    Length(max=max_length),
                ],
                render_kw={"lang": lang, "dir": "rtl" if lang == "ar" else "ltr"},
            ),
        )


class CountryForm(NamesForm):
    code = StringField(
        _l("ISO 3166 code"),
        validators=[Optional(), Length(min=2, max=3)],
        description=_l("Two capital letters, for example TN. It cannot change later."),
    )


class ThemeForm(NamesForm):
    slug = StringField(
        _l("Short name in addresses (slug)"),
        validators=[Optional(), Length(max=60)],
        description=_l("For example social-finance. It cannot change later."),
    )


def _name_label(language: str):
    return _l("Name in %(language)s", language=language)


def _description_label(language: str):
    return _l("Description in %(language)s", language=language)


_add_language_fields(CountryForm, "name", _name_label, 120, StringField)
_add_language_fields(ThemeForm, "name", _name_label, 120, StringField)
_add_language_fields(ThemeForm, "description", _description_label, 300, TextAreaField)
