"""Backup and moving house: the whole site in one zip archive, and back.

An archive holds one JSON-lines file per table (in an order where every row's
references come first), the attachment files under their SHA-256, and a
`manifest.json` with the Alembic revision, row counts and a SHA-256 of every
member. Rows are read and written in batches, so neither direction holds the
database in memory; an import checks the whole archive before writing a row.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    LargeBinary,
    Numeric,
    Table,
    Time,
    TypeDecorator,
    func,
    select,
)

from forum.columns import utcnow
from forum.errors import ForumError
from forum.extensions import db
from forum.models import PracticeAttachment
from forum.services.attachments import storage_dir

FORMAT = "agora-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH_SIZE = 1000
CHUNK = 1024 * 1024

Progress = Callable[[int], None] | None


class ArchiveError(ForumError):
    """The archive cannot be written or restored; nothing was changed."""

    code = "archive"


@dataclass
class Summary:
    """What an export or import moved."""

    rows: int
    tables: int
    attachments: int
    revision: str
    # Attachment files the database names but the folder had lost.
    missing: list[str] = field(default_factory=list)


# Which tables, in which order ---------------------------------------------


def tables() -> list[Table]:
    """Return every table of the models, each after the tables it refers to."""
    return list(db.metadata.sorted_tables)


def archived_columns(table: Table) -> list:
    """Return the columns an archive keeps for the table."""
    # Computed columns (search vectors) are derived: the engine refills them.
    return [column for column in table.columns if column.computed is None]


def deferred_columns(table: Table, order: dict[str, int]) -> list[str]:
    """Return columns that refer to this table or a later one (set after all rows)."""
    return [
        fk.parent.name
        for fk in table.foreign_keys
        if order[fk.column.table.name] >= order[table.name]
    ]


def _member(position: int, table: Table) -> str:
    return f"tables/{position:03d}_{table.name}.jsonl"


# Values to JSON and back, by column type ------------------------------------


def column_kind(column) -> type | None:
    """Return the SQL type family that decides how a column's values are written."""
    type_ = column.type
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    for kind in (JSON, LargeBinary, DateTime, Date, Time, Numeric):
        if isinstance(type_, kind):
            return kind
    return None


def encode(value, kind):
    """Turn a column's Python value into a JSON value (decode turns it back)."""
    if value is None or kind is JSON:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def decode(value, kind):
    """Turn a value read from an archive back into the column's Python value."""
    if value is None or kind is None or kind is JSON:
        return value
    if kind is LargeBinary:
        return base64.b64decode(value)
    if kind is DateTime:
        return datetime.fromisoformat(value)
    if kind is Date:
        return date.fromisoformat(value)
    if kind is Time:
        return time.fromisoformat(value)
    if kind is Numeric and isinstance(value, str):
        return Decimal(value)
    return value


# Export ---------------------------------------------------------------------


def count_items() -> int:
    """Return how many rows and attachment files an export writes (for a bar)."""
    rows = sum(
        db.session.scalar(select(func.count()).select_from(table)) for table in tables()
    )
    return rows + len(_attachment_digests(db.session.connection()))


def export_archive(path: str | os.PathLike, *, progress: Progress = None) -> Summary:
    """Write every table and attachment into a zip archive at `path`."""
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    with (
        db.engine.connect() as connection,
        zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        _begin_snapshot(connection)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "alembic_revision": current_revision(connection),
            "created_at": utcnow().isoformat(),
            "source_engine": connection.dialect.name,
            "tables": [],
            "attachments": [],
            "missing_attachments": [],
        }
        for position, table in enumerate(tables(), start=1):
            entry = _export_table(connection, archive, position, table, progress)
            manifest["tables"].append(entry)
        for digest in _attachment_digests(connection):
            entry = _export_attachment(archive, digest)
            if entry:
                manifest["attachments"].append(entry)
            else:
                manifest["missing_attachments"].append(digest)
            if progress:
                progress(1)
        archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
    os.replace(partial, target)
    return Summary(
        rows=sum(t["rows"] for t in manifest["tables"]),
        tables=len(manifest["tables"]),
        attachments=len(manifest["attachments"]),
        revision=manifest["alembic_revision"],
        missing=manifest["missing_attachments"],
    )


def _begin_snapshot(connection: Connection) -> None:
    """Read every table from one consistent state of the database."""
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="REPEATABLE READ")
    elif connection.dialect.name == "sqlite":
        # pysqlite opens no transaction for reads; one BEGIN keeps one snapshot.
        connection.exec_driver_sql("BEGIN")


def _export_table(connection, archive, position, table, progress) -> dict:
    columns = archived_columns(table)
    kinds = [(column.name, column_kind(column)) for column in columns]
    query = select(*columns).order_by(*table.primary_key.columns)
    digest, rows = hashlib.sha256(), 0
    member = _member(position, table)
    result = connection.execution_options(yield_per=BATCH_SIZE).execute(query)
    info = _new_member(member, zipfile.ZIP_DEFLATED)
    with archive.open(info, "w", force_zip64=True) as out:
        for batch in result.partitions():
            lines = "".join(_line(kinds, row) for row in batch).encode("utf-8")
            digest.update(lines)
            out.write(lines)
            rows += len(batch)
            if progress:
                progress(len(batch))
    return {
        "name": table.name,
        "file": member,
        "columns": [column.name for column in columns],
        "rows": rows,
        "sha256": digest.hexdigest(),
    }


def _line(kinds: list[tuple[str, type | None]], row) -> str:
    values = {name: encode(v, kind) for (name, kind), v in zip(kinds, row, strict=True)}
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n"


def _new_member(name: str, compress_type: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = compress_type
    return info


def _attachment_digests(connection: Connection) -> list[str]:
    query = (
        select(PracticeAttachment.sha256).distinct().order_by(PracticeAttachment.sha256)
    )
    return list(connection.scalars(query))


def stored_file(digest: str) -> Path:
    """Return where the attachment bytes with this SHA-256 are kept."""
    return storage_dir() / digest[:2] / digest


def _export_attachment(archive: zipfile.ZipFile, digest: str) -> dict | None:
    source = stored_file(digest)
    if not source.is_file():
        return None  # lost before the export: the row stays, as it was
    # PDFs and images are compressed already.
    info = _new_member(f"attachments/{digest}", zipfile.ZIP_STORED)
    check, size = hashlib.sha256(), 0
    with source.open("rb") as data, archive.open(info, "w", force_zip64=True) as out:
        while chunk := data.read(CHUNK):
            check.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return {"file": info.filename, "sha256": check.hexdigest(), "size": size}


def current_revision(connection: Connection) -> str | None:
    """Return the database's Alembic revision (None before any migration)."""
    return MigrationContext.configure(connection).get_current_revision()
