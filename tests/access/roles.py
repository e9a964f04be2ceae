"""The nine roles of the access matrix, and the world they act on.

One world per test module: members of every role, and content authored by
"author" in Tunisia / social finance (the scope of "moderator_in"; the scope
of "moderator_out" is Italy and the circular economy). Every role logs in
once; each request then starts from the same snapshot (tests/access/world.py),
so what one role did never changes the answer to the next.
"""

from __future__ import annotations

import io
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import select

from forum.columns import utcnow
from forum.extensions import db
from forum.models import (
    AccountStatus,
    Country,
    Notification,
    PracticeRevision,
    Theme,
    User,
)
from forum.services import (
    accounts,
    adoptions,
    api_tokens,
    attachments,
    chat,
    members,
    moderation,
    practice_review,
    search,
    tokens,
    workshops,
)
from tests.access.world import World, log_in
from tests.conftest import BrowserClient
from tests.factories import make_user
from tests.forum.factories import make_reply, make_thread, opening_post
from tests.library.factories import make_practice, make_published_practice
from tests.workshops.factories import make_workshop

ROLES = (
    "anonymous",
    "member",
    "author",
    "other_member",
    "moderator_in",
    "moderator_out",
    "global_moderator",
    "admin",
    "suspended",
)
# Roles whose session or token the app no longer accepts.
VISITORS = ("anonymous", "suspended")

COUNTRY, THEME = "TN", "social-finance"
# Texts only their readers may see, wherever they could show.
PENDING_TEXT = "A second idea, still waiting for approval."
HIDDEN_TEXT = "An off-topic remark about football."
# The smallest file the library accepts: PDF is recognised by its first bytes.
PDF = b"%PDF-1.4\n% Budget of the solidarity grocery\n%%EOF\n"


def make_role_users() -> dict[str, User]:
    """Create the member behind every role but the anonymous visitor."""
    month_ago = utcnow() - timedelta(days=30)

    def user(name: str, **columns) -> User:
        return make_user(
            username=name,
            email=f"{name}@access.example",
            created_at=month_ago,
            **columns,
        )

    return {
        "member": user("member"),
        "author": user("author", can_organise=True),
        "other_member": user("other_member"),
        "moderator_in": user(
            "moderator_in",
            role="moderator",
            scope_countries=[db.session.get(Country, COUNTRY)],
        ),
        "moderator_out": user(
            "moderator_out",
            role="moderator",
            scope_countries=[db.session.get(Country, "IT")],
            scope_themes=[db.session.get(Theme, "circular-economy")],
        ),
        "global_moderator": user("global_moderator", role="moderator"),
        "admin": user("admin", role="admin"),
        "suspended": user("suspended"),
    }


def _thread(author: User, **columns):
    return make_thread(author, country=COUNTRY, themes=(THEME,), **columns)


def make_forum(users: dict[str, User]) -> dict[str, int]:
    """Threads and posts by "author", replies and a flag by the others."""
    author, member = users["author"], users["member"]
    thread = _thread(author, title="Financing a solidarity grocery")
    member_reply = make_reply(thread, member, body="We did it with a mutual fund.")
    author_reply = make_reply(thread, author, body="Thank you, tell us more.")
    pending = make_reply(thread, member, body=PENDING_TEXT)
    pending.approved = False  # as a newcomer's post would be
    db.session.commit()
    search.sync_posts(pending)
    hidden = make_reply(thread, member, body=HIDDEN_TEXT)
    moderation.hide_post(users["admin"], hidden, reason="Off topic")
    flag = moderation.flag_post(users["other_member"], member_reply, reason="spam")
    target = _thread(author, title="Where solidarity groceries meet")
    settled = _thread(
        author, title="Settled question", pinned=True, locked=True, featured=True
    )
    foreign = make_thread(
        author, title="Repair cafés", country="IT", themes=("circular-economy",)
    )
    deleted = _thread(author, title="A removed question")
    moderation.delete_thread(users["admin"], deleted, reason="Duplicate")
    return {
        "thread": thread.id,
        "opening_post": opening_post(thread).id,
        "member_reply": member_reply.id,
        "author_reply": author_reply.id,
        "pending_reply": pending.id,
        "hidden_reply": hidden.id,
        "flag": flag.id,
        "target_thread": target.id,
        "settled_thread": settled.id,
        "deleted_thread": deleted.id,
        "foreign_thread": foreign.id,
    }


def make_library(users: dict[str, User]) -> dict[str, int | str]:
    """Practices by "author" in every state, files, an adoption by "member"."""
    author, reviewer = users["author"], users["global_moderator"]
    published = make_published_practice(author, reviewer, title="Solidarity grocery")
    with current_app.test_request_context():
        # The reviewer's file is public at once; the author's waits for review.
        attachment = attachments.add_attachment(
            reviewer, published, stream=io.BytesIO(PDF), filename="budget.pdf"
        )
        waiting_file = attachments.add_attachment(
            author, published, stream=io.BytesIO(PDF), filename="new-budget.pdf"
        )
    draft = make_practice(author, title="A draft kept private")
    submitted = make_practice(author, title="A practice under review")
    with current_app.test_request_context():
        practice_review.submit_practice(author, submitted)
        submitted_file = attachments.add_attachment(
            author, submitted, stream=io.BytesIO(PDF), filename="draft-budget.pdf"
        )
        adoption = adoptions.record_adoption(
            users["member"], published, kind="adopted", note="", organisation="Coop"
        )
    revision = db.session.scalar(
        select(PracticeRevision.id).where(PracticeRevision.practice_id == published.id)
    )
    return {
        "practice": published.id,
        "draft_practice": draft.id,
        "submitted_practice": submitted.id,
        "revision": revision,
        "attachment": attachment.id,
        "attachment_name": attachment.filename,
        "submitted_attachment": submitted_file.id,
        "waiting_attachment": waiting_file.id,
        "adoption": adoption.id,
    }


def make_workshops(users: dict[str, User]) -> dict[str, int | str]:
    """A live workshop organised by "author" with registration; "member" is in."""
    workshop = make_workshop(
        users["author"],
        starts_in=timedelta(minutes=-10),
        country=COUNTRY,
        themes=[THEME],
        access="registration",
    )
    workshops.register(users["member"], workshop)
    private = make_workshop(
        users["author"], country=COUNTRY, themes=[THEME], access="invitation"
    )
    workshops.invite(users["author"], private, [users["member"].username])
    message, _created = chat.post_message(
        users["member"], workshop, body="Hello everyone", client_id="access-1"
    )
    return {
        "workshop": workshop.id,
        "room": workshop.room,
        "message": message.id,
        "private_workshop": private.id,
    }


def make_accounts(users: dict[str, User]) -> dict[str, int | str]:
    """Accounts that admin pages act on, tokens in e-mailed links, API tokens."""
    subject = make_user(username="subject", email="subject@access.example")
    pending = make_user(username="newcomer", email="newcomer@access.example")
    pending.status = AccountStatus.PENDING
    unconfirmed = make_user(
        username="unconfirmed",
        email="unconfirmed@access.example",
        email_confirmed_at=None,
    )
    db.session.commit()
    spare, _secret = api_tokens.create_api_token(users["author"], name="spare")
    notification = db.session.scalar(
        select(Notification.id).where(Notification.user_id == users["author"].id)
    )
    with current_app.test_request_context():
        return {
            "subject": subject.id,
            "pending_user": pending.id,
            "suspended_user": users["suspended"].id,
            "reset_token": tokens.make_token(
                accounts.RESET_PURPOSE,
                {"uid": subject.id, "state": tokens.fingerprint(subject.password_hash)},
            ),
            "confirm_token": tokens.make_token(
                accounts.CONFIRM_PURPOSE,
                {"uid": unconfirmed.id, "email": unconfirmed.email},
            ),
            "spare_token": spare.id,
            "notification": notification,
        }


def build_world(app: Flask) -> World:
    """Create every role's member and the content, log each role in, snapshot."""
    app.test_client_class = BrowserClient
    users = make_role_users()
    world = World(app=app, users={role: user.id for role, user in users.items()})
    world.ids.update(make_forum(users))
    world.ids.update(make_library(users))
    world.ids.update(make_workshops(users))
    world.ids.update(make_accounts(users))
    world.ids.update(
        {role: user.username for role, user in users.items()},
    )
    world.ids["users"] = world.users
    world.sessions["anonymous"] = log_in(app, None)
    for role, user in users.items():
        world.sessions[role] = log_in(app, user)
        world.sessions[role].api_secret = api_tokens.create_api_token(
            user, name="access matrix"
        )[1]
    suspended = db.session.get(User, world.users["suspended"])
    members.suspend_user(
        db.session.get(User, world.users["admin"]),
        suspended,
        until=utcnow() + timedelta(days=7),
        reason="Insults",
    )
    world.take_snapshot()
    return world
