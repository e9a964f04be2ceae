"""Spelling suggestions from the table of indexed words, with pg_trgm."""

from __future__ import annotations

from psycopg import sql

from search_index.analysis import folding_analyzer
from search_index.engine import _OPERATORS
from search_index.pg_schema import WORDS

_WORDS = sql.Identifier(WORDS)


def suggest(connection, text: str) -> str | None:
    """Return the query with misspelt words replaced, if any word changes."""
    corrected, changed = [], False
    for word in text.split():
        folded = [token.text for token in folding_analyzer()(word.strip("\"'()"))]
        if word in _OPERATORS or ":" in word or len(folded) != 1 or len(folded[0]) < 4:
            corrected.append(word)
            continue
        replacement = _closest_word(connection, folded[0])
        corrected.append(replacement or word)
        changed = changed or replacement is not None
    return " ".join(corrected) if changed else None


def _closest_word(connection, word: str) -> str | None:
    """Return an indexed word within two edits of `word`, if `word` is unknown."""
    known = connection.execute(
        sql.SQL("SELECT 1 FROM {} WHERE word = %s").format(_WORDS), [word]
    ).fetchone()
    if known:
        return None
    candidates = connection.execute(
        sql.SQL(
            "SELECT word, documents FROM {} WHERE word %% %s "
            "AND left(word, 1) = left(%s, 1) "
            "ORDER BY similarity(word, %s) DESC, word LIMIT 20"
        ).format(_WORDS),
        [word, word, word],
    ).fetchall()
    near = [
        (distance, -documents, candidate)
        for candidate, documents in candidates
        if (distance := _edits(word, candidate)) <= 2
    ]
    return min(near)[2] if near else None


def _edits(one: str, other: str) -> int:
    """Return the Damerau-Levenshtein distance (adjacent swaps count as one)."""
    previous2: list[int] = []
    previous = list(range(len(other) + 1))
    for i, char in enumerate(one, 1):
        current = [i]
        for j, other_char in enumerate(other, 1):
            cost = char != other_char
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char == other[j - 2] and one[i - 2] == other_char:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]
