"""The practices a search finds, as CSV (for spreadsheets) or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from flask import Response, request

from forum.blueprints.search import bp
from forum.services import practice_export, site_search

COLUMNS = (
    "id",
    "title",
    "url",
    "summary",
    "country",
    "place",
    "themes",
    "actor_types",
    "language",
    "start_year",
    "end_year",
    "status",
    "organisation",
    "published_at",
    "adoptions",
)
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str | int:
    """Return a value as a CSV cell that a spreadsheet shows and never runs."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: list[dict]) -> str:
    """Return rows as CSV text, with a byte-order mark so Excel reads UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_cell(row[name]) for name in COLUMNS])
    return out.getvalue()


@bp.route("/search/practices.<any(csv, json):extension>")
def export_practices(extension: str):
    """Download the practices the search finds (up to 5,000), as CSV or JSON."""
    params = site_search.read_params(request.args)
    rows = practice_export.export_practices(params)
    filename = f"agora-practices-{date.today().isoformat()}.{extension}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if extension == "csv":
        return Response(to_csv(rows), mimetype="text/csv", headers=headers)
    body = json.dumps(
        {"total": len(rows), "practices": rows}, ensure_ascii=False, indent=1
    )
    return Response(body, mimetype="application/json", headers=headers)
