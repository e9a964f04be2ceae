"""The notifications page, opening a notification, marking them all read."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.blueprints.notifications import bp
from forum.blueprints.paging import page_number
from forum.services import notifications


@bp.app_context_processor
def unread_notifications():
    """Offer templates the unread count, queried only when a page asks for it."""
    return {
        "unread_notification_count": lambda: notifications.unread_count(current_user)
    }


@bp.route("/notifications")
@login_required
def list_notifications():
    """List the member's notifications, newest first, unread ones marked."""
    return render_template(
        "notifications/list.html",
        listing=notifications.list_notifications(current_user, page=page_number()),
        shows_content=lambda n: notifications.shows_content(current_user, n),
        describe=notifications.describe,
    )


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Mark a notification read and go to the post it is about."""
    notification = notifications.open_notification(current_user, notification_id)
    if not notifications.shows_content(current_user, notification):
        flash(_("This content is no longer available."), "info")
    elif notification.practice_id:
        return redirect(
            url_for("library.view_practice", practice_id=notification.practice_id)
        )
    elif notification.post_id:
        return redirect(url_for("forum.permalink", post_id=notification.post_id))
    elif notification.thread_id:
        return redirect(url_for("forum.view_thread", thread_id=notification.thread_id))
    return redirect(url_for("notifications.list_notifications"))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    """Mark every notification read."""
    notifications.mark_all_read(current_user)
    flash(_("All your notifications are marked as read."), "success")
    return redirect(url_for("notifications.list_notifications"))
