"""Notifications: who hears of what, in-app and by email.

The thread and post services call these hooks once content becomes public
(at creation, or when a moderator approves it). The content is committed
before they run, so nothing here (a mail server down, say) may lose it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import selectinload

from forum.columns import utcnow
from forum.errors import NotFound
from forum.extensions import db
from forum.labels import NOTIFICATION_TEXTS
from forum.mail import send_template_mail
from forum.markup import extract_mentions
from forum.models import (
    AccountStatus,
    ChatMessage,
    Follow,
    Notification,
    NotificationKind,
    Participation,
    Post,
    Practice,
    Thread,
    ThreadWatch,
    User,
    Workshop,
)
from forum.services.discussions import Page
from forum.services.visibility import (
    can_see_practice,
    can_see_thread,
    in_moderation_scope,
    public_posts,
    public_threads,
    readable_post,
)

NONE, IMMEDIATE, DAILY = "none", "immediate", "daily"
EMAIL_FREQUENCIES = (NONE, IMMEDIATE, DAILY)
PER_PAGE = 30
# A digest lists at most this many notifications (the page lists them all).
DIGEST_MAX_ITEMS = 50

# One post may concern a member in several ways: they hear of it once, for
# the most specific reason (lower rank wins).
RANK = {
    NotificationKind.MENTION: 0,
    NotificationKind.REPLY: 1,
    NotificationKind.WATCHED_REPLY: 2,
    NotificationKind.NEW_THREAD: 3,
}


# Hooks ----------------------------------------------------------------------


def on_thread_published(thread: Thread, first_post: Post) -> None:
    """Tell the followers of the thread's country and themes, and those mentioned."""
    if not _published(first_post):
        return
    followers = db.session.scalars(
        select(Follow.user_id).where(
            or_(
                Follow.country_code == thread.country_code,
                Follow.theme_slug.in_(thread.theme_slugs),
            )
        )
    )
    kinds: dict[int, NotificationKind] = {}
    _offer(kinds, followers, NotificationKind.NEW_THREAD)
    _offer(kinds, _mentioned_ids(_mentions(first_post)), NotificationKind.MENTION)
    _notify(first_post, kinds)


def on_reply_published(post: Post) -> None:
    """Tell the author of what was answered, the thread's watchers, those mentioned."""
    if not _published(post):
        return
    thread = post.thread
    watchers = db.session.scalars(
        select(ThreadWatch.user_id).where(ThreadWatch.thread_id == thread.id)
    )
    answered = (
        db.session.get(Post, post.parent_id).author_id
        if post.parent_id
        else thread.author_id
    )
    kinds: dict[int, NotificationKind] = {}
    _offer(kinds, watchers, NotificationKind.WATCHED_REPLY)
    _offer(kinds, [answered], NotificationKind.REPLY)
    _offer(kinds, _mentioned_ids(_mentions(post)), NotificationKind.MENTION)
    _notify(post, kinds)


def on_post_edited(post: Post, mentioned_before: set[str]) -> None:
    """Tell members newly mentioned in an edited post."""
    if not _published(post):
        return
    names = _mentions(post) - set(mentioned_before)
    already = db.session.scalars(
        select(Notification.user_id).where(
            Notification.post_id == post.id,
            Notification.kind == NotificationKind.MENTION,
        )
    )
    kinds: dict[int, NotificationKind] = {}
    _offer(kinds, set(_mentioned_ids(names)) - set(already), NotificationKind.MENTION)
    _notify(post, kinds)


def on_answer_accepted(post: Post, accepted_by: User) -> None:
    """Tell the author of a reply that it was marked as the answer."""
    if not _published(post):
        return
    _notify(post, {post.author_id: NotificationKind.ACCEPTED}, actor_id=accepted_by.id)


def on_practice_reviewed(
    practice: Practice, moderator: User, kind: NotificationKind
) -> None:
    """Tell a practice's author what a moderator decided."""
    _notify_about_practice(practice, practice.author_id, kind, actor_id=moderator.id)


def on_practice_adopted(practice: Practice, member: User) -> None:
    """Tell a practice's author that an organisation adopted or adapted it."""
    _notify_about_practice(
        practice,
        practice.author_id,
        NotificationKind.PRACTICE_ADOPTED,
        actor_id=member.id,
    )


def _notify_about_practice(
    practice: Practice, user_id: int, kind: NotificationKind, *, actor_id: int
) -> None:
    user = db.session.get(User, user_id)
    if user_id == actor_id or user is None or not user.can_log_in:
        return
    notification = Notification(
        user_id=user_id, kind=kind.value, actor_id=actor_id, practice_id=practice.id
    )
    db.session.add(notification)
    db.session.commit()
    _email_each([(notification, user)])


def on_chat_mention(message: ChatMessage, workshop: Workshop) -> None:
    """Tell members mentioned in a workshop message (if they may enter the room)."""
    from forum.services.workshops import may_enter

    names = extract_mentions(message.body_markdown)
    if not names:
        return
    made = []
    for user in db.session.scalars(select(User).where(User.username.in_(names))):
        if user.id == message.author_id or not may_enter(user, workshop):
            continue
        notification = Notification(
            user_id=user.id,
            kind=NotificationKind.CHAT_MENTION.value,
            actor_id=message.author_id,
            workshop_id=workshop.id,
        )
        db.session.add(notification)
        made.append((notification, user))
    if made:
        db.session.commit()
        _email_each(made)


def send_workshop_reminders(now: datetime | None = None) -> int:
    """Remind registered and invited members, and facilitators, of workshops
    starting soon; each workshop is reminded once. Return how many members."""
    from forum.services.workshop_outcomes import due_reminders

    now = now or utcnow()
    reminded = 0
    for workshop in due_reminders(now):
        made = []
        for user in _workshop_audience(workshop):
            notification = Notification(
                user_id=user.id,
                kind=NotificationKind.WORKSHOP_REMINDER.value,
                workshop_id=workshop.id,
            )
            db.session.add(notification)
            made.append((notification, user))
        workshop.reminder_sent_at = now
        db.session.commit()
        _email_each(made)
        reminded += len(made)
    return reminded


def _workshop_audience(workshop: Workshop) -> list[User]:
    registered = select(Participation.user_id).where(
        Participation.workshop_id == workshop.id,
        Participation.registered.is_(True),
        Participation.removed_at.is_(None),
    )
    members = db.session.scalars(select(User).where(User.id.in_(registered)))
    audience = {user.id: user for user in members}
    for facilitator in workshop.facilitators:
        audience.setdefault(facilitator.id, facilitator)
    return [user for user in audience.values() if user.can_log_in]


def _mentions(post: Post) -> set[str]:
    return extract_mentions(post.body_markdown)


def _published(post: Post) -> bool:
    return post.is_public and post.thread.is_public


def _offer(
    kinds: dict[int, NotificationKind], user_ids: Iterable[int], kind: NotificationKind
) -> None:
    """Give each member `kind` unless they already have a more specific one."""
    for user_id in user_ids:
        current = kinds.get(user_id)
        if current is None or RANK[kind] < RANK[current]:
            kinds[user_id] = kind


def _mentioned_ids(names: set[str]) -> list[int]:
    """Return the ids of the members with these usernames (unknown names ignored)."""
    if not names:
        return []
    return list(db.session.scalars(select(User.id).where(User.username.in_(names))))


def _notify(
    post: Post, kinds: dict[int, NotificationKind], *, actor_id: int | None = None
) -> None:
    """Store one notification per member who may read the post, then email some.

    The actor (by default the post's author) never hears of their own act.
    """
    actor_id = post.author_id if actor_id is None else actor_id
    kinds.pop(actor_id, None)
    if not kinds:
        return
    recipients = db.session.scalars(
        select(User).where(User.id.in_(kinds)).order_by(User.id)
    )
    made = []
    for user in recipients:
        if not _may_hear_of(user, post):
            continue
        notification = Notification(
            user_id=user.id,
            kind=kinds[user.id].value,
            actor_id=actor_id,
            thread_id=post.thread_id,
            post_id=post.id,
        )
        db.session.add(notification)
        made.append((notification, user))
    db.session.commit()
    _email_each(made)


def _may_hear_of(user: User, post: Post) -> bool:
    return (
        user.can_log_in
        and can_see_thread(user, post.thread)
        and readable_post(user, post)
    )


# Email ----------------------------------------------------------------------


def describe(notification: Notification) -> str:
    """Say in one line, in the current language, what the notification is about."""
    template = NOTIFICATION_TEXTS.get(notification.kind)
    if template is None:
        return notification.message
    actor = notification.actor.public_name if notification.actor else _("Someone")
    title = notification.thread.title if notification.thread else ""
    if notification.practice is not None:
        title = notification.practice.title
    if notification.workshop is not None:
        title = notification.workshop.title
    return str(template) % {"actor": _isolate(actor), "title": _isolate(title)}


def _isolate(text: str) -> str:
    """Wrap text in Unicode direction isolates, so an Arabic title in an English
    sentence (or the reverse) keeps its own direction."""
    return f"\u2068{text}\u2069"


def _link(notification: Notification) -> str:
    if notification.workshop_id:
        return url_for(
            "workshops.view_room", workshop_id=notification.workshop_id, _external=True
        )
    if notification.practice_id:
        return url_for(
            "library.view_practice",
            practice_id=notification.practice_id,
            _external=True,
        )
    if notification.post_id:
        return url_for("forum.permalink", post_id=notification.post_id, _external=True)
    return url_for(
        "forum.view_thread", thread_id=notification.thread_id, _external=True
    )


def _mail(user: User, template: str, **context) -> bool:
    """Send one notification mail; log a failure instead of raising it."""
    try:
        send_template_mail(
            to=user.email,
            locale=user.locale,
            template=template,
            user=user,
            describe=describe,
            settings_url=url_for("users.settings", _external=True),
            **context,
        )
    except Exception:  # the content is saved; a lost mail must not undo it
        current_app.logger.exception("Could not email %s to %s", template, user.email)
        return False
    return True


def _email_each(made: list[tuple[Notification, User]]) -> None:
    """Send one mail per notification to members who want them at once."""
    if not has_request_context() and not current_app.config["SERVER_NAME"]:
        # From a command, without SERVER_NAME, mails could carry no link.
        current_app.logger.warning("Notification mails not sent: no SERVER_NAME.")
        return
    sent = False
    for notification, user in made:
        if user.email_notifications != IMMEDIATE:
            continue
        if _mail(user, "notification", notification=notification, link=_link):
            notification.emailed_at = utcnow()
            sent = True
    if sent:
        db.session.commit()


def send_digests(now: datetime | None = None) -> int:
    """Mail each daily-digest member their unread notifications since the last one.

    A member gets at most one digest per (UTC) day, so running this twice the
    same day sends nothing new. Return the number of mails sent.
    """
    now = now or utcnow()
    members = db.session.scalars(
        select(User)
        .where(
            User.email_notifications == DAILY,
            User.status.not_in([AccountStatus.PENDING, AccountStatus.DELETED]),
        )
        .order_by(User.id)
    ).all()
    sent = 0
    for user in members:
        if not user.can_log_in or _digest_sent_on(user, now):
            continue
        sent += _send_digest(user, now)
    return sent


def _digest_sent_on(user: User, now: datetime) -> bool:
    return user.digest_sent_at is not None and user.digest_sent_at.date() == now.date()


def _send_digest(user: User, now: datetime) -> int:
    since = user.digest_sent_at or now - timedelta(days=1)
    pending = db.session.scalars(
        select(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
            Notification.emailed_at.is_(None),
            Notification.created_at > since,
            Notification.created_at <= now,
        )
        .options(selectinload(Notification.post))
        .order_by(Notification.created_at, Notification.id)
    ).all()
    shown = [n for n in pending if shows_content(user, n)]
    if shown and not _mail(
        user,
        "digest",
        notifications=shown[:DIGEST_MAX_ITEMS],
        more=max(0, len(shown) - DIGEST_MAX_ITEMS),
        link=_link,
        list_url=url_for("notifications.list_notifications", _external=True),
    ):
        db.session.rollback()  # try this member again at the next run
        return 0
    for notification in pending:
        notification.emailed_at = now
    user.digest_sent_at = now
    db.session.commit()
    return 1 if shown else 0


# Reading --------------------------------------------------------------------


def shows_content(viewer: User, notification: Notification) -> bool:
    """Say whether the notification's thread and post may be shown to `viewer`."""
    if notification.practice is not None and not can_see_practice(
        viewer, notification.practice
    ):
        return False
    if notification.thread is not None and not can_see_thread(
        viewer, notification.thread
    ):
        return False
    return notification.post is None or readable_post(viewer, notification.post)


def _visible_to(viewer: User):
    """The notifications whose content `viewer` may still see (for counting)."""
    scope = in_moderation_scope(viewer)
    return and_(
        or_(Notification.thread_id.is_(None), public_threads(), scope),
        or_(Notification.post_id.is_(None), public_posts(), scope),
    )


def unread_count(user: User) -> int:
    """Return how many notifications `user` has not read (one query)."""
    return db.session.scalar(
        select(func.count(Notification.id))
        .select_from(Notification)
        .outerjoin(Thread, Thread.id == Notification.thread_id)
        .outerjoin(Post, Post.id == Notification.post_id)
        .where(
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
            _visible_to(user),
        )
    )


def list_notifications(user: User, *, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Return one page of the member's notifications, newest first."""
    total = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id)
    )
    items = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .options(selectinload(Notification.post))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=list(items), total=total, page=page, per_page=per_page)


def open_notification(user: User, notification_id: int) -> Notification:
    """Return one of the member's notifications, marked read."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound(_("This notification does not exist."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return notification


def mark_all_read(user: User) -> None:
    """Mark every notification of the member read."""
    _mark_read(Notification.user_id == user.id)


def mark_thread_notifications_read(
    user: User, thread: Thread, *, commit: bool = True
) -> None:
    """Mark the member's notifications about a thread read (one UPDATE)."""
    _mark_read(
        Notification.user_id == user.id,
        Notification.thread_id == thread.id,
        commit=commit,
    )


def _mark_read(*conditions, commit: bool = True) -> None:
    # No session synchronisation: nothing the page holds is expired or reloaded.
    db.session.execute(
        update(Notification)
        .where(*conditions, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if commit:
        db.session.commit()
