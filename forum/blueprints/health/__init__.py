"""Probes for process managers and load balancers: /healthz and /readyz."""

from flask import Blueprint

from forum.extensions import csrf, limiter

bp = Blueprint("health", __name__)
csrf.exempt(bp)
limiter.exempt(bp)

from forum.blueprints.health import views  # noqa: E402,F401
