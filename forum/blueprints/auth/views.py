"""Account pages: register, confirm, log in and out, reset a password."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forum.blueprints.auth import bp
from forum.blueprints.auth.forms import (
    ChangePasswordForm,
    EmailForm,
    LoginForm,
    NewPasswordForm,
    RegisterForm,
)
from forum.blueprints.forms import form_status, submit
from forum.blueprints.redirects import safe_next
from forum.extensions import limiter
from forum.i18n import current_locale_code
from forum.services import accounts


def _register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _reset_limit() -> str:
    return current_app.config["RATELIMIT_RESET"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    """Create an account."""
    if current_user.is_authenticated:
        return redirect(url_for("forum.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        outcome = submit(
            form,
            accounts.register_user,
            email=form.email.data,
            username=form.username.data,
            display_name=form.display_name.data,
            password=form.password.data,
            locale=current_locale_code(),
        )
        if outcome.ok:
            return redirect(url_for("auth.check_email"))
    return render_template("auth/register.html", form=form), form_status(form)


@bp.route("/check-email")
def check_email():
    """Tell a new member to look for the confirmation link."""
    return render_template("auth/check_email.html")


@bp.route("/confirm/<token>")
def confirm_email(token: str):
    """Confirm an address from the emailed link."""
    user = accounts.confirm_email(token)
    if user.can_log_in:
        flash(_("Your email address is confirmed. You can log in."), "success")
    else:
        flash(
            _(
                "Your email address is confirmed. "
                "An administrator will now review your account."
            ),
            "success",
        )
    return redirect(url_for("auth.login"))


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def resend_confirmation():
    """Send the confirmation link again."""
    form = EmailForm()
    if form.validate_on_submit():
        accounts.resend_confirmation(form.email.data)
        flash(_("If that address waits for confirmation, we sent a new link."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/resend_confirmation.html", form=form), form_status(
        form
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        outcome = submit(
            form, accounts.authenticate, form.email.data, form.password.data
        )
        if outcome.ok:
            login_user(outcome.value, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), form_status(form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (a POST, so that no link can log someone out)."""
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("forum.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def request_reset():
    """Ask for a password reset link."""
    form = EmailForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(
            _(
                "If an account uses that address, "
                "we sent it a link to choose a new password."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/request_reset.html", form=form), form_status(form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    """Choose a new password from an emailed link."""
    accounts.user_for_reset_token(token)
    form = NewPasswordForm()
    if form.validate_on_submit():
        outcome = submit(form, accounts.reset_password, token, form.password.data)
        if outcome.ok:
            flash(_("Your password is changed. You can log in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), form_status(form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password of the logged-in member."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        outcome = submit(
            form,
            accounts.change_password,
            current_user,
            current_password=form.current_password.data,
            new_password=form.password.data,
        )
        if outcome.ok:
            # The session token changed; log this browser in again with it.
            login_user(current_user._get_current_object())
            flash(
                _("Your password is changed. Other devices are logged out."), "success"
            )
            return redirect(url_for("users.settings"))
    return render_template("auth/change_password.html", form=form), form_status(form)
