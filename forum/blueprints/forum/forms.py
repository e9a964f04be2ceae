"""Forms for starting threads, replying and editing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.blueprints.forms import choices
from forum.blueprints.users.forms import CheckboxListField
from forum.i18n import SPOKEN_LANGUAGES
from forum.services.reference import list_countries, list_themes

TITLE_TOO_LONG = _l("The title is too long: at most %(max)d characters.")
BODY_TOO_LONG = _l("The text is too long: at most %(max)d characters.")

MARKDOWN_HINT = _l(
    "Markdown works: **bold**, *italic*, lists, [links](https://example.org), "
    "> quotes, ``` code ```. Mention someone with @username."
)


class PostForm(FlaskForm):
    """A Markdown body with a preview button."""

    body = TextAreaField(
        _l("Your message"),
        validators=[DataRequired(), Length(max=50_000, message=BODY_TOO_LONG)],
        description=MARKDOWN_HINT,
        render_kw={"rows": 10},
    )
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Post"))


class ReplyForm(PostForm):
    parent_id = HiddenField()


class EditForm(PostForm):
    title = StringField(
        _l("Title"), validators=[Optional(), Length(max=200, message=TITLE_TOO_LONG)]
    )
    submit = SubmitField(_l("Save the changes"))


class ThreadForm(PostForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=200, message=TITLE_TOO_LONG)],
        description=_l("A clear question or subject, in a few words."),
    )
    country = SelectField(
        _l("Country"),
        description=_l("Choose Mediterranean-wide when it concerns several countries."),
    )
    themes = CheckboxListField(_l("Themes (one to three)"))
    language = SelectField(_l("Language of the discussion"))
    submit = SubmitField(_l("Start the discussion"))

    def fill_choices(self, locale: str) -> None:
        """Fill the lists, named in the page's language."""
        self.country.choices = choices(
            (c.code, c.name_in(locale)) for c in list_countries()
        )
        self.themes.choices = choices(
            (t.slug, t.name_in(locale)) for t in list_themes()
        )
        self.language.choices = choices(SPOKEN_LANGUAGES.items())
