"""HTTP caching and compression: validators, Cache-Control, Vary, gzip/brotli."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress
from flask_login import current_user

compress = Compress()

# Pages and feeds: revalidated on every view, answered 304 when unchanged.
REVALIDATED_TYPES = {
    "text/html",
    "application/atom+xml",
    "application/rss+xml",
    "text/calendar",
}
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/atom+xml",
    "application/rss+xml",
    "application/xml",
    "image/svg+xml",
    "text/calendar",
]
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"


def mark_versioned_assets(response: Response) -> Response:
    """Let browsers keep a content-hashed static file without ever asking again."""
    if request.endpoint == "static" and request.args.get("v"):
        response.headers["Cache-Control"] = IMMUTABLE_CACHE_CONTROL
    return response


def add_validators(response: Response) -> Response:
    """Tag pages and feeds with an ETag and answer 304 when the client has them."""
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or response.mimetype not in REVALIDATED_TYPES
        or response.is_streamed
    ):
        return response
    response.vary.update(("Cookie", "Accept-Language"))
    if "Cache-Control" not in response.headers:
        # A member's page, or one that sets a cookie, is for that browser only.
        personal = current_user.is_authenticated or "Set-Cookie" in response.headers
        response.cache_control.no_cache = True
        response.cache_control.private = personal or None
    response.add_etag()
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Compress responses and tag them for caches, in that order of registration.

    Flask runs after-request functions last-registered first, so validators
    are added to the plain body and Flask-Compress then derives the
    compressed variant's ETag (suffix ":gzip", ":br") from it.
    """
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 1024)
    compress.init_app(app)
    app.after_request(add_validators)
    app.after_request(mark_versioned_assets)
