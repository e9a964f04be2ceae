"""The `flask --app wsgi forum ...` commands."""

from __future__ import annotations

from contextlib import nullcontext

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

from forum.errors import ForumError
from forum.extensions import db
from forum.models import Role
from forum.services import (
    accounts,
    api_tokens,
    archive,
    archive_restore,
    demo,
    demo_practices,
    demo_workshops,
    generator,
    members,
    notifications,
    reference,
    search,
)

forum_cli = AppGroup("forum", help="Agora administration commands.")


def _fail(error: ForumError) -> None:
    raise click.ClickException(error.message)


@forum_cli.command("init")
def init_command() -> None:
    """Migrate the database to the latest schema and load reference data."""
    upgrade()
    countries, themes = reference.seed_reference_data()
    click.echo(f"Database ready; added {countries} countries and {themes} themes.")


@forum_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
@click.option("--username", default=None, help="Defaults to the email's local part.")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value
)
@click.option("--country", "countries", multiple=True, help="Moderator scope.")
@click.option("--theme", "themes", multiple=True, help="Moderator scope.")
def create_user_command(
    email, display_name, password, username, role, countries, themes
) -> None:
    """Create an active account (confirmed address) with a role and scope."""
    try:
        # Check the scope first: a typo must not leave a half-made account.
        for code in countries:
            reference.get_country(code)
        for slug in themes:
            reference.get_theme(slug)
        user = accounts.create_confirmed_user(
            email=email, display_name=display_name, password=password, username=username
        )
        if role != Role.MEMBER.value:
            everywhere = role == Role.MODERATOR.value and not (countries or themes)
            members.set_role(
                _system_admin(),
                user,
                role=role,
                everywhere=everywhere,
                country_codes=[c.upper() for c in countries],
                theme_slugs=themes,
                reason="created from the command line",
            )
    except ForumError as error:
        db.session.rollback()
        _fail(error)
    click.echo(f"Created {user.role.value} {user.username} <{user.email}>.")


def _system_admin():
    """Return a stand-in administrator for actions taken from the command line."""
    from forum.models import User

    return User(id=None, role=Role.ADMIN, username="cli")


@forum_cli.command("create-token")
@click.option("--email", required=True)
@click.option("--name", default="command line", help="What the token is for.")
def create_token_command(email: str, name: str) -> None:
    """Print a new personal API token for an account."""
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the address {email}.")
    try:
        _, secret = api_tokens.create_api_token(user, name=name)
    except ForumError as error:
        _fail(error)
    click.echo(secret)


@forum_cli.command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo community; running it again adds nothing twice."""
    reference.seed_reference_data()
    added = demo.seed_demo_members()
    click.echo(f"Added {added} demo members.")
    added = demo.seed_demo_threads()
    click.echo(f"Added {added} demo discussions.")
    added = demo_workshops.seed_demo_workshops()
    click.echo(f"Added {added} demo workshops.")
    added = demo_practices.seed_demo_practices()
    click.echo(f"Added {added} demo practices.")
    click.echo(f"Every demo account's password: {demo.demo_password()}")


@forum_cli.command("generate")
@click.option("--threads", type=click.IntRange(min=0), default=0, show_default=True)
@click.option(
    "--posts", type=click.IntRange(min=0), default=0, show_default=True, help="In all."
)
@click.option(
    "--practices",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Published good practices, in seven languages.",
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--big-thread", type=click.IntRange(min=0), default=0, show_default=True)
def generate_command(
    threads: int, posts: int, practices: int, seed: int, big_thread: int
) -> None:
    """Add a large deterministic forum (for benchmarks): N threads, M posts in all,
    P practices."""
    reference.seed_reference_data()
    try:
        made = generator.generate(
            threads=threads,
            posts=posts,
            seed=seed,
            big_thread=big_thread,
            practices=practices,
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    if made.threads:
        click.echo(
            f"Added {made.threads} threads, {made.posts} posts and {made.members} "
            f"members; thread #1 is /threads/{made.first_thread_id}."
        )
    if made.practices:
        click.echo(
            f"Added {made.practices} published practices; the first is "
            f"/practices/{made.first_practice_id}."
        )
    click.echo("Run `flask --app wsgi forum reindex` to make them searchable.")


@forum_cli.command("send-digests")
@click.option(
    "--base-url",
    help="The site's address for links in the mails, e.g. https://agora.example "
    "(default: built from SERVER_NAME).",
)
def send_digests_command(base_url: str | None) -> None:
    """Email each daily-digest member what they have not read (once a day)."""
    if not base_url and not current_app.config["SERVER_NAME"]:
        raise click.ClickException("Give --base-url or set SERVER_NAME for links.")
    # Links in mails need a site address; outside a request, give one.
    with (
        current_app.test_request_context(base_url=base_url)
        if base_url
        else nullcontext()
    ):
        sent = notifications.send_digests()
    click.echo(f"Sent {sent} digests.")


@forum_cli.command("reindex")
@click.option("--procs", default=2, show_default=True, help="Indexing processes.")
def reindex_command(procs: int) -> None:
    """Rebuild the search index from the database."""
    total = search.count_documents_to_index()
    with click.progressbar(
        length=total, label="Indexing practices and discussions"
    ) as bar:
        count = search.rebuild_all(procs=procs, progress=bar.update)
    click.echo(f"Indexed {count} documents.")


@forum_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def export_command(path: str) -> None:
    """Write every table and attachment into one zip archive (a backup)."""
    with click.progressbar(
        length=archive.count_items(), label="Exporting rows and files"
    ) as bar:
        summary = archive.export_archive(path, progress=bar.update)
    for digest in summary.missing:
        click.echo(f"Warning: attachment file {digest} was missing; not archived.")
    click.echo(
        f"Wrote {summary.rows} rows of {summary.tables} tables and "
        f"{summary.attachments} files (schema {summary.revision}) to {path}."
    )


@forum_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--procs", default=2, show_default=True, help="Indexing processes.")
def import_command(path: str, procs: int) -> None:
    """Restore an archive into an empty migrated database, then rebuild search."""
    try:
        click.echo("Checking the archive...")
        manifest = archive_restore.check_archive(path)
        total = sum(t["rows"] for t in manifest["tables"])
        with click.progressbar(
            length=total + len(manifest["attachments"]),
            label="Restoring rows and files",
        ) as bar:
            summary = archive_restore.import_archive(
                path, manifest=manifest, progress=bar.update
            )
    except ForumError as error:
        _fail(error)
    click.echo(
        f"Restored {summary.rows} rows of {summary.tables} tables and "
        f"{summary.attachments} files."
    )
    reindex_command.callback(procs=procs)


@forum_cli.command("send-reminders")
@click.option("--base-url", help="Site address used in mailed links.")
def send_reminders_command(base_url: str | None) -> None:
    """Remind participants of workshops starting soon (run every few minutes)."""
    if not base_url and not current_app.config["SERVER_NAME"]:
        raise click.ClickException("Give --base-url or set SERVER_NAME for links.")
    with (
        current_app.test_request_context(base_url=base_url)
        if base_url
        else nullcontext()
    ):
        count = notifications.send_workshop_reminders()
    click.echo(f"Reminded {count} participants.")


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(forum_cli)
