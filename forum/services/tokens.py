"""Signed, expiring tokens sent by email (confirmation, password reset)."""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from forum.errors import ValidationError


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def fingerprint(value: str) -> str:
    """Return a short digest of `value`, to bind a token to a state."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def make_token(purpose: str, payload: dict) -> str:
    """Sign `payload` for one purpose."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, *, max_age: int) -> dict:
    """Return the payload of a valid token, or raise ValidationError."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise ValidationError(_expired_message()) from error
    except BadSignature as error:
        raise ValidationError(_invalid_message()) from error
    if not isinstance(payload, dict):
        raise ValidationError(_invalid_message())
    return payload


def _expired_message() -> str:
    return _("This link has expired. Please ask for a new one.")


def _invalid_message() -> str:
    return _("This link is not valid or has already been used.")
