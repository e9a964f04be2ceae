"""Administration pages: members, countries and themes, the audit log."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from forum.blueprints.admin import bp
from forum.blueprints.admin.forms import (
    CountryForm,
    MemberDataForm,
    ReasonForm,
    RoleForm,
    SuspendForm,
    ThemeForm,
)
from forum.blueprints.downloads import member_data_file
from forum.blueprints.forms import choices, form_status, submit
from forum.blueprints.paging import page_number
from forum.errors import NotFound
from forum.extensions import db, login_manager
from forum.i18n import current_locale_code
from forum.models import AccountStatus, ActorType, Role, User
from forum.services import audit, member_data, members, reference
from forum.services.permissions import require_admin


@bp.before_request
def _admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require_admin(current_user)
    return None


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("There is no such member."))
    return user


@bp.route("/")
def index():
    """Open the administration area on the members list."""
    return redirect(url_for("admin.list_users"))


@bp.route("/users")
def list_users():
    """List members with search and filters."""
    filters = {
        "search": request.args.get("q", "")[:100],
        "role": request.args.get("role") or None,
        "status": request.args.get("status") or None,
        "country_code": request.args.get("country") or None,
        "actor_type": request.args.get("actor_type") or None,
    }
    page = db.paginate(
        members.user_query(**filters),
        page=page_number(),
        per_page=current_app.config["ADMIN_USERS_PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "admin/users.html",
        page=page,
        filters=filters,
        countries=reference.list_countries(),
        roles=list(Role),
        statuses=list(AccountStatus),
        actor_types=list(ActorType),
    )


def _role_form(user: User) -> RoleForm:
    locale = current_locale_code()
    form = RoleForm(
        data=None
        if request.method == "POST"
        else {
            "role": user.role.value,
            "everywhere": user.moderates_everywhere,
            "countries": [c.code for c in user.scope_countries],
            "themes": [t.slug for t in user.scope_themes],
            "can_organise": user.can_organise,
        }
    )
    form.countries.choices = choices(
        (c.code, c.name_in(locale)) for c in reference.list_countries()
    )
    form.themes.choices = choices(
        (t.slug, t.name_in(locale)) for t in reference.list_themes()
    )
    return form


def _render_user(user: User, status: int = 200, **forms):
    forms.setdefault("role_form", _role_form(user))
    forms.setdefault("suspend_form", SuspendForm(formdata=None))
    forms.setdefault("reason_form", ReasonForm(formdata=None))
    forms.setdefault("data_form", MemberDataForm(formdata=None))
    log = db.session.scalars(
        audit.audit_query(target_type="user", target_id=user.id).limit(20)
    ).all()
    return render_template("admin/user.html", user=user, log=log, **forms), status


@bp.route("/users/<int:user_id>")
def view_user(user_id: int):
    """Show one member with the actions an admin can take."""
    return _render_user(_user_or_404(user_id))


@bp.route("/users/<int:user_id>/approve", methods=["POST"])
def approve_user(user_id: int):
    """Approve a pending account."""
    user = _user_or_404(user_id)
    form = ReasonForm()
    if form.validate_on_submit():
        members.approve_user(current_user, user)
        flash(_("The account is approved."), "success")
    return redirect(url_for("admin.view_user", user_id=user.id))


@bp.route("/users/<int:user_id>/suspend", methods=["POST"])
def suspend_user(user_id: int):
    """Suspend an account until a date."""
    user = _user_or_404(user_id)
    form = SuspendForm()
    if form.validate_on_submit():
        until = form.until.data
        if until is not None:
            until = until.replace(tzinfo=ZoneInfo(current_user.timezone or "UTC"))
        outcome = submit(
            form,
            members.suspend_user,
            current_user,
            user,
            until=until,
            reason=form.reason.data,
        )
        if outcome.ok:
            flash(_("The account is suspended."), "success")
            return redirect(url_for("admin.view_user", user_id=user.id))
    return _render_user(user, 422, suspend_form=form)


@bp.route("/users/<int:user_id>/unsuspend", methods=["POST"])
def unsuspend_user(user_id: int):
    """Lift a suspension early."""
    user = _user_or_404(user_id)
    form = ReasonForm()
    if form.validate_on_submit():
        members.lift_suspension(current_user, user, reason=form.reason.data)
        flash(_("The suspension is lifted."), "success")
    return redirect(url_for("admin.view_user", user_id=user.id))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
def set_role(user_id: int):
    """Change a member's role, moderator scope and organiser right."""
    user = _user_or_404(user_id)
    form = _role_form(user)
    if form.validate_on_submit():
        outcome = submit(
            form,
            members.set_role,
            current_user,
            user,
            role=form.role.data,
            everywhere=form.everywhere.data,
            country_codes=form.countries.data or [],
            theme_slugs=form.themes.data or [],
            can_organise=form.can_organise.data,
            reason=form.reason.data,
        )
        if outcome.ok:
            flash(_("The role is saved."), "success")
            return redirect(url_for("admin.view_user", user_id=user.id))
    return _render_user(user, 422, role_form=form)


@bp.route("/users/<int:user_id>/erase", methods=["POST"])
def erase_user(user_id: int):
    """Erase a member's personal data, keeping their content anonymously."""
    user = _user_or_404(user_id)
    form = ReasonForm()
    if form.validate_on_submit():
        members.erase_account(current_user, user, reason=form.reason.data)
        flash(_("The account is erased."), "success")
    return redirect(url_for("admin.view_user", user_id=user.id))


@bp.route("/users/<int:user_id>/data", methods=["POST"])
def download_user_data(user_id: int):
    """Send a member's data as a JSON file; the audit log records the download."""
    user = _user_or_404(user_id)
    form = MemberDataForm()
    if form.validate_on_submit():
        outcome = submit(
            form,
            member_data.download_member_data,
            current_user,
            user,
            reason=form.reason.data or "",
        )
        if outcome.ok:
            return member_data_file(outcome.value, user.username)
    return _render_user(user, 422, data_form=form)


def _country_pages() -> dict:
    """Texts of the country pages, which share their templates with themes."""
    return {
        "page_title": _("Countries"),
        "key_label": _("Code"),
        "key_arg": "code",
        "edit_endpoint": "admin.edit_country",
        "add_title": _("Add a country"),
        "add_label": _("Add the country"),
    }


def _theme_pages() -> dict:
    """Texts of the theme pages, which share their templates with countries."""
    return {
        "page_title": _("Themes"),
        "key_label": _("Slug"),
        "key_arg": "slug",
        "edit_endpoint": "admin.edit_theme",
        "add_title": _("Add a theme"),
        "add_label": _("Add the theme"),
    }


@bp.route("/countries", methods=["GET", "POST"])
def list_countries():
    """List countries and add one."""
    form = CountryForm()
    if form.validate_on_submit():
        outcome = submit(
            form,
            reference.create_country,
            current_user,
            code=form.code.data,
            names=form.names(),
        )
        if outcome.ok:
            flash(_("The country is added."), "success")
            return redirect(url_for("admin.list_countries"))
    return render_template(
        "admin/reference_list.html",
        rows=reference.list_countries(include_retired=True),
        form=form,
        **_country_pages(),
    ), form_status(form)


@bp.route("/countries/<code>", methods=["GET", "POST"])
def edit_country(code: str):
    """Rename, retire or restore a country."""
    country = reference.get_country(code)
    form = CountryForm(data=None if request.method == "POST" else _names_data(country))
    if form.validate_on_submit():
        outcome = submit(
            form,
            reference.update_country,
            current_user,
            country,
            names=form.names(),
            active=form.active.data,
        )
        if outcome.ok:
            flash(_("The country is saved."), "success")
            return redirect(url_for("admin.list_countries"))
    return render_template(
        "admin/edit_reference.html", row=country, form=form, **_country_pages()
    ), form_status(form)


@bp.route("/themes", methods=["GET", "POST"])
def list_themes():
    """List themes and add one."""
    form = ThemeForm()
    if form.validate_on_submit():
        outcome = submit(
            form,
            reference.create_theme,
            current_user,
            slug=form.slug.data,
            names=form.names(),
            descriptions=form.descriptions(),
        )
        if outcome.ok:
            flash(_("The theme is added."), "success")
            return redirect(url_for("admin.list_themes"))
    return render_template(
        "admin/reference_list.html",
        rows=reference.list_themes(include_retired=True),
        form=form,
        **_theme_pages(),
    ), form_status(form)


@bp.route("/themes/<slug>", methods=["GET", "POST"])
def edit_theme(slug: str):
    """Rename, describe, retire or restore a theme."""
    theme = reference.get_theme(slug)
    data = _names_data(theme)
    data.update({f"description_{k}": v for k, v in theme.descriptions.items()})
    form = ThemeForm(data=None if request.method == "POST" else data)
    if form.validate_on_submit():
        outcome = submit(
            form,
            reference.update_theme,
            current_user,
            theme,
            names=form.names(),
            descriptions=form.descriptions(),
            active=form.active.data,
        )
        if outcome.ok:
            flash(_("The theme is saved."), "success")
            return redirect(url_for("admin.list_themes"))
    return render_template(
        "admin/edit_reference.html", row=theme, form=form, **_theme_pages()
    ), form_status(form)


def _names_data(row) -> dict:
    data = {f"name_{lang}": name for lang, name in row.names.items()}
    data["active"] = row.active
    return data


@bp.route("/audit")
def audit_log():
    """Read the audit log, filtered by action or actor."""
    action = request.args.get("action") or None
    actor = request.args.get("actor", "")
    query = audit.audit_query(
        action=action,
        actor_id=int(actor) if actor.isascii() and actor.isdigit() else None,
    )
    page = db.paginate(query, page=page_number(), per_page=50, error_out=False)
    return render_template(
        "admin/audit.html", page=page, actions=audit.audit_actions(), action=action
    )
