"""Reading API input: typed fields of the JSON body, and query-string filters.

Every write endpoint reads its body here, so a missing field, a wrong type or
a body that is not JSON gets the same clear 400/422 answer, never a 500.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from flask import request
from flask_babel import gettext as _

from forum.columns import MAX_ID
from forum.errors import ForumError, ValidationError

MAX_PAGE = 100_000
# Ids are 32-bit integers in the database; larger numbers would overflow the driver.
# For URL rules: an id beyond the column's range is simply not found.
ID = f"int(max={MAX_ID})"
_MISSING = object()


class BadRequest(ForumError):
    """The request body cannot be read at all."""

    status = 400
    code = "bad_request"


def _is_int(value) -> bool:
    return (
        isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID
    )


def is_text(value) -> bool:
    """Say whether `value` is a string a text column can store."""
    # NUL and lone surrogates cannot be stored: refuse them here, not in the driver.
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _is_text_list(value) -> bool:
    return isinstance(value, list) and all(is_text(v) for v in value)


def _is_int_list(value) -> bool:
    return isinstance(value, list) and all(_is_int(v) for v in value)


class JsonBody:
    """The JSON object sent with a request, read one typed field at a time."""

    def __init__(self, data: dict):
        self.data = data

    @classmethod
    def read(cls) -> JsonBody:
        """Parse the request body; an empty body counts as an empty object."""
        raw = request.get_data(cache=True)
        if not raw.strip():
            return cls({})
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            raise BadRequest(_("The body of the request is not valid JSON.")) from None
        if not isinstance(data, dict):
            raise BadRequest(_("The body of the request must be a JSON object."))
        return cls(data)

    def _get(self, name: str, check: Callable[[object], bool], kind: str, default):
        value = self.data.get(name, _MISSING)
        if value is _MISSING or (value is None and default is not _MISSING):
            if default is _MISSING:
                raise ValidationError(
                    _("The field “%(name)s” is required.", name=name), field=name
                )
            return default
        if not check(value):
            raise ValidationError(
                _("The field “%(name)s” must be %(kind)s.", name=name, kind=kind),
                field=name,
            )
        return value

    def text(self, name: str, default=_MISSING) -> str:
        """Return a string field; required unless a default is given."""
        return self._get(name, is_text, _("a string"), default)

    def integer(self, name: str, default=_MISSING) -> int | None:
        """Return a non-negative id-sized integer (null is missing if optional)."""
        return self._get(name, _is_int, _("an integer"), default)

    def texts(self, name: str, default=_MISSING) -> list[str]:
        """Return a list of strings."""
        return self._get(name, _is_text_list, _("a list of strings"), default)

    def integers(self, name: str, default=_MISSING) -> list[int]:
        """Return a list of integers."""
        return self._get(name, _is_int_list, _("a list of integers"), default)


def query_choice(name: str, options: Iterable[str], default: str | None = None):
    """Return a query-string parameter that must be one of `options`, if given."""
    value = request.args.get(name, "")
    if not value:
        return default
    options = list(options)
    if value not in options:
        raise ValidationError(
            _("Unknown value “%(value)s” for “%(name)s”.", value=value, name=name),
            field=name,
        )
    return value


def query_page() -> int:
    """Return ?page= as a positive integer (1 when missing)."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_PAGE:
        raise ValidationError(
            _("The page must be a whole number from 1 to %(n)d.", n=MAX_PAGE),
            field="page",
        )
    return int(raw)
