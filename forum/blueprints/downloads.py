"""Responses that a browser saves as a file instead of showing."""

from __future__ import annotations

from flask import Response


def member_data_file(document: str, username: str) -> Response:
    """Send a member's data (JSON) as the file `agora-<username>-data.json`."""
    return Response(
        document,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="agora-{username}-data.json"'
        },
    )
