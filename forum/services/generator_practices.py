"""Published good practices for benchmarks: `flask forum generate --practices N`.

Each practice is written from the vocabulary of its language (English,
French, Spanish, Italian, Portuguese, Greek, Arabic: the languages the search
analysers stem) in `data/generator_practices.json`, so that searching them is
realistic. Rows go in with bulk Core inserts. Titles and summaries are new for
every practice; section paragraphs come from a pool per language and section,
each paragraph rendered once with `render_markdown` and reused, as generated
posts reuse their bodies.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import func, select

from forum.extensions import db
from forum.markup import render_markdown
from forum.models import (
    SECTIONS,
    ActorType,
    Practice,
    PracticeRevision,
    PracticeState,
    ProjectStatus,
    RevisionState,
    practice_themes,
)
from forum.services.reference import DATA_DIR

# The languages the index stems, and how often each is written in.
LANGUAGE_WEIGHTS = {"en": 5, "fr": 5, "ar": 4, "es": 3, "it": 3, "pt": 2, "el": 2}
# Different paragraphs per language and section (rendered once each).
PARAGRAPH_POOL = 150
PUBLISHED_DAYS = 3 * 365
FIRST_YEAR, LAST_YEAR = 2006, 2024
ELIDING = tuple("aeiouyhàâéèêîôûAEIOUYHÉ")


@cache
def vocabulary() -> dict:
    """Return the words and sentence patterns of every generated language."""
    path = DATA_DIR / "generator_practices.json"
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class _Plan:
    language: str
    title: str
    summary: str
    paragraphs: list[int]  # one pool index per section
    country: str
    place: str
    organisation: str
    themes: list[str]
    actor_types: list[str]
    start_year: int
    end_year: int | None
    status: ProjectStatus
    author_id: int
    published_at: datetime


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number(value: int, language: str) -> str:
    """Write a number as the language does: 45,000 / 45 000 / 45.000."""
    return f"{value:,}".replace(",", vocabulary()[language]["thousands"])


def _slots(rng: random.Random, language: str) -> dict[str, str]:
    """Draw the values a sentence pattern may use."""
    words = vocabulary()[language]
    country, place, in_place = rng.choice(words["places"])
    activity = rng.choice(words["activities"])
    partner = rng.randrange(len(words["partners"]))
    funder, funder2 = rng.sample(words["funders"], 2)
    small = rng.randint(3, 9)
    year = rng.randint(FIRST_YEAR, 2019)
    pct = rng.randint(12, 45)
    # Counts whose last two digits are 11-99 take the same noun form in Arabic.
    n = rng.randint(12, 400)
    n += 11 if n % 100 < 11 else 0
    org = f"{rng.choice(words['org_kinds'])} {rng.choice(words['org_names'])}"
    nominative = words.get("partners_nominative", words["partners"])
    de = "d'" if activity.startswith(ELIDING) else "de "
    return {
        "country": country,
        "place": place,
        "in_place": in_place,
        "In_place": _upper_first(in_place),
        "activity": activity,
        "Activity": _upper_first(activity),
        "de_activity": de + activity,
        "public": rng.choice(words["publics"]),
        "partner": words["partners"][partner],
        "Partner": _upper_first(nominative[partner]),
        "funder": funder,
        "funder2": funder2,
        "org": org,
        "Org": _upper_first(org),
        "n": str(n),
        "small": str(small),
        "small2": str(rng.randint(1, small - 1)),
        "months": str(rng.randint(11, 24)),
        "budget": _number(rng.randrange(8, 400) * 1000, language),
        "year": str(year),
        "year2": str(year + rng.randint(2, 5)),
        "pct": str(pct),
        "pct2": str(pct + rng.randint(10, 34)),
    }


@cache
def paragraph(language: str, section: str, index: int) -> tuple[str, str]:
    """Return pool paragraph `index` of a section: (markdown, sanitised html)."""
    rng = random.Random(f"{language}-{section}-{index}")
    patterns = vocabulary()[language]["sections"][section]
    slots = _slots(rng, language)
    chosen = rng.sample(patterns, rng.randint(2, min(3, len(patterns))))
    markdown = " ".join(pattern.format(**slots) for pattern in chosen)
    return markdown, render_markdown(markdown)


def plan_practices(
    rng: random.Random,
    count: int,
    *,
    authors: list[int],
    themes: list[str],
    end: datetime,
) -> list[_Plan]:
    """Decide every practice's language, text, facts and date, in order."""
    languages = list(LANGUAGE_WEIGHTS)
    weights = list(LANGUAGE_WEIGHTS.values())
    actor_types = [kind.value for kind in ActorType]
    plans = []
    for _ in range(count):
        language = rng.choices(languages, weights)[0]
        words = vocabulary()[language]
        slots = _slots(rng, language)
        start_year = rng.randint(FIRST_YEAR, LAST_YEAR - 1)
        completed = rng.random() < 0.4
        chosen_types = rng.sample(actor_types, rng.choice((1, 2, 2, 3)))
        plans.append(
            _Plan(
                language=language,
                title=rng.choice(words["titles"]).format(**slots)[:200],
                summary=" ".join(
                    rng.choice(words["summaries"]).format(**slots).split()
                )[:500],
                paragraphs=[rng.randrange(PARAGRAPH_POOL) for _ in SECTIONS],
                country=slots["country"],
                place=slots["place"],
                organisation=slots["org"],
                themes=sorted(
                    rng.sample(themes, rng.choice((1, 2, 2, 3))), key=themes.index
                ),
                actor_types=[t for t in actor_types if t in chosen_types],
                start_year=start_year,
                end_year=min(start_year + rng.randint(1, 6), LAST_YEAR)
                if completed
                else None,
                status=ProjectStatus.COMPLETED if completed else ProjectStatus.ONGOING,
                author_id=rng.choice(authors),
                published_at=end
                - timedelta(seconds=rng.random() * PUBLISHED_DAYS * 86400),
            )
        )
    return plans


def _content(plan: _Plan, number: int) -> dict:
    """Return the stored fields of a planned practice (as a revision keeps them)."""
    sections, sections_html = {}, {}
    for name, index in zip(SECTIONS, plan.paragraphs, strict=True):
        sections[name], sections_html[name] = paragraph(plan.language, name, index)
    return {
        "title": plan.title,
        "summary": plan.summary,
        "sections": sections,
        "sections_html": sections_html,
        "country_code": plan.country,
        "place": plan.place,
        "theme_slugs": plan.themes,
        "actor_types": plan.actor_types,
        "language": plan.language,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "project_status": plan.status.value,
        "organisation": plan.organisation,
        "contact": f"contact@practice-{number}.example",
        "links": [f"https://practice-{number}.example/"],
    }


def practice_rows(plans: list[_Plan], base: int) -> Iterator[tuple[dict, dict]]:
    """Yield (practice row, revision row) for each plan, with ids from `base`."""
    for offset, plan in enumerate(plans):
        practice_id = base + offset
        content = _content(plan, practice_id)
        created = plan.published_at - timedelta(days=3 + offset % 40)
        row = {
            key: content[key]
            for key in content
            if key not in ("theme_slugs", "project_status")
        }
        row.update(
            id=practice_id,
            author_id=plan.author_id,
            state=PracticeState.PUBLISHED,
            project_status=plan.status,
            created_at=created,
            updated_at=plan.published_at,
            submitted_at=created + timedelta(days=1),
            published_at=plan.published_at,
            review_comment="",
            featured=offset % 500 == 1,
        )
        revision = {
            "practice_id": practice_id,
            "editor_id": plan.author_id,
            "state": RevisionState.PUBLISHED,
            "minor": False,
            "note": "",
            "review_comment": "",
            "content": content,
            "created_at": plan.published_at,
        }
        yield row, revision


def theme_rows(plans: list[_Plan], base: int) -> Iterator[dict]:
    """Yield the practice_themes rows of the planned practices."""
    for offset, plan in enumerate(plans):
        for slug in plan.themes:
            yield {"practice_id": base + offset, "theme_slug": slug}


def insert_practices(
    rng: random.Random,
    count: int,
    *,
    authors: list[int],
    themes: list[str],
    end: datetime,
    insert_chunks: Callable,
) -> int:
    """Insert `count` published practices with their revision and themes.

    Return the first one's id. `insert_chunks(table, rows)` is the
    generator's bulk insert.
    """
    plans = plan_practices(rng, count, authors=authors, themes=themes, end=end)
    base = (db.session.scalar(select(func.max(Practice.id))) or 0) + 1
    pairs = list(practice_rows(plans, base))
    insert_chunks(Practice.__table__, (row for row, _ in pairs))
    insert_chunks(PracticeRevision.__table__, (revision for _, revision in pairs))
    insert_chunks(practice_themes, theme_rows(plans, base))
    return base
