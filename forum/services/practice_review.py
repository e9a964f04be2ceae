"""Reviewing good practices: submit, publish, request changes, reject, feature.

Only a moderator whose countries or themes cover a practice reviews it. The
first publication opens the practice's discussion thread; later reviews
concern edits proposed while the published text stays online, and the files
its author added meanwhile: publishing the edit shows them to every reader,
rejecting it deletes them, asking for changes leaves them waiting.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, or_, select

from forum.columns import utcnow
from forum.errors import PermissionDenied, ValidationError
from forum.extensions import db
from forum.i18n import LANGUAGE_NAMES
from forum.models import (
    NotificationKind,
    Post,
    Practice,
    PracticeRevision,
    PracticeState,
    RevisionState,
    Thread,
    User,
)
from forum.services import attachments, audit, notifications, search, threads
from forum.services.practices import (
    apply_content,
    check_complete,
    create_practice,
    snapshot,
)
from forum.services.visibility import moderates_practice, practices_in_scope

REASON_MAX = 2000


def _reason(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError(
            _("Say why, so the author knows what to do."), field="reason"
        )
    if len(text) > REASON_MAX:
        raise ValidationError(
            _("Too long: at most %(n)d characters.", n=REASON_MAX), field="reason"
        )
    return text


def _require_reviewer(moderator: User | None, practice: Practice) -> User:
    if moderator is None or not moderates_practice(moderator, practice):
        raise PermissionDenied(_("Only moderators of this country or theme review it."))
    return moderator


def _log(actor: User, action: str, practice: Practice, reason: str = "") -> None:
    audit.record_action(
        actor,
        action,
        target_type="practice",
        target_id=practice.id,
        target_label=practice.title,
        reason=reason,
        country_code=practice.country_code,
        theme_slugs=practice.theme_slugs,
    )


# The author's side ----------------------------------------------------------


def submit_practice(author: User, practice: Practice) -> Practice:
    """Send a draft (or a practice sent back for changes) to the moderators."""
    if practice.author_id != getattr(author, "id", None) or not author.can_log_in:
        raise PermissionDenied(_("Only the author can submit this practice."))
    if practice.state not in (PracticeState.DRAFT, PracticeState.CHANGES_REQUESTED):
        raise ValidationError(_("This practice is not a draft."))
    check_complete(snapshot(practice))
    practice.state = PracticeState.SUBMITTED
    practice.submitted_at = utcnow()
    db.session.commit()
    return practice


# The moderator's side -------------------------------------------------------


def _under_review(practice: Practice) -> PracticeRevision | None:
    """Return the pending edit of a published practice, or None for a new one."""
    if practice.state == PracticeState.SUBMITTED:
        return None
    revision = practice.pending_revision
    if (
        practice.is_published
        and revision is not None
        and revision.state == RevisionState.PENDING
    ):
        return revision
    raise ValidationError(_("Nothing here is waiting for review."))


def publish_practice(
    moderator: User, practice: Practice, *, comment: str = ""
) -> Practice:
    """Publish a submitted practice, or the edit waiting on a published one."""
    _require_reviewer(moderator, practice)
    comment = _reason(comment, required=False)
    revision = _under_review(practice)
    if revision is not None:
        apply_content(practice, revision.content)
        revision.state = RevisionState.PUBLISHED
        revision.review_comment = comment
        practice.pending_revision = None
        attachments.approve_pending_files(practice)
    else:
        check_complete(snapshot(practice))
        practice.state = PracticeState.PUBLISHED
        practice.published_at = utcnow()
        db.session.add(
            PracticeRevision(
                practice_id=practice.id,
                editor_id=practice.author_id,
                state=RevisionState.PUBLISHED,
                content=snapshot(practice),
            )
        )
    practice.review_comment = comment
    practice.reviewed_by_id = moderator.id
    _log(moderator, "practice.publish", practice, comment)
    db.session.commit()
    if practice.thread_id is None:
        _open_discussion(practice)
    search.sync_practices(practice)
    notifications.on_practice_reviewed(
        practice, moderator, NotificationKind.PRACTICE_PUBLISHED
    )
    return practice


def request_changes(moderator: User, practice: Practice, *, comment: str) -> Practice:
    """Send a practice (or an edit) back to its author with what to change."""
    _require_reviewer(moderator, practice)
    comment = _reason(comment, required=True)
    revision = _under_review(practice)
    if revision is not None:
        revision.state = RevisionState.CHANGES_REQUESTED
        revision.review_comment = comment
    else:
        practice.state = PracticeState.CHANGES_REQUESTED
    practice.review_comment = comment
    practice.reviewed_by_id = moderator.id
    _log(moderator, "practice.request_changes", practice, comment)
    db.session.commit()
    notifications.on_practice_reviewed(
        practice, moderator, NotificationKind.PRACTICE_CHANGES
    )
    return practice


def reject_practice(moderator: User, practice: Practice, *, reason: str) -> Practice:
    """Refuse a submitted practice (or discard an edit) with a reason."""
    _require_reviewer(moderator, practice)
    reason = _reason(reason, required=True)
    revision = _under_review(practice)
    dropped = []
    if revision is not None:
        revision.state = RevisionState.REJECTED
        revision.review_comment = reason
        practice.pending_revision = None
        dropped = attachments.drop_pending_files(practice)
    else:
        practice.state = PracticeState.REJECTED
    practice.review_comment = reason
    practice.reviewed_by_id = moderator.id
    _log(moderator, "practice.reject", practice, reason)
    db.session.commit()
    attachments.forget_unused(dropped)
    notifications.on_practice_reviewed(
        practice, moderator, NotificationKind.PRACTICE_REJECTED
    )
    return practice


def withdraw_practice(moderator: User, practice: Practice, *, reason: str) -> Practice:
    """Take a published practice out of the library (it becomes rejected)."""
    _require_reviewer(moderator, practice)
    reason = _reason(reason, required=True)
    if not practice.is_published:
        raise ValidationError(_("Only a published practice can be withdrawn."))
    practice.state = PracticeState.REJECTED
    practice.featured = False
    practice.review_comment = reason
    practice.reviewed_by_id = moderator.id
    _log(moderator, "practice.withdraw", practice, reason)
    db.session.commit()
    search.sync_practices(practice)
    notifications.on_practice_reviewed(
        practice, moderator, NotificationKind.PRACTICE_REJECTED
    )
    return practice


def set_featured(moderator: User, practice: Practice, featured: bool) -> Practice:
    """Feature a published practice on the library's front page, or stop."""
    _require_reviewer(moderator, practice)
    if featured and not practice.is_published:
        raise ValidationError(_("Only a published practice can be featured."))
    if practice.featured != featured:
        practice.featured = featured
        _log(
            moderator,
            "practice.feature" if featured else "practice.unfeature",
            practice,
        )
        db.session.commit()
    return practice


def _waiting_in_scope(moderator: User):
    """The practices and edits waiting for `moderator` (a query to refine)."""
    waiting_edit = Practice.pending_revision_id.in_(
        select(PracticeRevision.id).where(
            PracticeRevision.state == RevisionState.PENDING
        )
    )
    return select(Practice).where(
        practices_in_scope(moderator),
        or_(Practice.state == PracticeState.SUBMITTED, waiting_edit),
    )


def review_queue(moderator: User) -> list[Practice]:
    """Return the practices and edits waiting for `moderator`, oldest first."""
    query = _waiting_in_scope(moderator).order_by(Practice.submitted_at, Practice.id)
    return list(db.session.scalars(query))


def waiting_count_query(moderator: User):
    """Return a query counting what waits for `moderator` (to add to other counts)."""
    return _waiting_in_scope(moderator).with_only_columns(func.count(Practice.id))


def waiting_count(moderator: User) -> int:
    """Count the practices and edits waiting for `moderator`."""
    if not getattr(moderator, "is_moderator", False):
        return 0
    return db.session.scalar(waiting_count_query(moderator))


# Links with the forum -------------------------------------------------------


def _open_discussion(practice: Practice) -> None:
    """Give a newly published practice its thread (translations share one)."""
    root = db.session.get(Practice, practice.root_id)
    thread_id = None
    if root is not None and root.id != practice.id:
        thread_id = root.thread_id
    if thread_id is None and practice.source_thread_id:
        source = db.session.get(Thread, practice.source_thread_id)
        thread_id = source.id if source and source.is_public else None
    if thread_id is None:
        thread_id = threads.open_discussion(
            practice.author,
            title=practice.title,
            body=_discussion_body(practice),
            country=practice.country_code,
            themes=practice.theme_slugs,
            language=practice.language,
        ).id
    practice.thread_id = thread_id
    db.session.commit()


def _discussion_body(practice: Practice) -> str:
    """Introduce the practice, in its own language when the site speaks it."""
    language = practice.language if practice.language in LANGUAGE_NAMES else "en"
    with force_locale(language):
        return _introduction(practice)


def _introduction(practice: Practice) -> str:
    link = current_app.url_map.bind("").build(
        "library.view_practice", {"practice_id": practice.id}
    )
    summary = Markup.escape(practice.summary)
    label = _("Read the good practice")
    return "\n\n".join(
        [
            _("Discussion of the good practice **%(title)s**.", title=practice.title),
            f"> {summary}" if practice.summary else "",
            f"[{label}]({link})",
        ]
    ).strip()


def promote_thread(moderator: User, thread: Thread) -> Practice:
    """Turn a discussion into a practice draft, pre-filled from its opening post."""
    if moderator is None or not moderator.moderates(
        thread.country_code, thread.theme_slugs
    ):
        raise PermissionDenied(_("This is outside the area you moderate."))
    opening = db.session.scalar(
        select(Post).where(Post.thread_id == thread.id, Post.is_first.is_(True))
    )
    summary = Markup(opening.body_html).striptags() if opening else ""
    practice = create_practice(
        moderator,
        {
            "title": thread.title,
            "summary": summary[:500].rsplit(" ", 1)[0]
            if len(summary) > 500
            else summary,
            "sections": {"context": opening.body_markdown if opening else ""},
            "country": thread.country_code,
            "themes": thread.theme_slugs,
            "actor_types": ["other"],
            "language": thread.language,
        },
        source_thread_id=thread.id,
    )
    audit.record_action(
        moderator,
        "thread.promote",
        target_type="thread",
        target_id=thread.id,
        target_label=thread.title,
        details={"practice_id": practice.id},
        country_code=thread.country_code,
        theme_slugs=thread.theme_slugs,
    )
    db.session.commit()
    return practice
