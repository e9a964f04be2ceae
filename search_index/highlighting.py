"""Highlighted snippets, as Whoosh's highlighter makes them, without re-analysing.

Whoosh marks the words of a hit by running the field's analyzer over the
stored excerpt, for every hit of every search. The analyzers here turn each
word into at most one token whatever its neighbours, so each word's analysis
is remembered (in the searcher's SegmentCache) and only the tokenizer runs on
the text; and only the tokens that can end up in a fragment are built. The
fragments, their choice and their HTML are Whoosh's own.
"""

from __future__ import annotations

from whoosh.analysis import CompositeAnalyzer, RegexTokenizer
from whoosh.highlight import (
    ContextFragmenter,
    Highlighter,
    set_matched_filter,
    top_fragments,
)

from search_index.evaluation import SegmentCache


class QueryWords(dict):
    """By field, the indexed words a query looks for, as Whoosh's highlighter sees
    them (found on first use of each field)."""

    def __init__(self, searcher, parsed):
        super().__init__()
        self.searcher = searcher
        self.parsed = parsed

    def __missing__(self, fieldname: str) -> frozenset:
        # Ask field by field: without `fieldname`, Whoosh's existing_terms
        # reuses that name as a loop variable and skips most of the query.
        schema = self.searcher.schema
        terms = self.parsed.existing_terms(
            self.searcher.reader(), phrases=True, expand=True, fieldname=fieldname
        )
        words = frozenset(
            schema[name].from_bytes(btext)
            for name, btext in terms
            if name == fieldname and name in schema
        )
        self[fieldname] = words
        return words


def highlight(
    cache: SegmentCache,
    highlighter: Highlighter,
    analyzer,
    text: str,
    words: frozenset,
    top: int,
) -> str:
    """Mark `words` in `text` as Whoosh's highlighter does, analysing words once."""
    tokens = _tokens(cache, analyzer, text, words, highlighter.fragmenter)
    if tokens is None:
        tokens = analyzer(
            text, positions=True, chars=True, mode="index", removestops=False
        )
    elif not tokens:
        return ""
    tokens = highlighter._merge_matched_tokens(set_matched_filter(tokens, words))
    fragments = highlighter.fragmenter.fragment_tokens(text, tokens)
    fragments = top_fragments(
        fragments, top, highlighter.scorer, highlighter.order, minscore=1
    )
    return highlighter.formatter.format(fragments)


def _tokens(cache: SegmentCache, analyzer, text: str, words, fragmenter):
    """Tokenise `text` with the analyzer's tokenizer, mapping each word once.

    Returns only the tokens a context fragmenter can put in a fragment: those
    near a matched word (none if nothing matches). Only for analyzers made of
    a regex tokenizer and filters turning one token into at most one, and for
    a ContextFragmenter: else returns None (the caller analyses normally).
    """
    if (
        not isinstance(analyzer, CompositeAnalyzer)
        or not isinstance(analyzer.items[0], RegexTokenizer)
        or analyzer.items[0].gaps
        or not isinstance(fragmenter, ContextFragmenter)
    ):
        return None
    memo = cache.words(analyzer)
    found = []
    for position, match in enumerate(analyzer.items[0].expression.finditer(text)):
        word = match.group()
        mapped = memo.get(word, False)
        if mapped is False:
            produced = [token.text for token in analyzer(word, mode="index")]
            if len(produced) > 1:
                return None
            mapped = memo[word] = produced[0] if produced else None
        if mapped is not None:
            found.append((mapped, position, match.start(), match.end()))
    # A fragment starts at most `surround` characters before the end of the
    # word preceding a match and holds at most `maxchars`: tokens farther from
    # every match never show (and a few extra ones change nothing).
    reach = fragmenter.surround + fragmenter.maxchars
    windows = [
        (
            (found[index - 1][3] if index else start) - fragmenter.surround - 1,
            end + reach,
        )
        for index, (mapped, _, start, end) in enumerate(found)
        if mapped in words
    ]
    if not windows:
        return []
    tokens = []
    window = 0
    for mapped, position, start, end in found:
        while window < len(windows) and start > windows[window][1]:
            window += 1
        if window == len(windows):
            break
        if start >= windows[window][0]:
            tokens.append(_Token(mapped, position, start, end))
    return tokens


class _Token:
    """The little of a Whoosh token that highlighting reads (cheaper to make)."""

    __slots__ = ("text", "pos", "startchar", "endchar", "boost", "matched")

    def __init__(self, text: str, pos: int, startchar: int, endchar: int):
        self.text = text
        self.pos = pos
        self.startchar = startchar
        self.endchar = endchar
        self.boost = 1.0
        self.matched = False

    def copy(self) -> _Token:
        twin = _Token(self.text, self.pos, self.startchar, self.endchar)
        twin.matched = self.matched
        return twin
