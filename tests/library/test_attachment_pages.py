"""Files attached to practices: checked by content, served with safe headers."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from flask import current_app
from sqlalchemy import select

from forum.extensions import db
from forum.models import PracticeAttachment
from forum.services import practice_review
from tests.factories import make_user, reload
from tests.library.factories import make_practice, make_published_practice

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script>"


def png() -> bytes:
    """Return a real 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def app_config():
    return {"POSTS_NEEDING_APPROVAL": 0, "ATTACHMENT_MAX_SIZE": 4096}


def upload(client, practice, content: bytes, name: str, **kwargs):
    return client.post(
        f"/practices/{practice.id}/files",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        **kwargs,
    )


def attachment_named(name: str) -> PracticeAttachment:
    return db.session.scalar(
        select(PracticeAttachment).where(PracticeAttachment.filename == name)
    )


def approve_files(practice) -> None:
    """Publish the edit that holds the author's new files (they become public)."""
    with current_app.test_request_context():
        practice_review.publish_practice(make_user(role="moderator"), reload(practice))


def test_edit_page_offers_an_upload_form(client, maria):
    practice = make_published_practice(maria)
    page = client.get(f"/practices/{practice.id}/edit").text
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and 'accept="application/pdf,' in page
    assert ".pdf" in page and ".docx" in page


def test_pdf_is_accepted_and_downloaded_as_an_attachment(client, maria):
    practice = make_published_practice(maria)
    response = upload(client, practice, PDF, "Annual report 2023.pdf")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/practices/{practice.id}/edit#files"
    attachment = attachment_named("Annual report 2023.pdf")
    assert attachment.media_type == "application/pdf"
    approve_files(practice)
    url = f"/practices/{practice.id}/files/{attachment.id}/{attachment.filename}"
    assert (
        f'href="{url.replace(" ", "%20")}"'
        in client.get(f"/practices/{practice.id}").text
    )

    with client.get(url.replace(" ", "%20")) as download:
        assert download.status_code == 200
        assert download.data == PDF
        assert download.mimetype == "application/pdf"
        disposition = download.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "Annual report 2023.pdf" in disposition
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in download.headers["Content-Security-Policy"]
        assert "public" in download.headers["Cache-Control"]


def test_png_shows_inline_as_a_thumbnail(client, maria):
    practice = make_published_practice(maria)
    upload(client, practice, png(), "market.PNG")
    attachment = attachment_named("market.png")
    url = f"/practices/{practice.id}/files/{attachment.id}/market.png"
    assert f'<img src="{url}"' in client.get(f"/practices/{practice.id}").text
    with client.get(url) as response:
        assert response.mimetype == "image/png"
        assert response.headers["Content-Disposition"].startswith("inline;")


def test_html_renamed_pdf_is_refused(client, maria):
    practice = make_published_practice(maria)
    response = upload(client, practice, HTML, "report.pdf")
    assert response.status_code == 422
    assert "This kind of file is not accepted" in response.text
    assert 'class="error-message" id="file-error"' in response.text
    assert db.session.scalar(select(PracticeAttachment.id)) is None


def test_oversize_and_missing_files_are_refused(client, maria):
    practice = make_published_practice(maria)
    big = PDF + b"%" * 5000
    response = upload(client, practice, big, "big.pdf")
    assert response.status_code == 422
    assert "The file is too large" in response.text
    empty = client.post(
        f"/practices/{practice.id}/files",
        data={},
        content_type="multipart/form-data",
    )
    assert empty.status_code == 422
    assert "Choose a file." in empty.text
    assert db.session.scalar(select(PracticeAttachment.id)) is None


def test_only_editors_upload_and_remove(client, browser, maria):
    practice = make_published_practice(maria)
    upload(client, practice, PDF, "plan.pdf")
    attachment = attachment_named("plan.pdf")
    approve_files(practice)
    stranger = browser(make_user().email)
    assert upload(stranger, practice, PDF, "mine.pdf").status_code == 403
    remove = f"/practices/{practice.id}/files/{attachment.id}/remove"
    assert stranger.post(remove).status_code == 403
    assert client.post(remove, csrf=False).status_code == 400
    assert upload(client, practice, PDF, "x.pdf", csrf=False).status_code == 400

    assert client.post(remove).status_code == 302
    assert db.session.scalar(select(PracticeAttachment.id)) is None
    url = f"/practices/{practice.id}/files/{attachment.id}/plan.pdf"
    assert client.get(url).status_code == 404


def test_another_practices_file_id_is_not_found(client, maria):
    practice = make_published_practice(maria)
    other = make_published_practice(maria)
    upload(client, practice, PDF, "plan.pdf")
    attachment = attachment_named("plan.pdf")
    wrong = f"/practices/{other.id}/files/{attachment.id}/plan.pdf"
    assert client.get(wrong).status_code == 404
    remove = f"/practices/{other.id}/files/{attachment.id}/remove"
    assert client.post(remove).status_code == 404


def test_draft_files_stay_private(client, browser):
    author = make_user()
    draft = make_practice(author)
    theirs = browser(author.email)
    upload(theirs, draft, PDF, "draft.pdf")
    attachment = attachment_named("draft.pdf")
    url = f"/practices/{draft.id}/files/{attachment.id}/draft.pdf"
    with theirs.get(url) as response:
        assert response.status_code == 200
        assert "private" in response.headers["Cache-Control"]
        assert "public" not in response.headers["Cache-Control"]
    assert client.get(url).status_code == 404
    assert browser(make_user().email).get(url).status_code == 404
