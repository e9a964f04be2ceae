"""The demo workshops: past ones with a conversation, live and upcoming ones."""

from __future__ import annotations

from forum.extensions import db
from forum.models import ChatMessage, Thread, Workshop
from forum.services import demo, demo_workshops, workshops


def test_demo_workshops_cover_every_phase_and_load_once(app):
    demo.seed_demo_members()
    assert demo_workshops.seed_demo_workshops() == 6
    phases = {workshops.phase(w) for w in db.session.query(Workshop)}
    assert phases == {"past", "live", "upcoming"}
    accesses = {str(w.access) for w in db.session.query(Workshop)}
    assert accesses == {"open", "registration", "invitation"}
    assert db.session.query(ChatMessage).count() >= 10
    summarised = db.session.query(Workshop).filter(
        Workshop.summary_thread_id.is_not(None)
    )
    assert summarised.count() == 1
    assert db.session.get(Thread, summarised.one().summary_thread_id).is_public
    assert demo_workshops.seed_demo_workshops() == 0
