"""Security headers sent with every response."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

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


def init_app(app: Flask) -> None:
    """Cap request bodies first, and send the security headers on every response."""
    app.before_request_funcs.setdefault(None, []).insert(0, cap_plain_bodies)
    app.after_request(add_security_headers)
