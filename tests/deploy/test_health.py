"""/healthz answers without I/O; /readyz checks each engine and names a failure."""

from __future__ import annotations

import pytest

from tests.services_available import REDIS_URL, requires_redis
from tests.workshops.live import free_port


def test_healthz_says_ok_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_checks_database_and_search_without_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "search": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_names_an_unreachable_database(second_app, tmp_path):
    broken = second_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/folder/agora.db"
    )
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    # The search check may fail too: opening the index consults the database.
    assert "database" in body["failing"]
    assert body["checks"]["database"].startswith("error")


def test_readyz_names_an_unreachable_redis(second_app):
    broken = second_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["redis"]


@requires_redis
def test_readyz_checks_a_configured_redis(second_app):
    response = second_app(REDIS_URL=REDIS_URL).test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["redis"] == "ok"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_need_no_login_and_no_session(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
