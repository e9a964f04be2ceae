"""The demo community loaded by `flask forum seed-demo`."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from forum.extensions import db
from forum.markup import render_markdown
from forum.models import ActorType, Country, Role, Theme, User
from forum.services.accounts import create_confirmed_user
from forum.services.passwords import hash_password
from forum.services.reference import DATA_DIR


def demo_password() -> str:
    """Return the demo accounts' password, made once and kept in the instance folder."""
    path = Path(current_app.instance_path) / "demo-password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


def seed_demo_members() -> int:
    """Create the demo members that do not exist yet; return how many were added."""
    members = json.loads((DATA_DIR / "demo_members.json").read_text(encoding="utf-8"))
    existing = set(db.session.scalars(select(User.username)))
    password_hash = hash_password(demo_password())
    added = 0
    for member in members:
        if member["username"] in existing:
            continue
        _create_member(member, password_hash)
        added += 1
    return added


def _create_member(member: dict, password_hash: str) -> User:
    user = create_confirmed_user(
        email=member["email"],
        username=member["username"],
        display_name=member["display_name"],
        password="",
        password_hash=password_hash,
        organisation=member["organisation"],
        actor_type=ActorType(member["actor_type"]),
        country_code=member["country"],
        languages=member["languages"],
        locale=member["locale"],
        timezone=member["timezone"],
        bio_markdown=member["bio"],
        bio_html=render_markdown(member["bio"]),
    )
    user.role = Role(member["role"])
    user.moderates_everywhere = bool(member.get("moderates_everywhere"))
    user.can_organise = bool(member.get("organiser"))
    if user.role is Role.MODERATOR:
        user.scope_countries = _rows(
            Country, Country.code, member["moderator_countries"]
        )
        user.scope_themes = _rows(Theme, Theme.slug, member["moderator_themes"])
    db.session.commit()
    return user


def _rows(model, column, keys):
    if not keys:
        return []
    return list(db.session.scalars(select(model).where(column.in_(keys))))
