"""Demo workshops for `seed-demo`: past ones with their conversation, a live one,
and upcoming ones of each kind of access. Times are set relative to now."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from forum.columns import utcnow
from forum.extensions import db
from forum.models import User, Workshop
from forum.services import chat, demo, workshop_outcomes, workshops
from forum.services.reference import DATA_DIR


def seed_demo_workshops() -> int:
    """Create the demo workshops not there yet; return how many were added."""
    entries = json.loads((DATA_DIR / "demo_workshops.json").read_text("utf-8"))
    existing = set(db.session.scalars(select(Workshop.title)))
    members = {u.username: u for u in db.session.scalars(select(User))}
    added = 0
    # Mail nobody and lift the flood limits while the demo is loaded.
    with demo.seeding(members.values()), current_app.test_request_context("/"):
        for entry in entries:
            if entry["title"] in existing or entry["organiser"] not in members:
                continue
            _create(entry, members)
            added += 1
    return added


def _create(entry: dict, members: dict[str, User]) -> Workshop:
    organiser, access = entry["organiser"], entry["access"]
    conversation = entry["conversation"]
    start = utcnow() + timedelta(hours=entry["starts_in_hours"])
    # Past workshops are scheduled as if now, then moved, so their room accepts
    # the conversation (rooms are read-only once over).
    talk_start = utcnow() - timedelta(minutes=10) if conversation else start
    workshop = workshops.create_workshop(
        members[organiser],
        {
            "title": entry["title"],
            "description": entry["description"],
            "country": entry["country"],
            "themes": entry["themes"],
            "languages": entry["languages"],
            "starts_at": talk_start,
            "ends_at": talk_start + timedelta(hours=2),
            "access": access,
            "capacity": "30" if access == "registration" else None,
        },
    )
    if access == "invitation":
        workshops.invite(
            members[organiser], workshop, ["claire.moreau", "rania.haddad"]
        )
    for number, line in enumerate(conversation):
        speaker, text = line["member"], line["text"]
        if speaker not in members:
            continue
        if access == "registration" and speaker != organiser:
            workshops.register(members[speaker], workshop)
        message, _created = chat.post_message(
            members[speaker], workshop, body=text, client_id=f"demo-{number}"
        )
        message.created_at = start + timedelta(minutes=3 * number + 2)
    workshop.starts_at, workshop.ends_at = start, start + timedelta(hours=2)
    db.session.commit()
    if entry["summary"]:
        workshop_outcomes.publish_summary(
            members[organiser], workshop, summary=entry["summary"]
        )
    return workshop
