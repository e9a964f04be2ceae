"""Domain errors raised by services, and the one place that turns errors into pages."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from forum.extensions import db


class ForumError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str | None = None, *, field: str | None = None):
        super().__init__(message or self.default_message())
        self.message = str(message or self.default_message())
        self.field = field

    def default_message(self) -> str:
        return str(_l("The request could not be carried out."))


class NotFound(ForumError):
    status = 404
    code = "not_found"

    def default_message(self) -> str:
        return str(_l("This page or item does not exist."))


class PermissionDenied(ForumError):
    status = 403
    code = "forbidden"

    def default_message(self) -> str:
        return str(_l("You are not allowed to do this."))


class ValidationError(ForumError):
    status = 422
    code = "invalid"

    def default_message(self) -> str:
        return str(_l("Some of the information given is not valid."))


class Conflict(ForumError):
    status = 409
    code = "conflict"

    def default_message(self) -> str:
        return str(_l("This conflicts with the current state."))


HTTP_MESSAGES = {
    400: _l("The request was not understood. Please go back and try again."),
    401: _l("Please log in to see this page."),
    403: _l("You are not allowed to see this page."),
    404: _l("We could not find that page."),
    405: _l("This page cannot be used that way."),
    409: _l("This conflicts with the current state."),
    413: _l("What you sent is too large."),
    422: _l("Some of the information given is not valid."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. It has been logged."),
}

HTTP_TITLES = {
    400: _l("Bad request"),
    401: _l("Login required"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Too large"),
    422: _l("Invalid information"),
    429: _l("Too many requests"),
    500: _l("Server error"),
}


def wants_json() -> bool:
    """Say whether the current request should be answered in JSON."""
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str):
    """Render an error as JSON under /api, else as an HTML page."""
    if wants_json():
        return jsonify(error=code, message=message), status
    title = HTTP_TITLES.get(status, HTTP_TITLES[400])
    return render_template(
        "errors/error.html", status=status, title=title, message=message
    ), status


def _handle_forum_error(error: ForumError):
    return error_response(error.status, error.code, error.message)


def _handle_http_error(error: HTTPException):
    status = error.code or 500
    message = HTTP_MESSAGES.get(status)
    if status == 400 and error.description and "CSRF" in error.description:
        message = _l(
            "Your form expired or was sent from elsewhere. Please reload the page "
            "and try again."
        )
    code = (error.name or "error").lower().replace(" ", "_")
    response = error_response(status, code, str(message or error.description))
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response[0].headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429 and error.get_headers():
        for key, value in error.get_headers():
            if key.lower() == "retry-after":
                response[0].headers[key] = value
    return response


def _handle_unexpected(error: Exception):
    db.session.rollback()
    current_app.logger.exception(
        "Unhandled error on %s %s", request.method, request.path
    )
    return error_response(500, "server_error", str(HTTP_MESSAGES[500]))


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(ForumError, _handle_forum_error)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(Exception, _handle_unexpected)
