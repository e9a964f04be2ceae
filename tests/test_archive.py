"""`flask forum export` and `import`: the whole site in one archive, and back."""

from __future__ import annotations

import io
import itertools
import json
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    LargeBinary,
    Numeric,
    select,
)

from forum import create_app
from forum.extensions import db
from forum.models import (
    ChatMessage,
    Practice,
    PracticeAdoption,
    PracticeAttachment,
    PracticeState,
    User,
)
from forum.services import accounts, archive, attachments, practices
from forum.services.attachments import storage_dir
from tests.conftest import _test_config
from tests.library.factories import make_published_practice
from tests.library.test_attachment_pages import PDF, png
from tests.postgres_databases import analysed_tables, new_database
from tests.services_available import requires_postgres

_numbers = itertools.count()


@contextmanager
def site(folder: Path, uri: str | None = None) -> Iterator:
    """Run an app (its own attachments and index) on a migrated database."""
    folder.mkdir(parents=True, exist_ok=True)
    uri = uri or f"sqlite:///{folder / 'agora.db'}"
    app = create_app(_test_config(folder, uri))
    with app.app_context():
        upgrade()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def forum(app, *args):
    return app.test_cli_runner().invoke(args=["forum", *args])


def snapshot(app) -> dict:
    """Return every row of every table (typed values) and every attachment's bytes."""
    rows = {}
    with db.engine.connect() as connection:
        for table in archive.tables():
            query = select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [row._asdict() for row in connection.execute(query)]
    folder = storage_dir()
    files = {
        path.name: path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }
    return {"rows": rows, "files": files}


def _attach_files() -> None:
    """Attach files to two practices, one file to both (stored once)."""
    practices = db.session.scalars(
        select(Practice)
        .where(Practice.state == PracticeState.PUBLISHED)
        .order_by(Practice.id)
        .limit(2)
    ).all()
    for practice in practices:
        # Bytes after the image's end make each photo a file of its own.
        photo = png() + str(practice.id).encode()
        for data, name in ((PDF, "report.pdf"), (photo, "photo.png")):
            attachments.add_attachment(
                practice.author, practice, stream=io.BytesIO(data), filename=name
            )


def _point_forward() -> None:
    """Make rows refer to rows restored after them."""
    messages = db.session.scalars(select(ChatMessage).order_by(ChatMessage.id)).all()
    messages[0].reply_to_id = messages[-1].id
    db.session.commit()
    # An edit waiting for review: practices point at a table restored later.
    practice = db.session.scalar(
        select(Practice).where(Practice.state == PracticeState.PUBLISHED).limit(1)
    )
    content = {
        **practices.form_data(practices.snapshot(practice)),
        "title": "A title under review",
    }
    with current_app.test_request_context():
        practices.edit_practice(practice.author, practice, content)


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> tuple[Path, dict]:
    """A demo site with files, exported once: yield the archive and a snapshot."""
    folder = tmp_path_factory.mktemp("original")
    with site(folder) as app:
        assert forum(app, "seed-demo").exit_code == 0
        _attach_files()
        _point_forward()
        result = forum(app, "export", str(folder / "agora.zip"))
        assert result.exit_code == 0, result.output
        assert "Wrote" in result.output
        taken = snapshot(app)
    return folder / "agora.zip", taken


@pytest.fixture(scope="module")
def empty_sqlite(tmp_path_factory) -> Path:
    """A migrated SQLite database with no rows, to copy."""
    folder = tmp_path_factory.mktemp("empty")
    with site(folder):
        pass
    return folder / "agora.db"


@contextmanager
def empty_site(folder: Path, empty_sqlite: Path) -> Iterator:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(empty_sqlite, folder / "agora.db")
    with site(folder) as app:
        yield app


@pytest.mark.parametrize(
    ("value", "column_type"),
    [
        (datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC), DateTime(timezone=True)),
        (datetime(2026, 3, 1, 8, 30, 15, 123456), DateTime()),
        (datetime(2026, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=1))), DateTime()),
        (date(2026, 3, 1), Date()),
        (b"\x00\xffbinary\n", LargeBinary()),
        (Decimal("12.340"), Numeric(10, 3)),
        ({"a": [1, None, True], "b": "é"}, JSON()),
        (["null", None], JSON()),
        (True, Boolean()),
        (0.1, Float()),
    ],
)
def test_values_round_trip_through_json_exactly(value, column_type):
    kind = archive.column_kind(Column("c", column_type))
    back = archive.decode(json.loads(json.dumps(archive.encode(value, kind))), kind)
    assert back == value
    assert type(back) is type(value)
    if isinstance(value, datetime):
        assert back.tzinfo == value.tzinfo


def test_demo_site_has_what_a_move_must_keep(original):
    _, taken = original
    rows = taken["rows"]
    assert rows[ChatMessage.__tablename__]
    assert rows[PracticeAdoption.__tablename__]
    translated = [row for row in rows["practices"] if row["original_id"] is not None]
    assert translated
    pending = [row for row in rows["practices"] if row["pending_revision_id"]]
    assert pending  # refers to a table restored after practices
    # The authors' files on published practices wait for review.
    files = rows[PracticeAttachment.__tablename__]
    assert files and all(row["pending"] for row in files)
    messages = rows[ChatMessage.__tablename__]
    assert messages[0]["reply_to_id"] == messages[-1]["id"]
    assert len(taken["files"]) == 3  # one PDF shared by two practices, two PNGs


def test_archive_lists_revision_counts_and_checksums(original):
    path, taken = original
    with zipfile.ZipFile(path) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        names = set(zipped.namelist())
    assert manifest["alembic_revision"]
    counts = {t["name"]: t["rows"] for t in manifest["tables"]}
    assert counts == {name: len(rows) for name, rows in taken["rows"].items()}
    assert all(len(t["sha256"]) == 64 for t in manifest["tables"])
    assert {a["sha256"] for a in manifest["attachments"]} == set(taken["files"])
    assert {t["file"] for t in manifest["tables"]} <= names
    # Referenced tables come first.
    order = [t["name"] for t in manifest["tables"]]
    assert order.index("users") < order.index("threads") < order.index("posts")


def test_round_trip_to_sqlite_keeps_everything(original, tmp_path, empty_sqlite):
    path, taken = original
    with empty_site(tmp_path / "copy", empty_sqlite) as app:
        result = forum(app, "import", str(path))
        assert result.exit_code == 0, result.output
        assert "Indexed" in result.output
        assert snapshot(app) == taken


@requires_postgres
def test_round_trip_sqlite_postgres_sqlite_loses_nothing(
    original, tmp_path, empty_sqlite
):
    path, taken = original
    again = tmp_path / "from-postgres.zip"
    with new_database("agora_archive") as uri, site(tmp_path / "pg", uri) as app:
        result = forum(app, "import", str(path))
        assert result.exit_code == 0, result.output
        assert snapshot(app) == taken
        # The planner knows the restored rows (autovacuum may be late, or off).
        assert {"users", "threads", "posts"} <= analysed_tables(db.engine)
        result = forum(app, "export", str(again))
        assert result.exit_code == 0, result.output
        # Sequences continue after the restored ids.
        highest = max(row["id"] for row in taken["rows"]["users"])
        user = accounts.create_confirmed_user(
            email="new@coop.example", display_name="New", password="a long password"
        )
        assert user.id == highest + 1
    with empty_site(tmp_path / "back", empty_sqlite) as app:
        result = forum(app, "import", str(again))
        assert result.exit_code == 0, result.output
        assert snapshot(app) == taken


def _rewritten(source: Path, target: Path, change) -> Path:
    """Copy an archive with its manifest changed by `change`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename != "manifest.json":
                new.writestr(info, old.read(info))
        manifest = json.loads(old.read("manifest.json"))
        change(manifest)
        new.writestr("manifest.json", json.dumps(manifest))
    return target


def _other_checksum(manifest):
    entry = next(t for t in manifest["tables"] if t["name"] == "posts")
    entry["sha256"] = "0" * 64


def _other_revision(manifest):
    manifest["alembic_revision"] = "0123456789ab"


def _truncated(source: Path, target: Path) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


BAD_ARCHIVES = {
    "truncated": (_truncated, "not a zip archive, or it is truncated"),
    "wrong checksum": (
        lambda s, t: _rewritten(s, t, _other_checksum),
        "does not match its checksum",
    ),
    "not an archive": (
        lambda s, t: t.write_text("id,name\n1,Maria\n") and t,
        "not a zip archive",
    ),
    "other revision": (
        lambda s, t: _rewritten(s, t, _other_revision),
        "schema revision 0123456789ab",
    ),
}


@pytest.mark.parametrize("kind", BAD_ARCHIVES)
def test_bad_archive_is_refused_and_changes_nothing(
    kind, original, tmp_path, empty_sqlite
):
    make, message = BAD_ARCHIVES[kind]
    bad = make(original[0], tmp_path / "bad.zip")
    with empty_site(tmp_path / "target", empty_sqlite) as app:
        result = forum(app, "import", str(bad))
        assert result.exit_code != 0
        assert message in result.output
        taken = snapshot(app)
    assert not any(taken["rows"].values())
    assert not taken["files"]


def test_import_refuses_a_database_with_content(original, app):
    before = db.session.scalar(select(User.id).limit(1))
    result = forum(app, "import", str(original[0]))
    assert result.exit_code != 0
    assert "The database is not empty (rows in countries" in result.output
    assert db.session.scalar(select(User.id).limit(1)) == before


def test_export_names_attachment_files_the_folder_lost(app, tmp_path):
    practice = make_published_practice()
    attachment = attachments.add_attachment(
        practice.author, practice, stream=io.BytesIO(PDF), filename="lost.pdf"
    )
    attachments.file_path(attachment).unlink()
    result = forum(app, "export", str(tmp_path / "agora.zip"))
    assert result.exit_code == 0, result.output
    assert f"attachment file {attachment.sha256} was missing" in result.output
    with zipfile.ZipFile(tmp_path / "agora.zip") as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
    assert manifest["missing_attachments"] == [attachment.sha256]
    assert manifest["attachments"] == []
