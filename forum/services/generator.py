"""A large, deterministic forum for benchmarks: `flask forum generate`.

Rows go in with bulk Core inserts (no ORM objects, no per-post Markdown
rendering): a few dozen bodies are rendered once and reused. Ids are given
explicitly, in the order posts were written, so that each post's materialised
path can be computed before it is inserted. Published good practices come
from `generator_practices`, in the same way.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, text

from forum.columns import utcnow
from forum.extensions import db, refresh_statistics
from forum.markup import render_markdown
from forum.models import AccountStatus, Country, Post, Role, Theme, Thread, User
from forum.models import thread_themes as thread_themes_table
from forum.models.threads import path_segment
from forum.services import generator_practices
from forum.services.demo import demo_password
from forum.services.passwords import hash_password

# Authors come from the existing accounts, topped up with generated members.
GENERATED_MEMBERS = 300
CHUNK = 5_000
HISTORY_DAYS = 365
# Deeper conversations exist, but beyond this the tree is shown flat anyway.
MAX_DEPTH = 12
HIDDEN_SHARE = 0.01

LANGUAGES_BY_COUNTRY = {
    "FR": ("fr",), "MA": ("fr", "ar"), "DZ": ("fr", "ar"), "TN": ("fr", "ar"),
    "ES": ("es", "en"), "IT": ("it", "en"), "PT": ("pt", "en"), "GR": ("el", "en"),
    "EG": ("ar", "en"), "JO": ("ar", "en"), "LB": ("ar", "fr"), "PS": ("ar", "en"),
    "LY": ("ar",), "TR": ("tr", "en"), "MT": ("en",), "CY": ("el", "en"),
    "HR": ("hr", "en"), "SI": ("sl", "en"), "AL": ("sq", "en"), "IL": ("he", "en"),
    "BG": ("bg", "en"),
}  # fmt: skip

SUBJECTS = [
    "Microcredit for women's cooperatives",
    "Social clauses in public tenders",
    "Sharing a processing unit between cooperatives",
    "Training municipal staff on the SSE law",
    "Community solar on public roofs",
    "Selling olive oil without middlemen",
    "Recycling cooperatives and city contracts",
    "Guarantee funds for young entrepreneurs",
    "Digital tools for small cooperatives",
    "Home care cooperatives for older people",
    "Agritourism run by a village association",
    "Apprenticeships in green building trades",
    "Member participation in general assemblies",
    "Measuring social impact without drowning in paperwork",
    "Seed banks and farmers' networks",
    "Fair prices for artisans on online shops",
]

PLACES = [
    "Kairouan", "Sfax", "Casablanca", "Agadir", "Oran", "Béjaïa", "Alexandria",
    "Fayoum", "Irbid", "Zarqa", "Nablus", "Tripoli", "Zahlé", "Barcelona",
    "Valencia", "Seville", "Marseille", "Montpellier", "Palermo", "Bari",
    "Naples", "Heraklion", "Thessaloniki", "Porto", "Évora", "Valletta",
    "Izmir", "Nicosia",
]  # fmt: skip

ANGLES = [
    "what worked for us",
    "looking for partners",
    "questions before we start",
    "lessons after two years",
    "which legal form?",
    "how do you finance it?",
    "a field report",
    "help with the paperwork",
]

OPENING_TEMPLATES = [
    "We have been trying this in **{place}** for a while. The hardest part was "
    "getting the members to agree on how to share the margin.\n\n"
    "- monthly meetings\n- an open ledger\n- one vote per member\n\n"
    "Has anyone found a better way?",
    "A short summary of what we learnt in {place}:\n\n"
    "| step | time | cost |\n|---|---|---|\n"
    "| statutes | 2 months | low |\n| registration | 3 months | medium |\n"
    "| first contract | 6 months | high |\n\n"
    "The last line is the one nobody warns you about. What did it look like "
    "for you?",
    "The regional office in {place} now has a person dedicated to social "
    "economy files. It took a year to get there. Who should we invite to the "
    "first meeting, and what should we ask for?",
]

REPLY_TEMPLATES = [
    "Thanks for sharing. In {place} the municipality asked for three years of "
    "accounts before signing anything, which new cooperatives simply do not "
    "have. We ended up going through a consortium.",
    "> the hardest part was the margin\n\n"
    "Same here. What helped was writing the rule down *before* the first "
    "harvest, not after. The {place} network has a template: "
    "https://example.org/templates",
    "I would be careful with the loan conditions. The fund in {place} charged "
    "little interest but asked for a personal guarantee from the board, and "
    "two members left over it.",
    "We tried the same approach in {place} and it failed the first year, then "
    "worked the second once we hired a part-time coordinator. The money for "
    "that post is the real question.",
    "Could you say more about the training? Who paid for it, and how many "
    "hours did the members follow? We are preparing a similar programme in "
    "{place}.",
    "Good point. Here is the checklist we use in {place}:\n\n"
    "1. check the public register\n2. ask for the social clause text\n"
    "3. price the insurance\n4. call the previous supplier",
    "Our experience in {place} says the opposite: small steps, one product, "
    "one buyer, and only then the second buyer. Growing too fast killed two "
    "cooperatives we know.",
    "This is exactly what we needed. I will bring it to our next general "
    "assembly in {place} and report back here.",
    "A word of caution on the digital side: the platform we used in {place} "
    "kept our customer data when we left. Check the contract for `export` "
    "clauses.",
]


@dataclass
class Generated:
    """What `generate` added."""

    threads: int
    posts: int
    members: int
    first_thread_id: int | None
    practices: int = 0
    first_practice_id: int | None = None


@dataclass
class _Thread:
    index: int
    title: str
    country: str
    language: str
    themes: list[str]
    author_id: int
    # Seconds from the start of the generated history.
    offset: float
    created_at: datetime


def generate(
    *,
    threads: int,
    posts: int,
    seed: int,
    big_thread: int = 0,
    practices: int = 0,
) -> Generated:
    """Add `threads` threads holding `posts` posts in all (opening posts included),
    and `practices` published good practices.

    The same seed on the same database gives the same forum. Thread #1 (the
    first one added) holds `big_thread` posts when that is set. The search
    index is not updated: run `flask forum reindex` afterwards.
    """
    if threads < 1 and practices < 1:
        raise ValueError("generate at least one thread or one practice")
    if posts < threads:
        raise ValueError("every thread needs its opening post: posts >= threads")
    if posts and not threads:
        raise ValueError("posts need threads: give --threads too")
    if big_thread > posts - threads + 1:
        raise ValueError("the big thread cannot hold more than the posts left")
    # Members get their own generator: the forum depends on the seed alone.
    members = _ensure_members(random.Random(f"members-{seed}"))
    # Midnight today: the same seed gives the same forum all day long.
    end = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    first_practice = _generate_practices(practices, seed, end) if practices else None
    first_thread = _generate_threads(threads, posts, seed, big_thread, end)
    _resync_sequences()
    db.session.commit()
    refresh_statistics(db.session.connection())
    db.session.commit()
    return Generated(threads, posts, members, first_thread, practices, first_practice)


def _generate_practices(count: int, seed: int, end: datetime) -> int:
    """Insert `count` published practices; return the first one's id."""
    # Their own generator: adding practices leaves the threads of a seed as
    # they were, and the other way round.
    authors, _, themes = _reference_lists()
    return generator_practices.insert_practices(
        random.Random(f"practices-{seed}"),
        count,
        authors=authors,
        themes=themes,
        end=end,
        insert_chunks=_insert_chunks,
    )


def _generate_threads(
    threads: int, posts: int, seed: int, big_thread: int, end: datetime
) -> int | None:
    """Insert the threads and their posts; return the first thread's id."""
    if not threads:
        return None
    rng = random.Random(seed)
    authors, countries, themes = _reference_lists()
    start = end - timedelta(days=HISTORY_DAYS)
    plans = _plan_threads(rng, threads, authors, countries, themes, start)
    sizes = _thread_sizes(rng, threads, posts, big_thread)
    writer = _PostWriter(rng, plans, sizes, authors, end)
    thread_base = (db.session.scalar(select(func.max(Thread.id))) or 0) + 1
    post_base = (db.session.scalar(select(func.max(Post.id))) or 0) + 1
    summaries = writer.summaries(start)
    _insert_chunks(Thread.__table__, _thread_rows(plans, summaries, thread_base))
    _insert_chunks(
        thread_themes_table,
        (
            {"thread_id": thread_base + plan.index, "theme_slug": slug}
            for plan in plans
            for slug in plan.themes
        ),
    )
    _insert_chunks(Post.__table__, writer.rows(start, thread_base, post_base))
    return thread_base


def _reference_lists() -> tuple[list[int], list[str], list[str]]:
    """Return the ids of active members, active country codes and theme slugs."""
    authors = db.session.scalars(
        select(User.id)
        .where(User.status == AccountStatus.ACTIVE, User.deleted_at.is_(None))
        .order_by(User.id)
    )
    countries = db.session.scalars(
        select(Country.code).where(Country.active.is_(True)).order_by(Country.code)
    )
    themes = db.session.scalars(
        select(Theme.slug).where(Theme.active.is_(True)).order_by(Theme.position)
    )
    return list(authors), list(countries), list(themes)


# Members ----------------------------------------------------------------------


def _ensure_members(rng: random.Random) -> int:
    """Create generated members up to GENERATED_MEMBERS; return how many were added."""
    existing = db.session.scalar(
        select(func.count(User.id)).where(User.username.like("gen-%"))
    )
    missing = GENERATED_MEMBERS - existing
    if missing <= 0:
        return 0
    # scrypt is slow on purpose: one hash for every generated member.
    password_hash = hash_password(demo_password())
    _, countries, _ = _reference_lists()
    joined = utcnow() - timedelta(days=HISTORY_DAYS + 30)
    rows = []
    for number in range(existing + 1, existing + missing + 1):
        country = rng.choice(countries)
        rows.append(
            {
                "username": f"gen-{number:04d}",
                "email": f"gen-{number:04d}@generated.invalid",
                "password_hash": password_hash,
                "display_name": f"Generated member {number}",
                "country_code": country,
                "languages": list(LANGUAGES_BY_COUNTRY.get(country, ("en",))),
                "role": Role.MEMBER,
                "status": AccountStatus.ACTIVE,
                "email_confirmed_at": joined,
                "email_notifications": "none",
                "created_at": joined,
            }
        )
    db.session.execute(insert(User), rows)
    return missing


# Planning ---------------------------------------------------------------------


def _skewed_weights(count: int, rng: random.Random) -> list[float]:
    """Uneven weights, as real activity is: a few busy countries and themes."""
    weights = [1 / (rank + 1) ** 0.9 for rank in range(count)]
    rng.shuffle(weights)
    return weights


def _plan_threads(rng, count, authors, countries, themes, start) -> list[_Thread]:
    country_weights = _skewed_weights(len(countries), rng)
    theme_weights = _skewed_weights(len(themes), rng)
    span = HISTORY_DAYS * 24 * 3600
    # Thread #1 is the oldest, so that the big thread has a whole year of replies.
    offsets = sorted(rng.random() * span for _ in range(count))
    offsets[0] = 0.0
    plans = []
    for index, offset in enumerate(offsets):
        country = rng.choices(countries, country_weights)[0]
        picked = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            slug = rng.choices(themes, theme_weights)[0]
            if slug not in picked:
                picked.append(slug)
        place = rng.choice(PLACES)
        plans.append(
            _Thread(
                index=index,
                title=f"{rng.choice(SUBJECTS)} in {place}: {rng.choice(ANGLES)}",
                country=country,
                language=rng.choice(LANGUAGES_BY_COUNTRY.get(country, ("en",))),
                themes=sorted(picked, key=themes.index),
                author_id=rng.choice(authors),
                offset=offset,
                created_at=start + timedelta(seconds=offset),
            )
        )
    return plans


def _thread_sizes(rng, threads: int, posts: int, big_thread: int) -> list[int]:
    """Return how many posts each thread holds (at least its opening post)."""
    sizes = [1] * threads
    replies = posts - threads
    if big_thread:
        sizes[0] = big_thread
        replies -= big_thread - 1
    others = list(range(1, threads)) if big_thread else list(range(threads))
    if replies and others:
        # Most threads get a handful of replies, a few get a hundred or so.
        weights = [min(rng.paretovariate(1.6), 25.0) for _ in others]
        for index in rng.choices(others, weights, k=replies):
            sizes[index] += 1
    elif replies:
        sizes[0] += replies
    return sizes


def _render_bodies(templates: list[str]) -> list[tuple[str, str]]:
    """Render each template once for a few places: (markdown, html) pairs."""
    bodies = []
    for number, template in enumerate(templates):
        for place in PLACES[number % 4 :: 4]:
            markdown = template.format(place=place)
            bodies.append((markdown, render_markdown(markdown)))
    return bodies


# Posts ------------------------------------------------------------------------


@dataclass
class _Summary:
    reply_count: int = 0
    last_activity_at: datetime | None = None
    last_poster_id: int | None = None


class _PostWriter:
    """Lay out every post, then number them in the order they were written."""

    def __init__(self, rng, plans, sizes, authors, end):
        self.plans = plans
        self.end = end
        self.openings = _render_bodies(OPENING_TEMPLATES)
        self.replies = _render_bodies(REPLY_TEMPLATES)
        self.layout = self._layout(rng, sizes, authors)

    def _layout(self, rng, sizes, authors) -> list[tuple]:
        """Return (seconds, thread, local index, parent, author, body, hidden) rows."""
        layout = []
        for plan, size in zip(self.plans, sizes, strict=True):
            span = (self.end - plan.created_at).total_seconds()
            times = sorted(rng.random() * span for _ in range(size - 1))
            depths = [0]
            opening = rng.randrange(len(self.openings))
            layout.append(
                (plan.offset, plan.index, 0, None, plan.author_id, opening, False)
            )
            for local, seconds in enumerate(times, start=1):
                parent = None
                if local > 1 and rng.random() < 0.55:
                    # Answer one of the latest replies, as conversations go.
                    candidate = rng.randint(max(1, local - 8), local - 1)
                    if depths[candidate] < MAX_DEPTH:
                        parent = candidate
                depths.append(depths[parent] + 1 if parent else 0)
                layout.append(
                    (
                        plan.offset + seconds,
                        plan.index,
                        local,
                        parent,
                        rng.choice(authors),
                        rng.randrange(len(self.replies)),
                        rng.random() < HIDDEN_SHARE,
                    )
                )
        # Ids follow the time of writing across threads, as in a live forum.
        layout.sort(key=lambda row: row[:3])
        return layout

    def summaries(self, start: datetime) -> list[_Summary]:
        """Return each thread's public reply count and latest public reply."""
        summaries = [_Summary() for _ in self.plans]
        for seconds, thread, local, _parent, author, _body, hidden in self.layout:
            if local and not hidden:
                summary = summaries[thread]
                summary.reply_count += 1
                summary.last_activity_at = start + timedelta(seconds=seconds)
                summary.last_poster_id = author
        return summaries

    def rows(self, start: datetime, thread_base: int, post_base: int) -> Iterator[dict]:
        """Yield the post rows in id order, each with its path and depth."""
        ids: dict[tuple[int, int], int] = {}
        paths: dict[tuple[int, int], str] = {}
        for number, row in enumerate(self.layout):
            seconds, thread, local, parent, author, body, hidden = row
            post_id = post_base + number
            ids[(thread, local)] = post_id
            parent_id = ids[(thread, parent)] if parent else None
            path = path_segment(post_id)
            if parent:
                path = paths[(thread, parent)] + "/" + path
            paths[(thread, local)] = path
            created_at = start + timedelta(seconds=seconds)
            markdown, html = (self.replies if local else self.openings)[body]
            yield {
                "id": post_id,
                "thread_id": thread_base + thread,
                "author_id": author,
                "parent_id": parent_id,
                "is_first": local == 0,
                "path": path,
                "depth": path.count("/"),
                "body_markdown": markdown,
                "body_html": html,
                "created_at": created_at,
                "approved": True,
                "hidden_at": created_at + timedelta(hours=2) if hidden else None,
                "hidden_reason": "Advertising" if hidden else "",
                "helpful_count": 0,
                "edit_count": 0,
            }


def _thread_rows(plans, summaries, thread_base) -> Iterator[dict]:
    for plan, summary in zip(plans, summaries, strict=True):
        yield {
            "id": thread_base + plan.index,
            "title": plan.title,
            "country_code": plan.country,
            "language": plan.language,
            "author_id": plan.author_id,
            "created_at": plan.created_at,
            "last_activity_at": summary.last_activity_at or plan.created_at,
            "last_poster_id": summary.last_poster_id or plan.author_id,
            "reply_count": summary.reply_count,
            "approved": True,
            "pinned": False,
            "featured": plan.index % 2000 == 1,
            "locked": False,
            "lock_reason": "",
            "delete_reason": "",
        }


def _insert_chunks(table, rows) -> None:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            db.session.execute(insert(table), chunk)
            chunk = []
    if chunk:
        db.session.execute(insert(table), chunk)


def _resync_sequences() -> None:
    """Explicit ids bypass PostgreSQL's sequences: move them past the new rows."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in ("users", "threads", "posts", "practices"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )
