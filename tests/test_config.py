"""Configuration layers and the secret key."""

from __future__ import annotations

import stat

import pytest

from forum import create_app


def _app(tmp_path, **config):
    return create_app({"INSTANCE_PATH": str(tmp_path / "instance"), **config})


def test_without_a_secret_one_is_generated_once_and_kept(tmp_path):
    first = _app(tmp_path).config["SECRET_KEY"]
    second = _app(tmp_path).config["SECRET_KEY"]
    key_file = tmp_path / "instance" / "secret_key"
    assert first == second == key_file.read_text().strip()
    assert len(first) >= 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_each_instance_gets_its_own_secret(tmp_path):
    one = _app(tmp_path / "a").config["SECRET_KEY"]
    other = _app(tmp_path / "b").config["SECRET_KEY"]
    assert one != other


def test_production_refuses_to_start_without_a_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("FORUM_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="FORUM_SECRET_KEY"):
        _app(tmp_path, CONFIG_NAME="production")
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_production_starts_with_a_secret_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_SECRET_KEY", "from-the-environment")
    app = _app(tmp_path, CONFIG_NAME="production")
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_embedded_defaults_live_in_the_instance_folder(tmp_path):
    app = _app(tmp_path)
    instance = tmp_path / "instance"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'agora.db'}"
    assert app.config["SEARCH_INDEX_DIR"] == str(instance / "search-index")
    assert app.config["MAIL_OUTBOX_DIR"] == str(instance / "outbox")


def test_layers_apply_in_order_class_file_environment_mapping(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        "SITE_NAME = 'From file'\nMAIL_SERVER = 'file.example'\n"
        "REGISTRATION_MODE = 'approval'\n"
    )
    monkeypatch.setenv("FORUM_MAIL_SERVER", "env.example")
    monkeypatch.setenv("FORUM_MAIL_PORT", "2525")
    monkeypatch.setenv("FORUM_REGISTRATION_MODE", "open")
    app = _app(tmp_path, REGISTRATION_MODE="approval")
    assert app.config["SITE_NAME"] == "From file"  # file over class
    assert app.config["MAIL_SERVER"] == "env.example"  # environment over file
    assert app.config["MAIL_PORT"] == 2525  # environment values are parsed as JSON
    assert app.config["REGISTRATION_MODE"] == "approval"  # mapping over environment


def test_redis_url_switches_rate_limit_storage(tmp_path):
    app = _app(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15")
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/15"
    assert _app(tmp_path / "other").config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_unknown_search_backend_is_refused_at_start(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_SEARCH_BACKEND", "elastic")
    with pytest.raises(RuntimeError) as refused:
        _app(tmp_path)
    message = str(refused.value)
    assert "FORUM_SEARCH_BACKEND must be whoosh or postgres" in message
    assert "'elastic'" in message


def test_postgres_search_on_a_sqlite_site_needs_its_own_database(tmp_path):
    sqlite = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'agora.db'}",
        "SEARCH_BACKEND": "postgres",
    }
    with pytest.raises(RuntimeError, match="needs FORUM_SEARCH_DATABASE_URL"):
        _app(tmp_path, **sqlite)
    with pytest.raises(RuntimeError, match="must be a PostgreSQL URL"):
        _app(tmp_path, SEARCH_DATABASE_URL=f"sqlite:///{tmp_path / 's.db'}", **sqlite)


@pytest.mark.parametrize(
    "config",
    [
        {"SEARCH_DATABASE_URL": "postgresql://agora@db.example:5432/agora"},
        {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://agora@db.example/agora"},
    ],
    ids=["own-database", "app-database"],
)
def test_postgres_search_starts_with_a_postgres_database(tmp_path, config):
    app = _app(tmp_path, SEARCH_BACKEND="postgres", **config)
    assert app.config["SEARCH_BACKEND"] == "postgres"
