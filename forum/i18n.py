"""Language and time zone choice, and the text direction of each page."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from forum.extensions import babel

LANGUAGE_COOKIE = "lang"

# Names of the UI languages in their own language, for the switcher.
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "es": "Español",
    "it": "Italiano",
}


# Languages members commonly speak around the Mediterranean, named in their own.
SPOKEN_LANGUAGES = {
    **LANGUAGE_NAMES,
    "pt": "Português",
    "el": "Ελληνικά",
    "tr": "Türkçe",
    "mt": "Malti",
    "he": "עברית",
    "ca": "Català",
    "hr": "Hrvatski",
    "sl": "Slovenščina",
    "sq": "Shqip",
    "bg": "Български",
    "de": "Deutsch",
    "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ",
}


def select_locale() -> str:
    """Pick the UI language: the member's preference, the cookie, the browser."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # Command line and other work outside a request: nobody to ask.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or languages[0]


def select_timezone() -> str | None:
    """Pick the time zone in which dates are shown: the member's own."""
    if not has_request_context():
        return None
    if current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return None


def text_direction(locale: str) -> str:
    """Return "rtl" for right-to-left languages, else "ltr"."""
    return "rtl" if locale in current_app.config["RTL_LANGUAGES"] else "ltr"


_TIMEZONES: list[str] = []


def timezone_choices() -> list[str]:
    """Return the IANA time zone names a member can choose, sorted."""
    if not _TIMEZONES:
        _TIMEZONES.extend(
            sorted(
                tz
                for tz in available_timezones()
                if "/" in tz and not tz.startswith(("Etc/", "SystemV/", "posix/"))
            )
            + ["UTC"]
        )
    return _TIMEZONES


def is_valid_timezone(name: str) -> bool:
    """Say whether `name` is a time zone the site knows."""
    return name in timezone_choices()


def current_locale_code() -> str:
    """Return the language code of the current request."""
    locale = get_locale()
    return str(locale) if locale else current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with our selectors and expose helpers to templates."""
    babel.init_app(
        app, locale_selector=select_locale, timezone_selector=select_timezone
    )

    @app.context_processor
    def _language_context():
        locale = current_locale_code()
        return {
            "current_locale": locale,
            "text_direction": text_direction(locale),
            "language_names": LANGUAGE_NAMES,
        }
