"""Members say their organisation adopted or adapted a practice.

An adoption belongs to the practice's first language version, so the count
is the same whichever translation one reads.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.columns import MAX_ID
from forum.errors import NotFound, PermissionDenied, ValidationError
from forum.extensions import db
from forum.models import AdoptionKind, Practice, PracticeAdoption, User
from forum.services import audit, notifications

NOTE_MAX = 500
ORGANISATION_MAX = 200


def _clean(kind: str, note: str, organisation: str) -> tuple[str, str, str]:
    if kind not in {k.value for k in AdoptionKind}:
        raise ValidationError(_("Say whether you adopted or adapted it."), field="kind")
    note = (note or "").strip()
    organisation = " ".join((organisation or "").split())
    if len(note) > NOTE_MAX:
        raise ValidationError(
            _("Too long: at most %(n)d characters.", n=NOTE_MAX), field="note"
        )
    if not organisation:
        raise ValidationError(_("Name your organisation."), field="organisation")
    if len(organisation) > ORGANISATION_MAX:
        raise ValidationError(
            _("Too long: at most %(n)d characters.", n=ORGANISATION_MAX),
            field="organisation",
        )
    return kind, note, organisation


def record_adoption(
    member: User,
    practice: Practice,
    *,
    kind: str,
    note: str = "",
    organisation: str = "",
) -> PracticeAdoption:
    """Say (or update) that `member`'s organisation adopted or adapted a practice."""
    if member is None or not getattr(member, "is_authenticated", False):
        raise PermissionDenied(_("Log in to take part."))
    if not member.can_log_in:
        raise PermissionDenied(_("Your account cannot post at the moment."))
    if not practice.is_published:
        raise NotFound(_("This practice does not exist or is not visible."))
    kind, note, organisation = _clean(kind, note, organisation)
    adoption = _adoption_of(member, practice)
    is_new = adoption is None
    if is_new:
        adoption = PracticeAdoption(practice_id=practice.root_id, user_id=member.id)
        db.session.add(adoption)
    adoption.kind, adoption.note, adoption.organisation = kind, note, organisation
    try:
        db.session.commit()
    except IntegrityError:  # the same member, twice at once: keep the first
        db.session.rollback()
        return _adoption_of(member, practice)
    if is_new:
        notifications.on_practice_adopted(practice, member)
    return adoption


def _adoption_of(member: User, practice: Practice) -> PracticeAdoption | None:
    return db.session.scalar(
        select(PracticeAdoption).where(
            PracticeAdoption.practice_id == practice.root_id,
            PracticeAdoption.user_id == member.id,
        )
    )


def my_adoption(member, practice: Practice) -> PracticeAdoption | None:
    """Return what `member` said about this practice, if anything."""
    if not getattr(member, "is_authenticated", False):
        return None
    return _adoption_of(member, practice)


def remove_adoption(actor: User, adoption: PracticeAdoption) -> None:
    """Withdraw one's own adoption, or remove one as a moderator of the practice."""
    practice = db.session.get(Practice, adoption.practice_id)
    own = adoption.user_id == getattr(actor, "id", None)
    if not own and not (
        actor is not None
        and getattr(actor, "is_moderator", False)
        and actor.moderates(practice.country_code, practice.theme_slugs)
    ):
        raise PermissionDenied(_("You can only withdraw your own statement."))
    if not own:
        audit.record_action(
            actor,
            "practice.remove_adoption",
            target_type="practice",
            target_id=practice.id,
            target_label=practice.title,
            details={"member": adoption.user.username},
            country_code=practice.country_code,
            theme_slugs=practice.theme_slugs,
        )
    db.session.delete(adoption)
    db.session.commit()


def adoption_by_id(ident) -> PracticeAdoption | None:
    """Return the adoption with this id, or None."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        return None
    return db.session.get(PracticeAdoption, ident) if 0 < ident <= MAX_ID else None


def adoptions_of(practice: Practice) -> list[PracticeAdoption]:
    """Return every adoption of the practice (all languages), newest first."""
    return list(
        db.session.scalars(
            select(PracticeAdoption)
            .where(PracticeAdoption.practice_id == practice.root_id)
            .order_by(PracticeAdoption.created_at.desc(), PracticeAdoption.id.desc())
        )
    )


def adoption_counts(practices) -> dict[int, int]:
    """Return {practice id: adoptions} for a list of practices (one query)."""
    roots = {p.id: p.root_id for p in practices}
    if not roots:
        return {}
    rows = db.session.execute(
        select(PracticeAdoption.practice_id, func.count(PracticeAdoption.id))
        .where(PracticeAdoption.practice_id.in_(set(roots.values())))
        .group_by(PracticeAdoption.practice_id)
    )
    counts = dict(rows.all())
    return {pid: counts.get(root, 0) for pid, root in roots.items()}


def adoption_count_column():
    """Return a correlated count of a practice's adoptions, for sorting."""
    root = func.coalesce(Practice.original_id, Practice.id)
    return (
        select(func.count(PracticeAdoption.id))
        .where(PracticeAdoption.practice_id == root)
        .correlate(Practice)
        .scalar_subquery()
    )
