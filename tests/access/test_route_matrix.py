"""Every URL rule answers each of the nine roles as the matrix says.

The matrix (page_rules.py, api_rules.py) must name every rule and method of
the app, and nothing the app no longer has. Each request starts from the
same world; a refused request must leave the database exactly as it was, and
an allowed one that writes must change it.
"""

from __future__ import annotations

import pytest

from forum.blueprints.api.actions import THREAD_ACTIONS as API_THREAD_ACTIONS
from forum.blueprints.moderation.actions import POST_ACTIONS, THREAD_ACTIONS
from tests.access.api_rules import API_CASES
from tests.access.matrix import OK, outcome
from tests.access.page_rules import PAGE_CASES
from tests.access.roles import ROLES

CASES = [*PAGE_CASES, *API_CASES]
# Served by Flask itself from the static folder, the same for every visitor.
UNCLASSIFIED = {"static"}
IMPLICIT_METHODS = {"HEAD", "OPTIONS"}


def app_routes(app) -> set[tuple[str, str]]:
    """Return (method, rule) for every rule of the app but the static files."""
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in UNCLASSIFIED
        for method in rule.methods - IMPLICIT_METHODS
    }


def test_every_route_of_the_app_is_in_the_matrix(world):
    classified = {(case.method, case.rule) for case in CASES}
    missing = sorted(app_routes(world.app) - classified)
    assert not missing, "routes nobody classified: " + ", ".join(
        f"{method} {rule}" for method, rule in missing
    )


def test_the_matrix_names_no_route_the_app_lacks(world):
    stale = sorted({(case.method, case.rule) for case in CASES} - app_routes(world.app))
    assert not stale, "routes the app no longer has: " + ", ".join(
        f"{method} {rule}" for method, rule in stale
    )


def test_every_moderation_action_is_in_the_matrix():
    labels = {
        case.label for case in PAGE_CASES if case.rule.startswith("/mod/threads/")
    }
    assert set(THREAD_ACTIONS) <= labels, set(THREAD_ACTIONS) - labels
    labels = {case.label for case in PAGE_CASES if case.rule.startswith("/mod/posts/")}
    assert set(POST_ACTIONS) <= labels, set(POST_ACTIONS) - labels
    api_rules = {case.rule for case in API_CASES}
    unlisted = [
        name
        for name in API_THREAD_ACTIONS
        if not any(rule.endswith(f"/{name}") for rule in api_rules)
    ]
    assert not unlisted, unlisted


def send(client, case, world, role: str):
    """Send the case's request as `role`, with its CSRF token on page forms."""
    url, body = case.url(world.ids), case.body(world.ids)
    if case.method == "GET":
        return client.get(url, query_string=case.query)
    if case.api:
        return client.open(url, method=case.method, json=body)
    token = world.sessions[role].csrf_token
    return client.post(url, data={**body, "csrf_token": token}, csrf=False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_route_answers_each_role(world, case, role):
    world.restore_if_written()
    response = send(world.client(role, api=case.api), case, world, role)
    response.close()
    expected, got = case.expected[role], outcome(response, api=case.api)
    changed = world.changed_tables()
    assert got == expected, (
        f"{case.name} as {role}: expected {expected}, got {response.status_code} "
        f"{response.headers.get('Location', '')}"
    )
    if got != OK:
        assert not changed, f"{case.name} refused {role} but changed {changed}"
    elif role in case.writers():
        assert changed, f"{case.name} allowed {role} but changed nothing"
