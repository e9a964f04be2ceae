"""Forms of moderation and of flagging a post.

Fields check only their shape; the services decide what is allowed (a
missing reason, a title too long, a move out of scope) and their errors are
shown on the form.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forum.blueprints.forms import choices
from forum.blueprints.users.forms import CheckboxListField
from forum.labels import FLAG_REASON_LABELS
from forum.services.moderation import REASON_MAX_LENGTH
from forum.services.moderation_queue import FLAG_TEXT_MAX_LENGTH
from forum.services.reference import list_countries, list_themes

REASON_HINT = _l("Kept in the moderation log.")


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)],
        description=REASON_HINT,
        render_kw={"rows": 2},
    )


class ShownReasonForm(ReasonForm):
    """A reason that members will read (hiding a post, locking a thread)."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)],
        description=_l("Members will see it, and it is kept in the moderation log."),
        render_kw={"rows": 2},
    )


class RenameForm(ReasonForm):
    title = StringField(_l("New title"), validators=[Optional(), Length(max=300)])


class MoveForm(ReasonForm):
    country = SelectField(_l("Country"))
    themes = CheckboxListField(_l("Themes (one to three)"), validators=[Optional()])

    def fill_choices(self, locale: str) -> None:
        """Fill the lists, named in the page's language."""
        self.country.choices = choices(
            (c.code, c.name_in(locale)) for c in list_countries()
        )
        self.themes.choices = choices(
            (t.slug, t.name_in(locale)) for t in list_themes()
        )


class MergeForm(ReasonForm):
    target = StringField(
        _l("Discussion to merge into"),
        validators=[Optional(), Length(max=500)],
        description=_l("Its number or its address. Every post moves there."),
    )


class SplitForm(ReasonForm):
    title = StringField(
        _l("Title of the new discussion"), validators=[Optional(), Length(max=300)]
    )
    post_ids = CheckboxListField(
        _l("Replies to move"),
        validators=[Optional()],
        description=_l("The earliest one chosen opens the new discussion."),
    )


class FlagForm(FlaskForm):
    reason = RadioField(
        _l("What is wrong with this post?"),
        choices=choices((k.value, v) for k, v in FLAG_REASON_LABELS.items()),
        invalid_choice_message=_l("Choose what is wrong with this post."),
    )
    text = TextAreaField(
        _l("Tell the moderators more"),
        validators=[Optional(), Length(max=FLAG_TEXT_MAX_LENGTH)],
        description=_l("Required when you choose “Something else”."),
        render_kw={"rows": 4},
    )


class SuspendForm(FlaskForm):
    days = IntegerField(
        _l("Number of days"),
        validators=[InputRequired(), NumberRange(min=1, max=3650)],
        description=_l("Moderators can suspend for at most 30 days."),
    )
    reason = TextAreaField(
        _l("Reason, shown to the member"),
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 3},
    )
