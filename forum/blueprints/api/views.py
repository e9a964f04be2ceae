"""API endpoints of the foundation: reference data and the caller's account."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user, login_required

from forum.blueprints.api import bp
from forum.blueprints.api.openapi import openapi_document
from forum.blueprints.api.serialise import country_dict, theme_dict, user_dict
from forum.services import reference


@bp.route("/countries")
def list_countries():
    """List the countries in use, with their names in every UI language."""
    return jsonify(countries=[country_dict(c) for c in reference.list_countries()])


@bp.route("/themes")
def list_themes():
    """List the themes in use, with names and descriptions in every UI language."""
    return jsonify(themes=[theme_dict(t) for t in reference.list_themes()])


@bp.route("/me")
@login_required
def me():
    """Describe the account the call is made with."""
    return jsonify(user_dict(current_user))


@bp.route("/openapi.json")
def openapi():
    """Return the OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())
