"""Every state-changing form refuses a request without its CSRF token.

Each POST rule of the pages is sent by a role the matrix allows (one whose
request, with the token, changes the database), without the token and then
with another session's token: 400, the "form expired" page, nothing changed.

The JSON API is exempt only for calls that carry `Authorization: Bearer`
(another site cannot forge the header); a write that relies on the session
cookie needs the token like a form, sent as `X-CSRFToken`.
"""

from __future__ import annotations

import pytest

from tests.access.api_rules import API_CASES
from tests.access.matrix import LOGIN, OK, outcome
from tests.access.page_rules import PAGE_CASES
from tests.access.roles import ROLES, VISITORS

# Forms some role may send (a form refused to everyone has nothing to forge).
FORMS = [
    case
    for case in PAGE_CASES
    if case.method == "POST" and OK in case.expected.values()
]
API_WRITES = [case for case in API_CASES if case.method != "GET"]
EXPIRED = "Your form expired or was sent from elsewhere."


def sender(case) -> str:
    """Return the role to send as: one whose request writes, else one allowed."""
    allowed = [role for role in ROLES if case.expected[role] == OK]
    writers = [role for role in allowed if role in case.writers()]
    members = [role for role in allowed if role not in VISITORS]
    return (writers or members or allowed)[0]


def post_form(world, case, role: str, token: str | None):
    data = case.body(world.ids)
    if token is not None:
        data["csrf_token"] = token
    client = world.client(role)
    return client.post(case.url(world.ids), data=data, csrf=False)


@pytest.mark.parametrize("case", FORMS, ids=lambda case: case.name)
def test_form_without_csrf_token_is_refused(world, case):
    role = sender(case)
    foreign = world.sessions["other_member" if role != "other_member" else "member"]
    for token in (None, foreign.csrf_token):
        world.restore_if_written()
        response = post_form(world, case, role, token)
        assert response.status_code == 400, (role, token, response.status_code)
        assert EXPIRED in response.text
        assert world.changed_tables() == [], f"{case.name} changed data as {role}"


def test_every_form_rule_is_sent_without_its_token():
    posted = {case.rule for case in PAGE_CASES if case.method == "POST"}
    assert posted == {case.rule for case in FORMS}


def test_csrf_test_sends_each_form_as_a_role_that_may_send_it():
    """The refusals above mean something only if the sender is allowed."""
    for case in FORMS:
        assert case.expected[sender(case)] == OK, case.name


def cookie_call(world, case, role: str, token: str | None):
    client = world.client(role)
    headers = {"X-CSRFToken": token} if token else {}
    body = case.body(world.ids)
    return client.open(
        case.url(world.ids), method=case.method, json=body, headers=headers
    )


@pytest.mark.parametrize("case", API_WRITES, ids=lambda case: case.name)
def test_api_write_with_session_cookie_needs_csrf_token(world, case):
    role = next(r for r in ROLES if case.expected[r] == OK and r not in VISITORS)
    world.restore_if_written()
    refused = cookie_call(world, case, role, None)
    assert refused.status_code == 400, refused.get_json()
    assert world.changed_tables() == []
    allowed = cookie_call(world, case, role, world.sessions[role].csrf_token)
    assert outcome(allowed, api=True) == OK, allowed.get_json()


def test_api_call_without_credentials_is_not_asked_for_a_token(world):
    """No session, no bearer: nothing to forge; the endpoint's 401 answers."""
    world.restore_if_written()
    response = world.client("anonymous").post("/api/v1/threads", json={})
    assert outcome(response, api=True) == LOGIN
