"""A moderator's work in Chromium, through the pages alone: pin and lock a
discussion, hide a post, uphold one flag and dismiss another from the queue,
and approve a new member's first discussion. Members' own browsers show the
outcome: the pinned badge, no reply box, the hidden post's reason.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.factories import make_user
from tests.forum.factories import make_reply, make_thread, old_member

pytestmark = pytest.mark.slow

TITLE = "Quel statut pour une coopérative de pêcheurs à Mahdia ?"


@pytest.fixture
def app_config() -> dict:
    # The discussion's posts are set up already published; the approval
    # journey below turns the product's default back on.
    return {"POSTS_NEEDING_APPROVAL": 0}


@pytest.fixture
def discussion(app):
    """A Tunisian discussion with three replies, one of them spam."""
    author = old_member(display_name="Hédi Trabelsi")
    thread = make_thread(author, title=TITLE, country="TN", language="fr")
    make_reply(
        thread,
        old_member(display_name="Sonia Ben Amor"),
        body="La loi de 2020 sur l'ESS prévoit le statut de coopérative.",
    )
    make_reply(
        thread,
        old_member(display_name="Vendeur Anonyme"),
        body="Achetez des filets pas chers sur notre site !!!",
    )
    make_reply(
        thread,
        old_member(display_name="Rami Gharbi"),
        body="Moi je trouve ces pêcheurs bien paresseux.",
    )
    return thread


def flag(page, author: str, reason: str, text: str = "") -> None:
    """Flag the post of `author` on the open thread page for `reason`."""
    page.get_by_role("article", name=author).get_by_role("link", name="Flag").click()
    page.get_by_label(reason).check()
    if text:
        page.get_by_label("Tell the moderators more").fill(text)
    page.get_by_role("button", name="Send to the moderators").click()
    page.get_by_text("Thank you. A moderator will look at this post.").wait_for()


def open_moderation(page) -> None:
    """Follow the header's link to the moderation queue."""
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Moderation"
    ).click()
    page.get_by_role("heading", name="Moderation", exact=True).wait_for()


def thread_action(page, button: str, reason: str | None = None) -> None:
    """Open the moderation tools of the thread page and use one of them."""
    page.get_by_text("Moderation tools").click()
    if reason is not None:
        page.get_by_label("Reason for locking, shown on the discussion").fill(reason)
    page.get_by_role("button", name=button, exact=True).click()


def test_moderator_pins_locks_hides_and_resolves_flags(
    live_server, new_context, discussion, screenshot
):
    make_user(email="omar@mod.example", role="moderator", display_name="Omar")
    old_member(email="leila@example.org", display_name="Leïla")
    thread_url = f"{live_server}/threads/{discussion.id}"

    member = log_in(new_context(), live_server, "leila@example.org")
    member.goto(thread_url)
    flag(member, "Vendeur Anonyme", "Spam")
    flag(member, "Sonia Ben Amor", "Off topic", "Hors sujet ?")

    moderator = log_in(new_context(), live_server, "omar@mod.example")
    open_moderation(moderator)
    flagged = moderator.get_by_role("region", name="Flagged posts")
    spam = flagged.get_by_role("article").filter(has_text="filets pas chers")
    spam.get_by_text("Spam").wait_for()
    screenshot(moderator, "1-queue-with-two-flags")
    spam.get_by_label("Reason for hiding, shown to members").fill("Publicité")
    spam.get_by_role("button", name="Hide the post").click()
    moderator.get_by_text("The post is hidden.").wait_for()
    flagged.get_by_role(
        "button", name="Dismiss the flag raised by Leïla", exact=True
    ).click()
    moderator.get_by_text("The flag is dismissed.").wait_for()
    moderator.get_by_text("No open flags. Well done!").wait_for()

    moderator.goto(thread_url)
    thread_action(moderator, "Pin")
    moderator.get_by_text("The discussion is pinned.").wait_for()
    moderator.get_by_role("article", name="Rami Gharbi").get_by_role(
        "link", name="Hide…"
    ).click()
    moderator.get_by_label("Reason").fill("Propos méprisants")
    moderator.get_by_role("button", name="Hide", exact=True).click()
    moderator.get_by_text("The post is hidden.").wait_for()
    thread_action(moderator, "Lock", reason="Question résolue")
    moderator.get_by_text("The discussion is locked.").wait_for()
    screenshot(moderator, "2-pinned-locked-hidden")

    member.goto(thread_url)
    member.get_by_text("This discussion is locked: no new replies.").wait_for()
    member.get_by_text("Question résolue").wait_for()
    screenshot(member, "3-what-the-member-sees")
    assert member.get_by_role("heading", name="Reply to the discussion").count() == 0
    assert member.get_by_role("link", name="Reply", exact=True).count() == 0
    assert member.get_by_text("filets pas chers").count() == 0
    assert member.get_by_text("bien paresseux").count() == 0
    spam_post = member.get_by_role("article", name="Vendeur Anonyme")
    assert "Reason: Publicité" in spam_post.inner_text()
    assert member.get_by_text("La loi de 2020").is_visible()

    member.goto(f"{live_server}/c/TN")
    row = member.locator(".thread-row").filter(has_text=TITLE)
    assert row.locator(".badge").all_inner_texts() == ["Pinned", "Locked"]

    open_moderation(moderator)
    moderator.get_by_role("link", name="Moderation log").click()
    actions = moderator.locator("table tbody tr td:nth-child(3)").all_inner_texts()
    assert sorted(actions) == sorted(
        [
            "Flag upheld: post hidden",
            "Flag dismissed",
            "Discussion pinned",
            "Post hidden",
            "Discussion locked",
        ]
    )
    screenshot(moderator, "4-moderation-log")


# The product's default: a new member's first posts wait for a moderator.
@pytest.mark.parametrize("app_config", [{}], ids=["posts-need-approval"])
def test_moderator_approves_a_new_members_first_discussion(
    live_server, new_context, screenshot
):
    make_user(email="omar@mod.example", role="moderator", display_name="Omar")
    make_user(email="nour@example.org", display_name="Nour")
    title = "Premier marché paysan à Bizerte"

    newcomer = log_in(new_context(), live_server, "nour@example.org")
    newcomer.goto(f"{live_server}/threads/new?country=TN")
    newcomer.get_by_label("Title").fill(title)
    newcomer.get_by_label("Agriculture and food").check()
    newcomer.get_by_label("Your message").fill("Qui veut tenir un stand en mai ?")
    newcomer.get_by_role("button", name="Start the discussion").click()
    newcomer.get_by_text("A moderator will publish your post soon").wait_for()
    newcomer.get_by_text("This discussion waits for a moderator's approval.").wait_for()
    screenshot(newcomer, "1-waiting-for-approval")

    visitor = new_context().new_page()
    visitor.goto(f"{live_server}/c/TN")
    assert visitor.get_by_role("link", name=title).count() == 0

    moderator = log_in(new_context(), live_server, "omar@mod.example")
    open_moderation(moderator)
    waiting = moderator.get_by_role("region", name="Waiting for approval")
    item = waiting.get_by_role("article").filter(has_text=title)
    item.get_by_text("New discussion").wait_for()
    screenshot(moderator, "2-approval-queue")
    item.get_by_role("button", name="Approve").click()
    moderator.get_by_text("The post is published.").wait_for()
    moderator.get_by_text("No post is waiting for approval.").wait_for()

    visitor.reload()
    visitor.get_by_role("link", name=title).click()
    visitor.get_by_text("Qui veut tenir un stand en mai ?").wait_for()
    assert visitor.get_by_text("waits for a moderator's approval").count() == 0
    screenshot(visitor, "3-published")
