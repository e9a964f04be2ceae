"""Checks shared by the hostile-input tests of the pages."""

from __future__ import annotations

import re

from markupsafe import escape

from tests.hostile.markup import dangerous_markup


def shown(text: str) -> str:
    """Return `text` as a template prints it (escaped)."""
    return str(escape(text))


def safe_page(response, where: str) -> str:
    """Return the page's HTML after checking it is a page and holds no attack."""
    assert response.status_code == 200, (where, response.status_code)
    page = response.get_data(as_text=True)
    assert dangerous_markup(page) == [], where
    return page


def assert_refused_and_kept(response, text: str, where: str) -> None:
    """A refused form answers 4xx and shows the text again, so nothing is lost.

    A NUL character is refused before any form is read (400): there is no
    form to show again.
    """
    assert 400 <= response.status_code < 500, (where, response.status_code)
    if "\x00" in text:
        assert response.status_code == 400, where
        return
    assert response.status_code == 422, (where, response.status_code)
    page = response.get_data(as_text=True)
    assert shown(text) in page, where
    assert dangerous_markup(page) == [], where


def created_id(response) -> int:
    """Return the id at the end of the address a creation redirects to."""
    assert response.status_code == 302, (response.status_code, form_errors(response))
    return int(response.location.split("#")[0].rstrip("/").rsplit("/", 1)[1])


ERROR_MESSAGE = re.compile(r'<p class="error-message"[^>]*>(.*?)</p>', re.S)


def form_errors(response) -> list[str]:
    """Return the error messages a form page shows."""
    return ERROR_MESSAGE.findall(response.get_data(as_text=True))
