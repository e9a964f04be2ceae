"""Every request has an id, returned in X-Request-ID and stamped on its log lines."""

from __future__ import annotations

import json
import logging

import pytest
from flask import current_app

from forum.logs import request_id


@pytest.fixture
def app_config():
    return {"LOG_FORMAT": "json"}


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def access_lines(text: str) -> list[dict]:
    return [line for line in json_lines(text) if line["logger"] == "forum.access"]


def test_a_safe_incoming_request_id_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-42.a:b"})
    assert response.headers["X-Request-ID"] == "edge-42.a:b"


@pytest.mark.parametrize("incoming", [None, "x" * 65, "two words", 'quote"d', "é"])
def test_a_missing_or_unsafe_request_id_is_replaced(client, incoming):
    headers = {"X-Request-ID": incoming} if incoming else {}
    response = client.get("/healthz", headers=headers)
    given = response.headers["X-Request-ID"]
    assert given != incoming
    assert len(given) == 32 and int(given, 16) >= 0


def test_each_request_writes_one_json_access_line(client, capsys):
    capsys.readouterr()
    response = client.get("/healthz", headers={"X-Request-ID": "abc123"})
    lines = access_lines(capsys.readouterr().err)
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == response.headers["X-Request-ID"] == "abc123"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


def test_the_access_line_names_a_logged_in_member(client, maria, capsys):
    capsys.readouterr()
    client.get("/")
    lines = access_lines(capsys.readouterr().err)
    assert [line["user_id"] for line in lines] == [maria.id]


def test_app_records_carry_the_request_id(client, capsys):
    capsys.readouterr()
    response = client.get("/no-such-page", headers={"X-Request-ID": "trace-me"})
    assert response.status_code == 404
    assert {line["request_id"] for line in json_lines(capsys.readouterr().err)} == {
        "trace-me"
    }


def test_records_in_a_socket_event_share_their_connection_id(app, capsys):
    # Flask-SocketIO runs every event of a connection in a request context
    # built on the environ of the request that opened it: the id lives there.
    environ = {"HTTP_X_REQUEST_ID": "socket-7"}
    capsys.readouterr()
    for _event in range(2):
        with app.test_request_context(environ_base=environ):
            assert request_id() == "socket-7"
            current_app.logger.warning("chat event")
    lines = [line for line in json_lines(capsys.readouterr().err)]
    assert [line["request_id"] for line in lines] == ["socket-7", "socket-7"]


def test_records_outside_a_request_have_no_id(app, capsys):
    capsys.readouterr()
    app.logger.warning("from a command")
    (line,) = json_lines(capsys.readouterr().err)
    assert line["request_id"] == "-"
    assert line["message"] == "from a command"


def test_text_format_puts_the_id_in_brackets(second_app, capsys):
    plain = second_app(LOG_FORMAT="text")
    capsys.readouterr()
    plain.test_client().get("/healthz", headers={"X-Request-ID": "plain-1"})
    err = capsys.readouterr().err
    assert "INFO [plain-1] forum.access: GET /healthz 200 " in err


def test_production_logs_json_by_default():
    from forum.config import ProductionConfig

    assert ProductionConfig.LOG_FORMAT == "json"
    assert logging.getLevelName(ProductionConfig.LOG_LEVEL) == logging.INFO


def test_the_level_may_be_given_in_lower_case(second_app):
    quiet = second_app(LOG_LEVEL="warning")
    assert quiet.logger.getEffectiveLevel() == logging.WARNING
