"""Security headers, body caps, and which proxy headers the app trusts."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Flask, Response, current_app, request
from flask import Request as FlaskRequest
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.utils import cached_property

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    """Add the CSP and the other protective headers to a response."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def cap_plain_bodies() -> None:
    """Hold non-upload bodies to the small cap before anything reads them.

    Werkzeug applies MAX_FORM_MEMORY_SIZE to multipart parts only, so an
    url-encoded or JSON body needs its own, smaller, limit.
    """
    if request.mimetype != "multipart/form-data":
        request.max_content_length = current_app.config["MAX_PLAIN_BODY_SIZE"]


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class Request(FlaskRequest):
    """Flask's request, whose query string never hands a NUL character on.

    A NUL in a filter (`?country=%00`) would reach the database, and
    PostgreSQL text cannot hold one. Paths and forms are refused outright
    (below); a query string is only a question, so its NULs become U+FFFD,
    a character no stored value has, and the page answers "nothing found".
    """

    @cached_property
    def args(self):
        pairs = parse_qsl(
            self.query_string.decode(),
            keep_blank_values=True,
            errors="werkzeug.url_quote",
        )
        return self.parameter_storage_class(
            (key.replace("\x00", NUL_STAND_IN), value.replace("\x00", NUL_STAND_IN))
            for key, value in pairs
        )


NUL_STAND_IN = "\ufffd"


def refuse_nul_characters() -> None:
    """Refuse a NUL character in the path or a form: no text column may hold one.

    SQLite would store it; PostgreSQL raises an error, which would be a 500.
    """
    values = [request.path]
    if request.blueprint != "api" and request.mimetype in FORM_TYPES:
        values.extend(request.form.values())  # the API reads JSON, never forms
    if any("\x00" in value for value in values):
        raise BadRequest(
            _("The request holds a NUL character, which no text may hold.")
        )


def init_app(app: Flask) -> None:
    """Cap request bodies first, and send the security headers on every response."""
    app.request_class = Request
    app.before_request_funcs.setdefault(None, []).insert(0, cap_plain_bodies)
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
    trust_proxy(app)


def trust_proxy(app: Flask) -> None:
    """Take the client's address and scheme from the proxy's X-Forwarded headers.

    Rate limits key on the client address: behind nginx without this, every
    visitor would share the proxy's address, and so one limit.
    """
    hops_for = app.config["PROXY_FIX_X_FOR"]
    hops_proto = app.config["PROXY_FIX_X_PROTO"]
    if hops_for or hops_proto:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops_for, x_proto=hops_proto)
