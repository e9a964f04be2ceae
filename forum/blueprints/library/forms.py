"""Forms of the library: a practice, its files, adoptions and reviews.

Fields only check their shape; the services check the content and their
errors are shown next to the field they name.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from forum.blueprints.forms import choices
from forum.blueprints.users.forms import CheckboxListField
from forum.i18n import SPOKEN_LANGUAGES
from forum.labels import (
    ACTOR_TYPE_LABELS,
    ADOPTION_LABELS,
    PROJECT_STATUS_LABELS,
    SECTION_LABELS,
)
from forum.models import SECTIONS, ProjectStatus
from forum.services.attachments import ACCEPTED_TYPES
from forum.services.practice_review import REASON_MAX
from forum.services.practices import (
    CONTACT_MAX,
    ORGANISATION_MAX,
    PLACE_MAX,
    SECTION_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
)
from forum.services.reference import list_countries, list_themes

# The sections needed before review say so in their hint.
SECTION_HINTS = {
    "context": _l(
        "The situation before: who needed what, and why it mattered. "
        "Needed before submitting for review."
    ),
    "actions": _l(
        "The steps taken, in order, and when. Needed before submitting for review."
    ),
    "actors": _l(
        "Who took part (enterprises, public bodies, trainers...) and did what."
    ),
    "resources": _l("Money, people and premises: how much, and where they came from."),
    "results": _l(
        "What changed, with figures: jobs, members, income, tonnes, people "
        "trained... Needed before submitting for review."
    ),
    "difficulties": _l("What went wrong or was hard, and how you dealt with it."),
    "transfer": _l("The conditions another region needs to do the same."),
}
# What the file picker offers: the media types and their usual extensions.
ACCEPT_FILES = ",".join(
    [*ACCEPTED_TYPES, *sorted({f".{ext}" for ext in ACCEPTED_TYPES.values()}), ".jpeg"]
)


def _section_field(name: str) -> TextAreaField:
    return TextAreaField(
        SECTION_LABELS[name],
        validators=[Optional()],
        description=SECTION_HINTS[name],
        render_kw={"rows": 6, "maxlength": SECTION_MAX, "dir": "auto"},
    )


class PracticeForm(FlaskForm):
    """Every field of a practice, as a member writes it."""

    title = StringField(
        _l("Title"),
        description=_l("What was done and where, in a few words."),
        render_kw={"maxlength": TITLE_MAX, "dir": "auto"},
    )
    summary = TextAreaField(
        _l("Summary"),
        description=_l(
            "At most 500 characters: the problem, what was done, the main result. "
            "It is shown in lists and search results."
        ),
        render_kw={"rows": 4, "maxlength": SUMMARY_MAX, "dir": "auto"},
    )
    context = _section_field("context")
    actions = _section_field("actions")
    actors = _section_field("actors")
    resources = _section_field("resources")
    results = _section_field("results")
    difficulties = _section_field("difficulties")
    transfer = _section_field("transfer")
    country = SelectField(
        _l("Country"),
        validate_choice=False,
        description=_l("Choose Mediterranean-wide when it spans several countries."),
    )
    place = StringField(
        _l("Region or city"), render_kw={"maxlength": PLACE_MAX, "dir": "auto"}
    )
    themes = CheckboxListField(_l("Themes (one to three)"), validate_choice=False)
    actor_types = CheckboxListField(
        _l("Kinds of actors involved"),
        validate_choice=False,
        choices=choices(
            (kind.value, label) for kind, label in ACTOR_TYPE_LABELS.items()
        ),
    )
    language = SelectField(
        _l("Language this practice is written in"), validate_choice=False
    )
    start_year = StringField(
        _l("Start year"),
        render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"},
    )
    end_year = StringField(
        _l("End year"),
        description=_l("Leave empty while it goes on."),
        render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"},
    )
    status = RadioField(
        _l("Status"),
        validate_choice=False,
        default=ProjectStatus.ONGOING.value,
        choices=choices((s.value, label) for s, label in PROJECT_STATUS_LABELS.items()),
    )
    organisation = StringField(
        _l("Organisation that carried it out"),
        render_kw={"maxlength": ORGANISATION_MAX, "dir": "auto"},
    )
    contact = StringField(
        _l("Contact"),
        description=_l(
            "A name, an email address or a telephone number. Only logged-in "
            "members see it."
        ),
        render_kw={"maxlength": CONTACT_MAX, "dir": "auto"},
    )
    links = TextAreaField(
        _l("Links"),
        description=_l("Web pages, reports, videos: one address per line, at most 10."),
        render_kw={"rows": 3, "dir": "ltr"},
    )
    save = SubmitField(_l("Save draft"))
    send = SubmitField(_l("Save and submit for review"))

    def fill_choices(self, locale: str) -> None:
        """Fill the lists, named in the page's language."""
        self.country.choices = choices(
            (c.code, c.name_in(locale)) for c in list_countries()
        )
        self.themes.choices = choices(
            (t.slug, t.name_in(locale)) for t in list_themes()
        )
        self.language.choices = choices(SPOKEN_LANGUAGES.items())

    def section_fields(self) -> list:
        """Return the section fields in reading order."""
        return [self[name] for name in SECTIONS]

    def content(self) -> dict:
        """Return what was typed, as the input the practice services take."""
        return {
            "title": self.title.data,
            "summary": self.summary.data,
            "sections": {name: self[name].data or "" for name in SECTIONS},
            "country": self.country.data,
            "place": self.place.data,
            "themes": self.themes.data or [],
            "actor_types": self.actor_types.data or [],
            "language": self.language.data,
            "start_year": self.start_year.data,
            "end_year": self.end_year.data,
            "status": self.status.data,
            "organisation": self.organisation.data,
            "contact": self.contact.data,
            "links": self.links.data or "",
        }


class EditPracticeForm(PracticeForm):
    """A practice's fields, plus what an edit of a published one needs."""

    minor = BooleanField(
        _l("Minor edit (typo fix, published at once)"),
        description=_l(
            "Only for small corrections that change no facts. Other edits wait "
            "for a moderator's review while the published version stays online."
        ),
    )
    note = StringField(
        _l("Edit note"),
        description=_l("What you changed, in a few words (shown in the history)."),
        render_kw={"maxlength": 300, "dir": "auto"},
    )
    save = SubmitField(_l("Save"))


def form_input(content: dict) -> dict:
    """Flatten the input of the practice services into the form's fields."""
    flat = {key: value for key, value in content.items() if key != "sections"}
    flat.update(content.get("sections") or {})
    links = content.get("links") or []
    flat["links"] = links if isinstance(links, str) else "\n".join(links)
    for year in ("start_year", "end_year"):
        flat[year] = "" if flat.get(year) is None else str(flat[year])
    return flat


class AttachmentForm(FlaskForm):
    file = FileField(
        _l("File to attach"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l(
            "PDF, images (PNG, JPEG, GIF, WebP) or office documents (Word, Excel, "
            "PowerPoint, OpenDocument)."
        ),
        render_kw={"accept": ACCEPT_FILES},
    )


class AdoptionForm(FlaskForm):
    kind = RadioField(
        _l("What did your organisation do?"),
        validate_choice=False,
        choices=choices((k.value, label) for k, label in ADOPTION_LABELS.items()),
    )
    organisation = StringField(
        _l("Your organisation"), render_kw={"maxlength": 200, "dir": "auto"}
    )
    note = TextAreaField(
        _l("A short note"),
        description=_l("Where, since when, and what you changed (500 characters)."),
        render_kw={"rows": 3, "maxlength": 500, "dir": "auto"},
    )


class ReviewForm(FlaskForm):
    """A moderator's comment; the button pressed (`action`) says what to do."""

    # The review services name the comment "reason" in their errors.
    service_fields = {"reason": "comment"}

    comment = TextAreaField(
        _l("Comment for the author"),
        id="review-comment",
        description=_l(
            "Required to ask for changes or to reject: say what to change, or why."
        ),
        render_kw={"rows": 4, "maxlength": REASON_MAX, "dir": "auto"},
    )


class WithdrawForm(FlaskForm):
    """A moderator's reason for taking a published practice out of the library."""

    reason = TextAreaField(
        _l("Reason for withdrawing it from the library, sent to the author"),
        id="withdraw-reason",
        render_kw={"rows": 3, "maxlength": REASON_MAX, "dir": "auto"},
    )
