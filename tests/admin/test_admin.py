"""The administration area: access, members, roles, reference data, audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from forum.columns import utcnow
from forum.extensions import db
from forum.labels import AUDIT_ACTION_LABELS
from forum.models import AccountStatus, AuditEntry, Country, Role, Theme
from tests.factories import fresh_session, make_user, reload


@pytest.fixture
def amina(client, auth, admin):
    """Amina, the regional administrator, logged in."""
    auth.login(admin.email)
    return admin


@pytest.fixture
def sami(app):
    return make_user(
        username="sami",
        email="sami.trabelsi@zitouna.example",
        display_name="Sami Trabelsi",
        organisation="Coopérative Zitouna",
        country_code="TN",
    )


def audit(action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action)
    return list(fresh_session().scalars(query))


def logged_actions(page: str) -> list[str]:
    """Return the action of each row of the page's audit table, top to bottom."""
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr")[1:]
    by_label = {f">{label}<": action for action, label in AUDIT_ACTION_LABELS.items()}
    return [
        next((action for label, action in by_label.items() if label in row), row)
        for row in rows
    ]


def in_days(days: int) -> str:
    return (utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def suspend(client, user, reason="Advertising a private bank", until=None):
    data = {"reason": reason, "until": until or in_days(14)}
    return client.post(f"/admin/users/{user.id}/suspend", data=data)


def set_role(client, user, **data):
    return client.post(f"/admin/users/{user.id}/role", data=data)


# Access ---------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.location.startswith("/auth/login?next=/admin/users")


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_members_and_moderators_get_a_403_page(client, auth, role):
    user = make_user(role=role)
    auth.login(user.email)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert "Only administrators can do this." in response.text


def test_admin_sees_the_members_list(client, amina, sami, member):
    page = client.get("/admin/users").text
    assert "Sami Trabelsi" in page
    assert "maria@coop.example" in page
    assert "3 members found" in page


@pytest.fixture
def community(sami):
    """Three members who differ in every way the list can filter on."""
    make_user(
        display_name="Claire Martin",
        email="claire.martin@regionsud.example",
        organisation="Région Sud, mission ESS",
        country_code="FR",
        actor_type="public_administration",
    )
    make_user(
        display_name="Giulia Bianchi",
        email="giulia@formazione-solidale.example",
        organisation="Consorzio Formazione Solidale",
        country_code="IT",
        actor_type="training_provider",
        status=AccountStatus.SUSPENDED,
    )
    sami.role, sami.scope_countries = Role.MODERATOR, [db.session.get(Country, "TN")]
    sami.actor_type = "sse_enterprise"
    db.session.commit()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "martin"}, {"Claire Martin"}),
        ({"q": "ZITOUNA"}, {"Sami Trabelsi"}),
        ({"q": "formazione-solidale.example"}, {"Giulia Bianchi"}),
        ({"role": "moderator"}, {"Sami Trabelsi"}),
        ({"status": "suspended"}, {"Giulia Bianchi"}),
        ({"country": "FR"}, {"Claire Martin"}),
        ({"actor_type": "training_provider"}, {"Giulia Bianchi"}),
        ({"country": "TN", "role": "member"}, set()),
    ],
)
def test_search_and_filters_narrow_the_list(client, amina, community, query, expected):
    page = client.get("/admin/users", query_string=query).text
    names = {"Claire Martin", "Sami Trabelsi", "Giulia Bianchi"}
    assert {name for name in names if name in page} == expected


# Suspensions ------------------------------------------------------------------


def test_suspension_with_reason_and_end_date_is_audited(client, amina, sami):
    response = suspend(client, sami, until=in_days(14))
    assert response.status_code == 302
    sami = reload(sami)
    assert sami.status is AccountStatus.SUSPENDED
    assert sami.suspension_reason == "Advertising a private bank"
    assert sami.suspended_until > utcnow() + timedelta(days=13)
    [entry] = audit("user.suspend")
    assert (entry.actor_id, entry.reason) == (amina.id, "Advertising a private bank")


def test_suspension_end_is_read_in_the_admins_time_zone(client, amina, sami):
    amina.timezone = "Africa/Tunis"  # UTC+1 all year
    db.session.commit()
    suspend(client, sami, until="2099-06-01T10:00")
    assert reload(sami).suspended_until == datetime(2099, 6, 1, 9, 0, tzinfo=UTC)


def test_suspension_without_reason_is_refused(client, amina, sami):
    response = suspend(client, sami, reason="")
    assert response.status_code == 422
    assert reload(sami).status is AccountStatus.ACTIVE
    assert audit("user.suspend") == []


def test_admin_cannot_suspend_themselves(client, amina):
    response = suspend(client, amina)
    assert response.status_code == 403
    assert reload(amina).status is AccountStatus.ACTIVE
    assert client.get("/admin/users").status_code == 200


def test_unsuspend_lifts_the_suspension(client, amina, sami):
    suspend(client, sami)
    response = client.post(f"/admin/users/{sami.id}/unsuspend", data={"reason": ""})
    assert response.status_code == 302
    sami = reload(sami)
    assert (sami.status, sami.suspended_until) == (AccountStatus.ACTIVE, None)
    assert len(audit("user.unsuspend")) == 1


# Roles ------------------------------------------------------------------------


def test_moderator_scope_covers_its_countries_and_themes(client, amina, sami):
    response = set_role(
        client, sami, role="moderator", countries="TN", themes="social-finance"
    )
    assert response.status_code == 302
    sami = reload(sami)
    assert sami.role is Role.MODERATOR
    assert sami.moderates("TN", [])
    assert sami.moderates("FR", ["social-finance"])
    assert not sami.moderates("FR", ["digital"])
    assert audit("user.set_role")[0].details["after"]["countries"] == ["TN"]


def test_moderator_needs_a_scope(client, amina, sami):
    response = set_role(client, sami, role="moderator")
    assert response.status_code == 422
    assert "Give the moderator a scope" in response.text
    assert reload(sami).role is Role.MEMBER


def test_admin_cannot_remove_their_own_admin_role(client, amina):
    response = set_role(client, amina, role="member")
    assert response.status_code == 403
    assert reload(amina).role is Role.ADMIN


def test_admin_grants_the_organiser_right(client, amina, sami):
    assert set_role(client, sami, role="member", can_organise="y").status_code == 302
    sami = reload(sami)
    assert sami.can_organise
    assert sami.role is Role.MEMBER


def test_admin_erases_a_member_and_it_is_audited(client, amina, sami):
    response = client.post(f"/admin/users/{sami.id}/erase", data={"reason": "GDPR"})
    assert response.status_code == 302
    sami = reload(sami)
    assert sami.is_deleted
    assert "zitouna" not in sami.email
    [entry] = audit("user.erase")
    assert (entry.actor_id, entry.reason) == (amina.id, "GDPR")


def download_data(client, user, reason="Asked by the member by post"):
    return client.post(f"/admin/users/{user.id}/data", data={"reason": reason})


def test_admin_downloads_a_members_data_and_it_is_audited(client, amina, sami):
    page = client.get(f"/admin/users/{sami.id}").text
    assert f'action="/admin/users/{sami.id}/data"' in page
    assert "Download this member's data" in page
    response = download_data(client, sami)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="agora-sami-data.json"'
    profile = response.json["profile"]
    assert profile["id"] == sami.id
    assert profile["email"] == "sami.trabelsi@zitouna.example"
    [entry] = audit("user.download_data")
    assert (entry.actor_id, entry.target_id) == (amina.id, str(sami.id))
    assert entry.reason == "Asked by the member by post"
    logged = logged_actions(client.get(f"/admin/users/{sami.id}").text)
    assert logged == ["user.download_data"]


def test_member_data_reason_too_long_is_refused_and_kept(client, amina, sami):
    reason = "Asked by the member by post. " * 80
    response = download_data(client, sami, reason)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert f">\r\n{reason}</textarea>" in response.text
    assert audit("user.download_data") == []


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_members_and_moderators_cannot_download_a_members_data(
    client, auth, sami, role
):
    auth.login(make_user(role=role).email)
    response = download_data(client, sami)
    assert response.status_code == 403
    assert "Only administrators can do this." in response.text
    assert "zitouna" not in response.text
    assert audit("user.download_data") == []


def test_admin_downloading_an_unknown_members_data_gets_404(client, amina):
    response = client.post("/admin/users/9999/data", data={"reason": ""})
    assert response.status_code == 404
    assert audit("user.download_data") == []


def test_every_admin_action_is_in_the_audit_log_and_filterable(client, amina, sami):
    suspend(client, sami)
    client.post(f"/admin/users/{sami.id}/unsuspend", data={"reason": ""})
    set_role(client, sami, role="moderator", everywhere="y")
    client.post(f"/admin/users/{sami.id}/erase", data={"reason": ""})
    logged = logged_actions(client.get("/admin/audit").text)
    assert logged == ["user.erase", "user.set_role", "user.unsuspend", "user.suspend"]
    page = client.get("/admin/audit", query_string={"action": "user.set_role"})
    assert logged_actions(page.text) == ["user.set_role"]


# Countries and themes ---------------------------------------------------------


@dataclass
class Reference:
    """How the admin pages and the API handle one kind of reference data."""

    name: str  # "countries", "themes"
    key: str  # form field and API key: "code", "slug"
    new: str
    invalid: str
    taken: str
    model: type

    def create(self, client, **data):
        return client.post(f"/admin/{self.name}", data={self.key: self.new, **data})

    def edit(self, client, **data):
        return client.post(f"/admin/{self.name}/{self.new}", data=data)

    def row(self):
        return fresh_session().get(self.model, self.new)

    def in_api(self, client) -> bool:
        items = client.get(f"/api/v1/{self.name}").json[self.name]
        return self.new in {item[self.key] for item in items}


COUNTRIES = Reference("countries", "code", "MC", "tunisia", "TN", Country)
THEMES = Reference(
    "themes", "slug", "housing-cooperatives", "Housing Coops!", "social-finance", Theme
)
NAMES = {
    "name_en": "Monaco or housing",
    "name_fr": "Monaco ou logement",
    "name_ar": "موناكو أو السكن",
    "name_es": "Mónaco o vivienda",
    "name_it": "Monaco o abitazione",
}
RENAMED = {key: f"{value} (2)" for key, value in NAMES.items()}


@pytest.mark.parametrize("kind", [COUNTRIES, THEMES], ids=["countries", "themes"])
def test_admin_adds_reference_item_with_names(client, amina, kind):
    assert kind.create(client, **NAMES).status_code == 302
    assert kind.row().names["ar"] == "موناكو أو السكن"
    assert kind.in_api(client)
    assert len(audit(f"{kind.model.__name__.lower()}.create")) == 1


@pytest.mark.parametrize("kind", [COUNTRIES, THEMES], ids=["countries", "themes"])
@pytest.mark.parametrize("which", ["invalid", "taken"])
def test_bad_or_taken_key_is_rejected(client, amina, kind, which):
    key = getattr(kind, which)
    before = fresh_session().get(kind.model, key)
    response = client.post(f"/admin/{kind.name}", data={kind.key: key, **NAMES})
    assert response.status_code == 422
    row = fresh_session().get(kind.model, key)
    assert row is None if before is None else row.names == before.names


@pytest.mark.parametrize("kind", [COUNTRIES, THEMES], ids=["countries", "themes"])
def test_admin_renames_reference_item_in_every_language(client, amina, kind):
    kind.create(client, **NAMES)
    assert kind.edit(client, active="y", **RENAMED).status_code == 302
    expected = {key.removeprefix("name_"): value for key, value in RENAMED.items()}
    assert kind.row().names == expected


@pytest.mark.parametrize("kind", [COUNTRIES, THEMES], ids=["countries", "themes"])
def test_retired_item_leaves_the_api_but_stays_in_admin(client, amina, kind):
    kind.create(client, **NAMES)
    assert kind.edit(client, **NAMES).status_code == 302
    assert not kind.row().active
    assert not kind.in_api(client)
    assert "Monaco or housing" in client.get(f"/admin/{kind.name}").text
    assert kind.edit(client, active="y", **NAMES).status_code == 302
    assert kind.row().active
    assert kind.in_api(client)


# Errors -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_member_is_404(client, amina, method):
    path = "/admin/users/9999" + ("/suspend" if method == "post" else "")
    response = getattr(client, method)(path)
    assert response.status_code == 404


def test_admin_post_without_csrf_token_is_refused(client, amina, sami):
    response = client.post(
        f"/admin/users/{sami.id}/erase", data={"reason": ""}, csrf=False
    )
    assert response.status_code == 400
    assert not reload(sami).is_deleted
