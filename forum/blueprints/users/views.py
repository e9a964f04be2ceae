"""Profile pages, settings, API tokens, the language switcher."""

from __future__ import annotations

from types import SimpleNamespace

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select

from forum.blueprints.downloads import member_data_file
from forum.blueprints.forms import form_status, submit
from forum.blueprints.redirects import safe_next
from forum.blueprints.users import bp
from forum.blueprints.users.forms import EraseAccountForm, ProfileForm, TokenForm
from forum.errors import NotFound
from forum.extensions import csrf, db
from forum.i18n import LANGUAGE_COOKIE, current_locale_code
from forum.models import User
from forum.services import api_tokens, discussions, member_data, members


@bp.route("/u/<username>")
def profile(username: str):
    """Show a member's public profile."""
    user = db.session.scalar(select(User).where(User.username == username.lower()))
    if user is None or user.is_deleted:
        raise NotFound(_("There is no member with that username."))
    return render_template(
        "users/profile.html", user=user, posts=discussions.recent_posts_by(user)
    )


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Edit one's own profile and preferences."""
    form = ProfileForm(obj=None if request.method == "POST" else _profile_data())
    form.fill_choices(current_locale_code())
    if form.validate_on_submit():
        outcome = submit(
            form,
            members.update_profile,
            current_user,
            display_name=form.display_name.data,
            organisation=form.organisation.data,
            actor_type=form.actor_type.data,
            country_code=form.country.data or None,
            languages=form.languages.data or [],
            bio=form.bio.data,
            locale=form.locale.data,
            timezone=form.timezone.data,
            email_notifications=form.email_notifications.data,
        )
        if outcome.ok:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("users.settings"))
    return render_template("users/settings.html", form=form), form_status(form)


def _profile_data():
    user = current_user
    return SimpleNamespace(
        display_name=user.display_name,
        organisation=user.organisation,
        actor_type=user.actor_type.value,
        country=user.country_code or "",
        languages=user.languages,
        bio=user.bio_markdown,
        locale=user.locale or current_locale_code(),
        timezone=user.timezone,
        email_notifications=user.email_notifications,
    )


@bp.route("/language", methods=["POST"])
@csrf.exempt
def set_language():
    """Switch the UI language (kept on the account, or in a cookie)."""
    # A visitor's switch only sets a cookie, so visitors' pages carry no
    # per-session token and can be cached; a member's account needs one.
    if current_user.is_authenticated:
        csrf.protect()
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        abort(400)
    if current_user.is_authenticated:
        members.set_ui_locale(current_user, locale)
    response = redirect(safe_next(request.form.get("next")))
    response.set_cookie(
        LANGUAGE_COOKIE, locale, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
    )
    return response


@bp.route("/settings/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """List, create and revoke personal API tokens."""
    form = TokenForm()
    new_secret = None
    if form.validate_on_submit():
        outcome = submit(
            form, api_tokens.create_api_token, current_user, name=form.name.data
        )
        if outcome.ok:
            new_secret = outcome.value[1]
            form = TokenForm(formdata=None)
    return render_template(
        "users/tokens.html",
        form=form,
        tokens=api_tokens.list_api_tokens(current_user),
        new_secret=new_secret,
    ), form_status(form)


@bp.route("/settings/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """Revoke one of one's own API tokens."""
    api_tokens.revoke_api_token(current_user, token_id)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("users.tokens"))


@bp.route("/settings/data", methods=["GET", "POST"])
@login_required
def download_data():
    """Show what one may download, and send one's own data as a JSON file."""
    if request.method == "GET":
        return render_template("users/data.html")
    document = member_data.member_data_json(current_user, current_user)
    return member_data_file(document, current_user.username)


@bp.route("/settings/erase", methods=["GET", "POST"])
@login_required
def erase_account():
    """Erase one's own account after confirming the password."""
    form = EraseAccountForm()
    if form.validate_on_submit():
        outcome = submit(
            form, members.erase_own_account, current_user, password=form.password.data
        )
        if outcome.ok:
            logout_user()
            flash(_("Your account is erased. Thank you for taking part."), "info")
            return redirect(url_for("forum.index"))
    return render_template("users/erase.html", form=form), form_status(form)
