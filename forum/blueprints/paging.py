"""Reading the page number from the query string."""

from __future__ import annotations

from flask import request

MAX_PAGE = 100_000


def page_number() -> int:
    """Return ?page= as a positive integer (1 when missing or nonsense)."""
    raw = request.args.get("page", "1")
    # isdigit() alone accepts "²", which int() refuses: digits must be ASCII.
    valid = raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_PAGE
    return int(raw) if valid else 1
