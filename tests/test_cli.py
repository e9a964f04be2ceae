"""The `flask forum ...` commands, run through the CLI runner."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.models import AuditEntry, Country, Role, Theme, User
from tests.factories import fresh_session

STRONG = "harissa and olive oil"


def forum(runner, *args):
    return runner.invoke(args=["forum", *args])


def create_user(runner, *extra, email="sami@zitouna.example", password=STRONG):
    return forum(
        runner,
        "create-user",
        *("--email", email, "--name", "Sami Trabelsi", "--password", password),
        *extra,
    )


def count(model) -> int:
    return fresh_session().scalar(select(func.count()).select_from(model))


def sami() -> User | None:
    return fresh_session().scalar(select(User).where(User.username == "sami"))


def test_init_is_idempotent(runner):
    for _ in range(2):
        result = forum(runner, "init")
        assert result.exit_code == 0, result.output
        assert "added 0 countries and 0 themes" in result.output
    codes = set(fresh_session().scalars(select(Country.code)))
    assert {"MED", "TN", "FR", "IT", "ES", "MA", "EG", "LB"} <= codes
    assert count(Theme) == 12


def test_create_user_makes_confirmed_moderator_with_scope(runner):
    result = create_user(
        runner, "--role", "moderator", "--country", "tn", "--theme", "social-finance"
    )
    assert result.exit_code == 0, result.output
    user = sami()
    assert user.email_confirmed and user.can_log_in
    assert (user.role, user.moderates_everywhere) == (Role.MODERATOR, False)
    assert [c.code for c in user.scope_countries] == ["TN"]
    assert [t.slug for t in user.scope_themes] == ["social-finance"]
    entry = fresh_session().scalar(select(AuditEntry))
    assert (entry.action, entry.actor_id) == ("user.set_role", None)
    assert entry.target_id == str(user.id)


def test_created_user_can_log_in(runner, auth):
    create_user(runner)
    assert auth.login("sami@zitouna.example", STRONG).status_code == 302


def test_create_user_with_taken_email_fails(runner, member):
    result = create_user(runner, email="Maria@coop.example")
    assert result.exit_code != 0
    assert "This email address already has an account." in result.output
    assert count(User) == 1


def test_create_user_with_weak_password_fails(runner):
    result = create_user(runner, password="sami")
    assert result.exit_code != 0
    assert "Use at least 10 characters." in result.output
    assert sami() is None


def test_create_user_with_unknown_scope_creates_nothing(runner):
    result = create_user(runner, "--role", "moderator", "--country", "XX")
    assert result.exit_code != 0
    assert "XX" in result.output
    assert sami() is None


def test_create_token_prints_a_working_token(runner, bearer, member):
    result = forum(runner, "create-token", "--email", member.email)
    assert result.exit_code == 0, result.output
    response = bearer(result.output.strip())
    assert response.status_code == 200
    assert response.json["username"] == "maria"


def test_create_token_for_unknown_email_fails(runner):
    result = forum(runner, "create-token", "--email", "nobody@coop.example")
    assert result.exit_code != 0
    assert "No account has the address nobody@coop.example." in result.output


def test_seed_demo_builds_a_varied_community_once(runner):
    result = forum(runner, "seed-demo")
    assert result.exit_code == 0, result.output
    users = list(fresh_session().scalars(select(User)))
    assert len(users) >= 30
    assert len({u.country_code for u in users}) >= 8
    assert {u.actor_type.value for u in users} == {
        "sse_enterprise",
        "training_provider",
        "public_administration",
        "support_network",
        "other",
    }
    roles = [u.role for u in users]
    assert Role.ADMIN in roles and Role.MODERATOR in roles
    again = forum(runner, "seed-demo")
    assert again.exit_code == 0, again.output
    assert "Added 0 demo members." in again.output
    assert count(User) == len(users)
