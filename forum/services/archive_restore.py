"""Restoring an archive made by `forum.services.archive` into an empty database.

The whole archive is read and checked (manifest, schema revision, checksums,
row counts) before a row is written; rows then go in by batches in one
transaction, and the columns that point forward are filled in a second pass.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Table, bindparam, literal, select, text

from forum.extensions import db, refresh_statistics
from forum.services.archive import (
    BATCH_SIZE,
    CHUNK,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    ArchiveError,
    Progress,
    Summary,
    archived_columns,
    column_kind,
    current_revision,
    decode,
    deferred_columns,
    stored_file,
    tables,
)

# Checking an archive --------------------------------------------------------


def check_archive(path: str | os.PathLike) -> dict:
    """Return the manifest of a sound archive this database can take, or raise."""
    manifest = _read_manifest(path)
    with db.engine.connect() as connection:
        _check_target(connection, manifest)
    _check_members(path, manifest)
    return manifest


def _read_manifest(path) -> dict:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST))
    except FileNotFoundError as error:
        raise ArchiveError(f"There is no file {path}.") from error
    except zipfile.BadZipFile as error:
        raise ArchiveError(
            f"{path} is not a zip archive, or it is truncated: {error}."
        ) from error
    except (KeyError, ValueError) as error:
        raise ArchiveError(f"{path} has no readable {MANIFEST}.") from error
    required = {"format", "alembic_revision", "tables", "attachments"}
    if not isinstance(manifest, dict) or not required <= manifest.keys():
        raise ArchiveError(f"{path} is not an Agora archive.")
    if manifest["format"] != FORMAT:
        raise ArchiveError(f"{path} is not an Agora archive.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            f"{path} has archive format {manifest.get('format_version')}; "
            f"this version of Agora reads format {FORMAT_VERSION}."
        )
    return manifest


def _check_target(connection: Connection, manifest: dict) -> None:
    revision = current_revision(connection)
    if revision is None:
        raise ArchiveError(
            "The database has no schema yet: run `flask --app wsgi db upgrade` "
            "first (not `forum init`, which adds reference data)."
        )
    if revision != manifest["alembic_revision"]:
        raise ArchiveError(
            f"The archive was made at schema revision {manifest['alembic_revision']} "
            f"but the database is at {revision}: use the Agora version that made "
            "the archive, or migrate both to the same revision."
        )
    expected = [(t.name, [c.name for c in archived_columns(t)]) for t in tables()]
    found = [(t["name"], t["columns"]) for t in manifest["tables"]]
    if sorted(expected) != sorted(found):
        raise ArchiveError("The archive's tables and columns differ from this schema.")
    filled = [t.name for t in tables() if _has_rows(connection, t)]
    if filled:
        raise ArchiveError(
            "The database is not empty (rows in "
            + ", ".join(filled[:5])
            + (", ..." if len(filled) > 5 else "")
            + "). Import into a new database made with "
            "`flask --app wsgi db upgrade` (not `forum init`)."
        )


def _has_rows(connection: Connection, table: Table) -> bool:
    return connection.scalar(select(literal(1)).select_from(table).limit(1)) is not None


def _check_members(path, manifest: dict) -> None:
    """Read every member once and compare it with its checksum and row count."""
    with zipfile.ZipFile(path) as archive:
        for entry in manifest["tables"] + manifest["attachments"]:
            digest, lines = hashlib.sha256(), 0
            try:
                with archive.open(entry["file"]) as member:
                    while chunk := member.read(CHUNK):
                        digest.update(chunk)
                        lines += chunk.count(b"\n")
            except (KeyError, zipfile.BadZipFile, OSError, EOFError) as error:
                raise ArchiveError(
                    f"The archive's {entry['file']} is missing or damaged: {error}."
                ) from error
            if digest.hexdigest() != entry["sha256"]:
                raise ArchiveError(
                    f"The archive's {entry['file']} does not match its checksum: "
                    "the archive is damaged."
                )
            if "rows" in entry and lines != entry["rows"]:
                raise ArchiveError(
                    f"The archive's {entry['file']} has {lines} rows, "
                    f"not {entry['rows']}."
                )


# Import ---------------------------------------------------------------------


def import_archive(
    path: str | os.PathLike, *, manifest: dict | None = None, progress: Progress = None
) -> Summary:
    """Restore an archive (checked again unless its manifest is given) here."""
    manifest = manifest or check_archive(path)
    written: list[Path] = []
    try:
        with db.engine.begin() as connection, zipfile.ZipFile(path) as archive:
            _import_rows(connection, archive, manifest, progress)
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection)
            refresh_statistics(connection)
            for entry in manifest["attachments"]:
                _restore_attachment(archive, entry, written)
                if progress:
                    progress(1)
    except BaseException:
        for stored in written:
            stored.unlink(missing_ok=True)
        raise
    return Summary(
        rows=sum(t["rows"] for t in manifest["tables"]),
        tables=len(manifest["tables"]),
        attachments=len(manifest["attachments"]),
        revision=manifest["alembic_revision"],
    )


def _import_rows(connection, archive, manifest, progress) -> None:
    by_name = {t.name: t for t in tables()}
    order = {t.name: i for i, t in enumerate(tables())}
    second_pass = []
    for entry in manifest["tables"]:
        table = by_name[entry["name"]]
        later = deferred_columns(table, order)
        forward = _forward_columns(table, later)
        pending = False
        for batch in _read_rows(archive, entry["file"], table):
            rows = []
            for row in batch:
                names = forward(row)
                pending = pending or bool(names)
                rows.append({**row, **dict.fromkeys(names)})
            connection.execute(table.insert(), rows)
            if progress:
                progress(len(batch))
        if pending:
            second_pass.append((entry["file"], table, later, forward))
    for member, table, later, forward in second_pass:
        _fill_forward(connection, archive, member, table, later, forward)


def _forward_columns(table: Table, later: list[str]):
    """Return a function naming a row's references to rows not inserted yet."""
    # Rows come in id order, so a reference to a smaller id of the same
    # table points at a row already written (even in the same statement).
    key = table.autoincrement_column
    backward = {
        fk.parent.name
        for fk in table.foreign_keys
        if key is not None and fk.column is key
    }

    def forward(row: dict) -> list[str]:
        return [
            name
            for name in later
            if row[name] is not None
            and not (name in backward and row[name] < row[key.name])
        ]

    return forward


def _read_rows(archive, member: str, table: Table) -> Iterator[list[dict]]:
    """Yield the rows of one table file, decoded, in batches."""
    kinds = {column.name: column_kind(column) for column in archived_columns(table)}
    batch = []
    with archive.open(member) as lines:
        for line in lines:
            row = json.loads(line)
            batch.append({name: decode(row[name], kinds[name]) for name in kinds})
            if len(batch) == BATCH_SIZE:
                yield batch
                batch = []
    if batch:
        yield batch


def _fill_forward(connection, archive, member, table, later, forward) -> None:
    """Set the references that pointed at rows inserted after their own."""
    keys = list(table.primary_key.columns)
    statement = table.update().values({name: bindparam(f"v_{name}") for name in later})
    for key in keys:
        statement = statement.where(key == bindparam(f"k_{key.name}"))
    for batch in _read_rows(archive, member, table):
        updates = [
            {
                **{f"k_{key.name}": row[key.name] for key in keys},
                **{f"v_{name}": row[name] for name in later},
            }
            for row in batch
            if forward(row)
        ]
        if updates:
            connection.execute(statement, updates)


def _reset_sequences(connection: Connection) -> None:
    """Make each id sequence continue after the largest id restored."""
    for table in tables():
        if table.autoincrement_column is None:
            continue
        name = table.autoincrement_column.name
        connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'COALESCE((SELECT MAX("{name}") FROM "{table.name}"), 0) + 1, false)'
            ),
            {"table": table.name, "column": name},
        )


def _restore_attachment(archive, entry: dict, written: list[Path]) -> None:
    target = stored_file(entry["sha256"])
    if target.is_file() and target.stat().st_size == entry["size"]:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with archive.open(entry["file"]) as source, partial.open("wb") as out:
        while chunk := source.read(CHUNK):
            out.write(chunk)
    os.replace(partial, target)
    written.append(target)
