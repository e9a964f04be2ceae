"""Agora: the application factory."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from forum.config import CONFIGS, SEARCH_BACKENDS

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, commands."""
    config = config or {}
    instance_path = config.get("INSTANCE_PATH") or os.environ.get("FORUM_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=str(instance_path) if instance_path else None,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    _load_config(app, config)

    from forum import (
        cli,
        errors,
        extensions,
        greenlets,
        http_cache,
        i18n,
        login,
        logs,
        page_cache,
        realtime,
        security,
        templating,
    )
    from forum.blueprints import register_blueprints

    logs.init_app(app)
    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(ROOT / "migrations"))
    extensions.csrf.init_app(app)
    login.init_app(app)
    extensions.limiter.init_app(app)
    extensions.socketio.init_app(
        app,
        client_manager=realtime.client_manager(app.config),
        cors_allowed_origins=[],
        async_mode=greenlets.socketio_async_mode(app.config),
    )
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    register_blueprints(app)
    cli.init_app(app)
    # Last, so a cached page is served after every other check has run, and
    # is kept as sent, compressed and tagged (after-request runs reversed).
    page_cache.init_app(app)
    http_cache.init_app(app)
    return app


def _load_config(app: Flask, overrides: Mapping) -> None:
    name = overrides.get("CONFIG_NAME") or os.environ.get("FORUM_CONFIG", "development")
    app.config.from_object(CONFIGS[name])
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("FORUM")
    app.config.update(overrides)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        if app.config.get("REQUIRE_EXPLICIT_SECRET_KEY"):
            raise RuntimeError(
                "FORUM_SECRET_KEY must be set in production "
                "(see README, Configuration)."
            )
        app.config["SECRET_KEY"] = _instance_secret_key(instance)
    defaults = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'agora.db'}",
        "SEARCH_INDEX_DIR": str(instance / "search-index"),
        "MAIL_OUTBOX_DIR": str(instance / "outbox"),
    }
    for key, value in defaults.items():
        if not app.config.get(key):
            app.config[key] = value
    app.config.setdefault(
        "RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://"
    )
    _check_search_backend(app.config)


def _check_search_backend(config: Mapping) -> None:
    """Refuse at start a search setting that would only fail at the first search."""
    backend = config["SEARCH_BACKEND"]
    if backend not in SEARCH_BACKENDS:
        valid = " or ".join(SEARCH_BACKENDS)
        raise RuntimeError(
            f"FORUM_SEARCH_BACKEND must be {valid}, not {backend!r} "
            "(see README, Search backends)."
        )
    if backend != "postgres":
        return
    url = config.get("SEARCH_DATABASE_URL")
    if url and not str(url).startswith("postgres"):
        raise RuntimeError(
            "FORUM_SEARCH_DATABASE_URL must be a PostgreSQL URL, such as "
            "postgresql://agora@localhost/agora (see README, Search backends)."
        )
    if not url and not str(config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        raise RuntimeError(
            "FORUM_SEARCH_BACKEND=postgres needs FORUM_SEARCH_DATABASE_URL when "
            "the database is not PostgreSQL (see README, Search backends)."
        )


def _instance_secret_key(instance: Path) -> str:
    """Return the key kept in the instance folder, creating it on first start."""
    path = instance / "secret_key"
    if not path.exists():
        # Written aside, then linked into place: workers starting together
        # agree on one key, and none reads a half-written file.
        draft = instance / f"secret_key.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another worker was first: use its key
        finally:
            draft.unlink()
    return path.read_text().strip()
