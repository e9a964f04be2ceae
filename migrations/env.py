"""Alembic environment for Agora, run through Flask-Migrate."""

import logging

from alembic import context
from flask import current_app

from search_index.pg_schema import TABLES as SEARCH_TABLES

logger = logging.getLogger("alembic.env")
config = context.config


def _engine():
    return current_app.extensions["migrate"].db.engine


def _metadata():
    return current_app.extensions["migrate"].db.metadata


def _skip_empty_autogenerate(context_, revision, directives):
    """Do not write an empty migration when the models did not change."""
    if getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")


def _include_object(object_, name, type_, reflected, compare_to):
    """Leave out the search index's own tables (the PostgreSQL search backend)."""
    table = object_.table.name if type_ == "index" else name
    return not (reflected and table in SEARCH_TABLES)


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it."""
    url = _engine().url.render_as_string(hide_password=False)
    context.configure(
        url=url,
        target_metadata=_metadata(),
        literal_binds=True,
        **current_app.extensions["migrate"].configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a live connection."""
    configure_args = dict(current_app.extensions["migrate"].configure_args)
    configure_args.setdefault("process_revision_directives", _skip_empty_autogenerate)
    configure_args.setdefault("include_object", _include_object)
    with _engine().connect() as connection:
        context.configure(
            connection=connection, target_metadata=_metadata(), **configure_args
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
