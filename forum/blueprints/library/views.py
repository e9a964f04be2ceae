"""Library pages for reading: the index, a practice, its history, one's own list.

Writing lives in `writing`, files in `files`, moderators' actions in `review`.
"""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from forum.blueprints.forms import Outcome, submit
from forum.blueprints.library import bp
from forum.blueprints.library.actions import back_to_practice
from forum.blueprints.library.forms import AdoptionForm, ReviewForm, WithdrawForm
from forum.blueprints.paging import page_number
from forum.errors import NotFound
from forum.i18n import SPOKEN_LANGUAGES
from forum.labels import (
    ACTOR_TYPE_LABELS,
    ADOPTION_LABELS,
    PROJECT_STATUS_LABELS,
    SECTION_LABELS,
    STATE_LABELS,
)
from forum.models import SECTIONS, PracticeState, RevisionState
from forum.services import adoptions, attachments, practices, reference
from forum.services.visibility import can_edit_practice, moderates_practice

PER_PAGE = 20
FILTERS = ("country", "theme", "actor_type", "language")
# Names of the facts of a practice, to say what an edit changes.
FACT_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "country_code": _l("Country"),
    "place": _l("Region or city"),
    "theme_slugs": _l("Themes"),
    "actor_types": _l("Actors involved"),
    "language": _l("Language"),
    "start_year": _l("Start year"),
    "end_year": _l("End year"),
    "project_status": _l("Status"),
    "organisation": _l("Organisation"),
    "contact": _l("Contact"),
    "links": _l("Links"),
}


def file_size(size: int) -> str:
    """Return a file size in KB or MB, in the page's language."""
    if size >= 1024 * 1024:
        return _("%(num)s MB", num=format_decimal(round(size / (1024 * 1024), 1)))
    return _("%(num)s KB", num=format_decimal(max(1, round(size / 1024))))


@bp.context_processor
def _library_helpers():
    return {
        "sections_order": SECTIONS,
        "section_labels": SECTION_LABELS,
        "state_labels": STATE_LABELS,
        "project_status_labels": PROJECT_STATUS_LABELS,
        "adoption_labels": ADOPTION_LABELS,
        "actor_type_labels": ACTOR_TYPE_LABELS,
        "spoken_languages": SPOKEN_LANGUAGES,
        "file_size": file_size,
        "contact_visible": practices.contact_visible(current_user),
        "states": PracticeState,
        "revision_states": RevisionState,
    }


def _filters() -> dict[str, str | None]:
    # Unknown values simply match nothing; keep them short for the query.
    return {name: request.args.get(name, "").strip()[:40] or None for name in FILTERS}


@bp.route("/practices")
def index():
    """Show featured practices, then every published one, filtered and sorted."""
    filters = _filters()
    sort = request.args.get("sort", "latest")
    sort = sort if sort in practices.SORTS else "latest"
    page = page_number()
    listing = practices.list_practices(
        **filters, sort=sort, page=page, per_page=PER_PAGE
    )
    featured = []
    if page == 1 and not any(filters.values()):
        featured = practices.featured_practices()
    countries, themes = reference.list_countries(), reference.list_themes()
    return render_template(
        "library/index.html",
        listing=listing,
        featured=featured,
        counts=adoptions.adoption_counts([*featured, *listing.items]),
        filters=filters,
        sort=sort,
        countries=countries,
        themes=themes,
        feed_url=_feed_url(filters, countries, themes),
    )


def _feed_url(filters: dict, countries, themes) -> str:
    """Return the Atom feed of the country and theme chosen, when they exist."""
    code = (filters["country"] or "").upper()
    return url_for(
        "feeds.practices_feed",
        code=code if code in {c.code for c in countries} else None,
        slug=filters["theme"] if filters["theme"] in {t.slug for t in themes} else None,
    )


@bp.route("/practices/<int:practice_id>")
def view_practice(practice_id: int):
    """Show a practice, with what its reader, author or moderator can do."""
    return practice_page(practices.get_practice(current_user, practice_id))


def practice_page(
    practice,
    *,
    adoption_form: AdoptionForm | None = None,
    review_form: ReviewForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    status: int = 200,
):
    """Render a practice's page; a refused form comes back with its errors."""
    moderator = moderates_practice(current_user, practice)
    is_author = _is_author(practice)
    echoes = adoptions.adoptions_of(practice) if practice.is_published else []
    mine = next((a for a in echoes if a.user_id == _viewer_id()), None)
    content = practices.snapshot(practice)
    pending = practice.pending_revision if is_author or moderator else None
    page = render_template(
        "library/practice.html",
        practice=practice,
        content=content,
        changes=changed_parts(content, pending.content) if pending else [],
        versions=practices.language_versions(current_user, practice),
        files=attachments.visible_attachments(current_user, practice),
        moderator=moderator,
        is_author=is_author,
        can_edit=can_edit_practice(current_user, practice),
        pending=pending,
        adoptions=echoes,
        my_adoption=mine,
        adoption_form=adoption_form or _adoption_form(mine),
        **_moderator_forms(moderator, review_form, withdraw_form),
    )
    return page, status


def _moderator_forms(moderator: bool, review_form, withdraw_form) -> dict:
    # Empty for moderators, unless one came back refused; nobody else gets them.
    if not moderator:
        return {"review_form": None, "withdraw_form": None}
    return {
        "review_form": review_form or ReviewForm(formdata=None),
        "withdraw_form": withdraw_form or WithdrawForm(formdata=None),
    }


def _adoption_form(mine) -> AdoptionForm | None:
    # Members only: a form renders a per-session CSRF token, which would
    # make a visitor's page uncacheable (forum.page_cache).
    if not current_user.is_authenticated:
        return None
    form = AdoptionForm(formdata=None, obj=mine)
    if mine is None:
        form.organisation.data = current_user.organisation
    return form


def changed_parts(before: dict, after: dict) -> list[str]:
    """Name the parts of a practice an edit changes, in reading order."""
    names = [
        str(label)
        for key, label in FACT_LABELS.items()
        if before.get(key) != after.get(key)
    ]
    old, new = before.get("sections") or {}, after.get("sections") or {}
    names += [str(SECTION_LABELS[n]) for n in SECTIONS if old.get(n) != new.get(n)]
    return names


def _viewer_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _is_author(practice) -> bool:
    return practice.author_id == _viewer_id()


@bp.route("/practices/<int:practice_id>/history")
def history(practice_id: int):
    """List the published versions of a practice, newest first."""
    practice = practices.get_practice(current_user, practice_id)
    return render_template(
        "library/history.html",
        practice=practice,
        revisions=practices.revisions(current_user, practice),
    )


@bp.route("/practices/<int:practice_id>/versions/<int:revision_id>")
def view_revision(practice_id: int, revision_id: int):
    """Show one version of a practice as it was, read-only."""
    practice = practices.get_practice(current_user, practice_id)
    revision = practices.get_revision(current_user, practice, revision_id)
    return render_template(
        "library/revision.html",
        practice=practice,
        revision=revision,
        content=revision.content,
    )


@bp.route("/practices/mine")
@login_required
def my_practices():
    """List the practices one wrote, with where each stands."""
    return render_template(
        "library/mine.html", practices=practices.my_practices(current_user)
    )


# Adoptions ------------------------------------------------------------------


@bp.route("/practices/<int:practice_id>/adopt", methods=["POST"])
@login_required
def adopt(practice_id: int):
    """Say that one's organisation adopted or adapted the practice."""
    practice = practices.get_practice(current_user, practice_id)
    form = AdoptionForm()
    if form.validate() and _record_adoption(form, practice).ok:
        flash(_("Thank you: your organisation is listed."), "success")
        return back_to_practice(practice.id, "adoptions")
    # Shown again with the errors and the statement as typed.
    return practice_page(practice, adoption_form=form, status=422)


def _record_adoption(form: AdoptionForm, practice) -> Outcome:
    return submit(
        form,
        adoptions.record_adoption,
        current_user,
        practice,
        kind=form.kind.data or "",
        note=form.note.data or "",
        organisation=form.organisation.data or "",
    )


@bp.route("/adoptions/<int:adoption_id>/remove", methods=["POST"])
@login_required
def remove_adoption(adoption_id: int):
    """Withdraw one's statement (moderators: remove someone's)."""
    adoption = adoptions.adoption_by_id(adoption_id)
    if adoption is None:
        raise NotFound()
    practice_id = adoption.practice_id
    adoptions.remove_adoption(current_user, adoption)
    flash(_("The statement is withdrawn."), "success")
    return back_to_practice(practice_id, "adoptions")
