"""Logs: a request id on every record, one access line per request, JSON or text.

The request id is kept in the WSGI environ. Flask-SocketIO runs every event
of a connection in a request context built on the environ of the request
that opened it, so socket events log with the id of their connection.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler
from sqlalchemy import inspect

REQUEST_ID_HEADER = "X-Request-ID"
_ENVIRON_KEY = "forum.request_id"
_START_KEY = "forum.request_started"
# A proxy's id is kept only if it is short and cannot forge a log line.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
# Attributes every LogRecord has; anything else was passed as `extra`.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "request_id",
}

access_logger = logging.getLogger("forum.access")


def request_id() -> str:
    """Return the current request's id: the proxy's if it is safe, else a new one."""
    environ = request.environ
    found = environ.get(_ENVIRON_KEY)
    if found is None:
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        found = incoming if _SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex
        environ[_ENVIRON_KEY] = found
    return found


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request it was logged in, or "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add `request_id` to the record and keep it."""
        record.request_id = request_id() if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as JSON, with any `extra` fields at the top level."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class StderrHandler(logging.StreamHandler):
    """Write to whatever sys.stderr is at the moment of writing."""

    @property
    def stream(self):
        """Return the current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        """Ignore: the stream is always the current standard error."""


def init_app(app: Flask) -> None:
    """Configure the app's logs and give every request an id and an access line."""
    _configure_handler(app)
    app.before_request_funcs.setdefault(None, []).insert(0, _start_clock)
    app.after_request(_log_access)


def _configure_handler(app: Flask) -> None:
    handler = StderrHandler()
    handler.addFilter(RequestIdFilter())
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logger = logging.getLogger(app.import_name)
    # One handler per process, even when several apps are built (tests).
    for old in list(logger.handlers):
        if isinstance(old, StderrHandler) or old is default_handler:
            logger.removeHandler(old)
    logger.addHandler(handler)
    logger.setLevel(str(app.config["LOG_LEVEL"]).upper())


def _start_clock() -> None:
    request.environ[_START_KEY] = time.perf_counter()


def _log_access(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id()
    started = request.environ.get(_START_KEY)
    if started is None or not access_logger.isEnabledFor(logging.INFO):
        return response
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    # Flask-Login keeps the user it loaded in g. Its identity key survives the
    # page's commit, whereas `user.id` would reload the expired row.
    user = g.get("_login_user")
    user_id = None
    if user is not None and user.is_authenticated:
        identity = inspect(user).identity
        user_id = identity[0] if identity else None
    access_logger.info(
        "%s %s %s %.1fms user=%s",
        request.method,
        request.path,
        response.status_code,
        duration_ms,
        user_id or "-",
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": user_id,
        },
    )
    return response
