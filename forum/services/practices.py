"""Writing good practices: drafts, edits, translations, and finding them.

Review (submit, publish, request changes, reject) lives in `practice_review`;
adoptions and attachments have their own modules.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import String, cast, func, or_, select

from forum.columns import MAX_ID, utcnow
from forum.errors import NotFound, PermissionDenied, ValidationError
from forum.extensions import db
from forum.models import (
    SECTIONS,
    ActorType,
    Practice,
    PracticeRevision,
    PracticeState,
    ProjectStatus,
    RevisionState,
    User,
    practice_themes,
)
from forum.services import audit, search
from forum.services.discussions import Page
from forum.services.threads import (
    clean_country,
    clean_language,
    clean_themes,
    render_body,
)
from forum.services.visibility import (
    can_edit_practice,
    can_see_practice,
    moderates_practice,
    public_practices,
)

TITLE_MAX = 200
SUMMARY_MAX = 500
SECTION_MAX = 20_000
PLACE_MAX = 120
ORGANISATION_MAX = 200
CONTACT_MAX = 500
LINKS_MAX = 10
LINK_MAX = 500
NOTE_MAX = 300  # an editor's note on an edit waiting for review
FIRST_YEAR = 1900
# Sections a practice needs before review; the others may stay empty.
REQUIRED_SECTIONS = ("context", "actions", "results")
# A minor edit changes at most this many characters of text, and no facts.
MINOR_EDIT_MAX_CHANGES = 200
MINOR_FIXED_FIELDS = (
    "country_code",
    "theme_slugs",
    "language",
    "actor_types",
    "start_year",
    "end_year",
    "project_status",
)
SORTS = ("latest", "title", "adoptions")

# The fields a form or the API may set, and what a revision keeps.
CONTENT_FIELDS = (
    "title",
    "summary",
    "sections",
    "sections_html",
    "country_code",
    "place",
    "theme_slugs",
    "actor_types",
    "language",
    "start_year",
    "end_year",
    "project_status",
    "organisation",
    "contact",
    "links",
)


# Validation -----------------------------------------------------------------


def _text(value, *, field: str, limit: int, required: bool = False) -> str:
    value = " ".join(str(value or "").split())
    if required and not value:
        raise ValidationError(_("This field is required."), field=field)
    if len(value) > limit:
        raise ValidationError(
            _("Too long: at most %(n)d characters.", n=limit), field=field
        )
    return value


def _year(value, *, field: str) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(_("Give a year such as 2021."), field=field)
    year = int(text)
    if not FIRST_YEAR <= year <= date.today().year + 10:
        raise ValidationError(
            _(
                "Give a year between %(first)d and %(last)d.",
                first=FIRST_YEAR,
                last=date.today().year + 10,
            ),
            field=field,
        )
    return year


def clean_links(links) -> list[str]:
    """Return up to ten http(s) addresses, from a list or one per line."""
    if isinstance(links, str):
        links = links.splitlines()
    cleaned = []
    for link in links or []:
        link = str(link).strip()
        if not link:
            continue
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(
                _("Links must start with http:// or https://: %(link)s", link=link),
                field="links",
            )
        if len(link) > LINK_MAX:
            raise ValidationError(_("A link is too long."), field="links")
        cleaned.append(link)
    if len(cleaned) > LINKS_MAX:
        raise ValidationError(_("At most %(n)d links.", n=LINKS_MAX), field="links")
    return list(dict.fromkeys(cleaned))


def clean_actor_types(values) -> list[str]:
    """Return the known actor types among `values` (at least one)."""
    if isinstance(values, str):
        values = [values]
    known = {kind.value for kind in ActorType}
    chosen = list(dict.fromkeys(str(v) for v in values or [] if v))
    if not chosen:
        raise ValidationError(
            _("Choose the kinds of actors involved."), field="actor_types"
        )
    if any(value not in known for value in chosen):
        raise ValidationError(
            _("Choose actor types from the list."), field="actor_types"
        )
    return [kind.value for kind in ActorType if kind.value in chosen]


def clean_sections(sections) -> dict[str, str]:
    """Return the Markdown of each known section (missing ones empty)."""
    if not isinstance(sections, Mapping):
        raise ValidationError(_("The sections are not understood."), field="sections")
    cleaned = {}
    for name in SECTIONS:
        value = sections.get(name) or ""
        if not isinstance(value, str):
            raise ValidationError(_("Write each section as text."), field=name)
        value = value.strip()
        if len(value) > SECTION_MAX:
            raise ValidationError(
                _("Too long: at most %(n)d characters.", n=SECTION_MAX), field=name
            )
        cleaned[name] = value
    return cleaned


def clean_content(data: Mapping) -> dict:
    """Check every field of a practice; return the values to store."""
    status = str(data.get("status") or ProjectStatus.ONGOING.value)
    if status not in {s.value for s in ProjectStatus}:
        raise ValidationError(_("Choose ongoing or completed."), field="status")
    start_year = _year(data.get("start_year"), field="start_year")
    end_year = _year(data.get("end_year"), field="end_year")
    if start_year and end_year and end_year < start_year:
        raise ValidationError(
            _("The end year comes before the start year."), field="end_year"
        )
    sections = clean_sections(data.get("sections") or {})
    themes = data.get("themes") or []
    if isinstance(themes, str):
        themes = [themes]
    return {
        "title": _text(
            data.get("title"), field="title", limit=TITLE_MAX, required=True
        ),
        "summary": _text(data.get("summary"), field="summary", limit=SUMMARY_MAX),
        "sections": sections,
        "sections_html": {n: render_body(v) if v else "" for n, v in sections.items()},
        "country_code": clean_country(data.get("country")),
        "place": _text(data.get("place"), field="place", limit=PLACE_MAX),
        "theme_slugs": [t.slug for t in clean_themes(themes)],
        "actor_types": clean_actor_types(data.get("actor_types")),
        "language": clean_language(data.get("language")),
        "start_year": start_year,
        "end_year": end_year,
        "project_status": status,
        "organisation": _text(
            data.get("organisation"), field="organisation", limit=ORGANISATION_MAX
        ),
        "contact": _text(data.get("contact"), field="contact", limit=CONTACT_MAX),
        "links": clean_links(data.get("links")),
    }


def check_complete(content: Mapping) -> None:
    """Raise ValidationError unless a practice is complete enough for review."""
    if not content.get("summary"):
        raise ValidationError(_("Write a summary before submitting."), field="summary")
    for name in REQUIRED_SECTIONS:
        if not content["sections"].get(name):
            raise ValidationError(
                _("Fill in this section before submitting."), field=name
            )


# Content of a practice and of its revisions ----------------------------------


def snapshot(practice: Practice) -> dict:
    """Return a practice's content as plain data (for a revision)."""
    content = {name: getattr(practice, name) for name in CONTENT_FIELDS}
    content["sections"] = dict(practice.sections or {})
    content["sections_html"] = dict(practice.sections_html or {})
    content["links"] = list(practice.links or [])
    content["actor_types"] = list(practice.actor_types or [])
    content["project_status"] = str(practice.project_status)
    return content


def apply_content(practice: Practice, content: Mapping) -> None:
    """Copy checked content onto a practice (not committed)."""
    for name in CONTENT_FIELDS:
        if name == "theme_slugs":
            practice.themes = clean_themes(content["theme_slugs"])
        else:
            setattr(practice, name, content[name])
    practice.updated_at = utcnow()


def _text_of(content: Mapping) -> str:
    sections = content.get("sections") or {}
    parts = [content.get(name) or "" for name in ("title", "summary", "place")]
    parts += [content.get(name) or "" for name in ("organisation", "contact")]
    parts += [sections.get(name, "") for name in SECTIONS]
    parts += list(content.get("links") or [])
    return "\n".join(parts)


def changed_characters(before: Mapping, after: Mapping) -> int:
    """Count the characters inserted, deleted or replaced between two versions."""
    old, new = _text_of(before), _text_of(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return len(old) + len(new) - 2 * same


def is_minor_change(before: Mapping, after: Mapping) -> bool:
    """Say whether an edit only corrects the text a little (no facts changed)."""
    if any(before.get(name) != after.get(name) for name in MINOR_FIXED_FIELDS):
        return False
    return changed_characters(before, after) <= MINOR_EDIT_MAX_CHANGES


# Reading --------------------------------------------------------------------


def practice_by_id(ident) -> Practice | None:
    """Return the practice with this id (any state), or None."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        return None
    return db.session.get(Practice, ident) if 0 < ident <= MAX_ID else None


def get_practice(viewer, practice_id) -> Practice:
    """Return a practice `viewer` may see, or raise NotFound."""
    practice = practice_by_id(practice_id)
    if practice is None or not can_see_practice(viewer, practice):
        raise NotFound(_("This practice does not exist or is not visible."))
    return practice


def language_versions(viewer, practice: Practice) -> list[Practice]:
    """Return every language version of the practice `viewer` may see."""
    root = practice.root_id
    versions = db.session.scalars(
        select(Practice)
        .where(or_(Practice.id == root, Practice.original_id == root))
        .order_by(Practice.id)
    )
    return [p for p in versions if can_see_practice(viewer, p)]


def list_practices(
    *,
    country: str | None = None,
    theme: str | None = None,
    actor_type: str | None = None,
    language: str | None = None,
    sort: str = "latest",
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """Return a page of published practices, filtered and sorted."""
    query = select(Practice).where(public_practices())
    if country:
        query = query.where(Practice.country_code == country.upper())
    if theme:
        query = query.where(
            Practice.id.in_(
                select(practice_themes.c.practice_id).where(
                    practice_themes.c.theme_slug == theme
                )
            )
        )
    if language:
        query = query.where(Practice.language == language)
    if actor_type:
        if actor_type not in {kind.value for kind in ActorType}:
            return Page(items=[], total=0, page=page, per_page=per_page)
        # The list is stored as JSON text on every engine: match the quoted value.
        query = query.where(
            cast(Practice.actor_types, String).like(f'%"{actor_type}"%')
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(
        _sorted(query, sort).limit(per_page).offset((page - 1) * per_page)
    )
    return Page(items=list(items), total=total, page=page, per_page=per_page)


def _sorted(query, sort: str):
    if sort == "title":
        return query.order_by(func.lower(Practice.title), Practice.id)
    if sort == "adoptions":
        from forum.services.adoptions import adoption_count_column

        return query.order_by(adoption_count_column().desc(), Practice.id.desc())
    return query.order_by(Practice.published_at.desc(), Practice.id.desc())


def featured_practices(limit: int = 6) -> list[Practice]:
    """Return the practices moderators featured, newest first."""
    return list(
        db.session.scalars(
            select(Practice)
            .where(public_practices(), Practice.featured.is_(True))
            .order_by(Practice.published_at.desc())
            .limit(limit)
        )
    )


def my_practices(author: User) -> list[Practice]:
    """Return every practice `author` wrote, in any state, latest change first."""
    return list(
        db.session.scalars(
            select(Practice)
            .where(Practice.author_id == author.id)
            .order_by(Practice.updated_at.desc(), Practice.id.desc())
        )
    )


def practice_for_thread(thread_id: int) -> Practice | None:
    """Return the published practice this thread discusses, if any."""
    return db.session.scalar(
        select(Practice)
        .where(Practice.thread_id == thread_id, public_practices())
        .order_by(Practice.original_id.is_not(None), Practice.id)
        .limit(1)
    )


def revisions(viewer, practice: Practice) -> list[PracticeRevision]:
    """Return the published versions of a practice, newest first."""
    if not can_see_practice(viewer, practice):
        raise NotFound(_("This practice does not exist or is not visible."))
    return list(
        db.session.scalars(
            select(PracticeRevision)
            .where(
                PracticeRevision.practice_id == practice.id,
                PracticeRevision.state == RevisionState.PUBLISHED,
            )
            .order_by(PracticeRevision.id.desc())
        )
    )


def get_revision(viewer, practice: Practice, revision_id) -> PracticeRevision:
    """Return one revision of a practice `viewer` may see, or raise NotFound."""
    revision = None
    try:
        if 0 < int(revision_id) <= MAX_ID:
            revision = db.session.get(PracticeRevision, int(revision_id))
    except (TypeError, ValueError):
        pass
    visible = revision is not None and revision.practice_id == practice.id
    if visible and revision.state != RevisionState.PUBLISHED:
        visible = viewer is not None and (
            getattr(viewer, "id", None) == practice.author_id
            or moderates_practice(viewer, practice)
        )
    if not visible or not can_see_practice(viewer, practice):
        raise NotFound(_("This version does not exist or is not visible."))
    return revision


# Writing --------------------------------------------------------------------


def _require_member(user) -> User:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to take part."))
    if not user.can_log_in:
        raise PermissionDenied(_("Your account cannot post at the moment."))
    return user


def create_practice(
    author: User,
    data: Mapping,
    *,
    original: Practice | None = None,
    source_thread_id: int | None = None,
) -> Practice:
    """Save a new draft practice (a translation when `original` is given)."""
    _require_member(author)
    content = clean_content(data)
    if original is not None:
        _check_translation(original, content["language"])
    practice = Practice(
        author=author,
        state=PracticeState.DRAFT,
        original_id=original.root_id if original is not None else None,
        source_thread_id=source_thread_id,
        created_at=utcnow(),
    )
    apply_content(practice, content)
    db.session.add(practice)
    db.session.commit()
    return practice


def _check_translation(original: Practice, language: str) -> None:
    if not original.is_published:
        raise ValidationError(_("Only a published practice can be translated."))
    root = original.root_id
    taken = db.session.scalar(
        select(func.count(Practice.id)).where(
            or_(Practice.id == root, Practice.original_id == root),
            Practice.language == language,
            Practice.state != PracticeState.REJECTED,
        )
    )
    if taken:
        raise ValidationError(
            _("This practice already exists in that language."), field="language"
        )


def translation_template(original: Practice) -> dict:
    """Return the facts a translation starts from (the text is to be written)."""
    return {
        "country": original.country_code,
        "place": original.place,
        "themes": original.theme_slugs,
        "actor_types": list(original.actor_types or []),
        "start_year": original.start_year,
        "end_year": original.end_year,
        "status": str(original.project_status),
        "organisation": original.organisation,
        "links": list(original.links or []),
    }


def edit_practice(
    editor: User,
    practice: Practice,
    data: Mapping,
    *,
    minor: bool = False,
    note: str = "",
) -> Practice:
    """Change a practice. A published one changes at once only for a minor edit
    (or a moderator's); otherwise the edit waits for review."""
    _require_member(editor)
    if not can_edit_practice(editor, practice):
        raise PermissionDenied(_("You cannot edit this practice."))
    content = clean_content(data)
    note = _text(note, field="note", limit=NOTE_MAX)
    if practice.original_id is not None and content["language"] != practice.language:
        _check_translation(
            db.session.get(Practice, practice.original_id), content["language"]
        )
    if not practice.is_published:
        apply_content(practice, content)
        if practice.state == PracticeState.CHANGES_REQUESTED:
            practice.state = PracticeState.DRAFT
        db.session.commit()
        return practice
    before = snapshot(practice)
    if same_content(before, content):
        return practice
    if moderates_practice(editor, practice) or (
        minor and is_minor_change(before, content)
    ):
        return _publish_edit_now(editor, practice, content, minor=minor, note=note)
    if minor:
        raise ValidationError(
            _(
                "This is more than a small correction: uncheck “minor edit” "
                "so that a moderator reviews it."
            ),
            field="minor",
        )
    return _propose_edit(editor, practice, content, note=note)


def same_content(before: Mapping, after: Mapping) -> bool:
    """Say whether two versions of a practice have the same content."""
    return all(before.get(n) == after.get(n) for n in CONTENT_FIELDS)


def _publish_edit_now(
    editor: User, practice: Practice, content: Mapping, *, minor: bool, note: str
) -> Practice:
    waiting = practice.pending_revision
    if waiting is not None and same_content(waiting.content, snapshot(practice)):
        # It holds only files for review: publishing it must not undo this edit.
        waiting.content = dict(content)
    apply_content(practice, content)
    db.session.add(
        PracticeRevision(
            practice_id=practice.id,
            editor_id=editor.id,
            state=RevisionState.PUBLISHED,
            minor=minor,
            note=note,
            content=snapshot(practice),
        )
    )
    audit.record_action(
        editor,
        "practice.minor_edit" if minor else "practice.edit",
        target_type="practice",
        target_id=practice.id,
        target_label=practice.title,
        reason=note,
        country_code=practice.country_code,
        theme_slugs=practice.theme_slugs,
    )
    db.session.commit()
    search.sync_practices(practice)
    return practice


def _propose_edit(
    editor: User, practice: Practice, content: Mapping, *, note: str
) -> Practice:
    queue_edit(editor, practice, content, note=note)
    db.session.commit()
    return practice


def queue_edit(
    editor: User, practice: Practice, content: Mapping, *, note: str
) -> PracticeRevision:
    """Make `content` the edit of a published practice waiting for review
    (the one already waiting is reused; not committed)."""
    revision = practice.pending_revision
    if revision is None:
        revision = PracticeRevision(practice_id=practice.id)
        db.session.add(revision)
    revision.editor_id = editor.id
    revision.state = RevisionState.PENDING
    revision.note = note
    revision.content = dict(content)
    revision.created_at = utcnow()
    db.session.flush()
    practice.pending_revision = revision
    practice.submitted_at = utcnow()
    return revision


def pending_content(practice: Practice) -> dict | None:
    """Return the content of the edit waiting for review, if any."""
    revision = practice.pending_revision
    return dict(revision.content) if revision is not None else None


def form_data(content: Mapping) -> dict:
    """Turn stored content into the input `clean_content` accepts."""
    return {
        "title": content["title"],
        "summary": content["summary"],
        "sections": dict(content["sections"]),
        "country": content["country_code"],
        "place": content["place"],
        "themes": list(content["theme_slugs"]),
        "actor_types": list(content["actor_types"]),
        "language": content["language"],
        "start_year": content["start_year"],
        "end_year": content["end_year"],
        "status": content["project_status"],
        "organisation": content["organisation"],
        "contact": content["contact"],
        "links": list(content["links"]),
    }


def delete_draft(author: User, practice: Practice) -> None:
    """Delete one's own practice that was never published."""
    if practice.author_id != getattr(author, "id", None):
        raise PermissionDenied(_("You can only delete your own practices."))
    if practice.is_published or practice.published_at is not None:
        raise ValidationError(
            _("A published practice cannot be deleted; ask a moderator.")
        )
    from forum.services import attachments

    digests = [attachment.sha256 for attachment in practice.attachments]
    db.session.delete(practice)
    db.session.commit()
    attachments.forget_unused(digests)


def contact_visible(viewer) -> bool:
    """Say whether `viewer` may read contact details (members only)."""
    return bool(getattr(viewer, "is_authenticated", False)) and viewer.can_log_in
