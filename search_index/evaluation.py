"""Counting, ranking and highlighting a query over an open Whoosh searcher, fast.

Whoosh finds a query's documents by walking its posting lists in Python, one
document at a time, and a facet by reading its field for the whole index on
every search: on 300,000 documents a frequent word costs hundreds of
milliseconds. Here, what a segment's postings say is kept per segment
(segments never change once written; deletions are applied separately): the
documents of each searched term as a bitset (a Python int), their weights and
field lengths, and the bitset of each facet value. A search then combines
bitsets (AND, OR, NOT run in C), counts totals and facets by popcount, and
scores only the matching documents with the weighting's own BM25F formula and
the index's current statistics, so results and scores are Whoosh's own.
Queries other than terms, AND, OR and NOT (phrases, prefixes...) go through
Whoosh's matchers, their results kept until the index changes.

Snippets are made in `search_index.highlighting`, with the word memo kept here.

Not thread-safe: the caller serialises searches on one searcher.
"""

from __future__ import annotations

import heapq
from array import array
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from whoosh import query
from whoosh.scoring import BM25FScorer

from search_index.schema import FACETS

_BITS_OF_BYTE = [
    tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)
]
# About how many bytes of postings (4 a document) and bitsets to keep.
MAX_CACHED_BYTES = 96 * 2**20
# About how many bytes of results of phrases, prefixes... to keep (until the
# index changes; the least recently used go first).
MAX_CACHED_OTHER_BYTES = 32 * 2**20
# Beyond this many matches, walking the date order beats sorting the matches.
DATE_WALK_THRESHOLD = 4096
WORDS_CACHED = 200_000  # words whose analysis the snippets remember


def bits_of(ids, size: int) -> int:
    """Return the bitset (an int) of the document numbers `ids`, all below `size`."""
    data = bytearray((size + 7) >> 3)
    for docnum in ids:
        data[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(data, "little")


def matcher_bits(matcher, size: int) -> int:
    """Return the bitset of the documents a matcher walks through."""
    data = bytearray((size + 7) >> 3)
    is_active, current, step = matcher.is_active, matcher.id, matcher.next
    while is_active():
        docnum = current()
        data[docnum >> 3] |= 1 << (docnum & 7)
        step()
    return int.from_bytes(data, "little")


def members(bits: int, size: int) -> Iterator[int]:
    """Yield the document numbers in a bitset, in increasing order."""
    data = bits.to_bytes((size + 7) >> 3, "little")
    for index, byte in enumerate(data):
        if byte:
            base = index << 3
            for bit in _BITS_OF_BYTE[byte]:
                yield base + bit


@dataclass
class _Postings:
    """A term's postings in one segment: its documents, grouped by (weight, length)."""

    bits: int
    groups: dict[tuple[float, float], array]
    count: int
    size: int  # bytes held, roughly


@dataclass
class _Segment:
    size: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    live: tuple[int, int] | None = None  # (deleted count, bitset of live docs)
    dates: list | None = None
    date_order: array | None = None


class SegmentCache:
    """What searches learnt of each segment, dropped when the segment goes."""

    def __init__(self, max_bytes: int = MAX_CACHED_BYTES):
        self.max_bytes = max_bytes
        self._segments: dict[str, _Segment] = {}
        self._postings: OrderedDict[tuple, _Postings] = OrderedDict()
        self._cached = 0
        self._generic: OrderedDict[tuple, tuple[int, dict[int, float]]] = OrderedDict()
        self._generic_bytes = 0
        self._generation = None
        self._words: dict[int, tuple[object, dict[str, str | None]]] = {}

    def start(self, searcher) -> list[tuple]:
        """Get ready for a search; return (subsearcher, offset, segment id)."""
        subs = []
        for subsearcher, offset in searcher.leaf_searchers():
            if not subsearcher.reader().doc_count_all():
                continue
            segment = subsearcher.reader().segment()
            subs.append((subsearcher, offset, segment.segment_id()))
        current = {key for _, _, key in subs}
        generation = searcher.reader().generation()
        if generation != self._generation:
            self._generation = generation
            self._generic.clear()
            self._generic_bytes = 0
            for key in [key for key in self._segments if key not in current]:
                del self._segments[key]
            for key in [key for key in self._postings if key[0] not in current]:
                self._cached -= self._postings.pop(key).size
        return subs

    def segment(self, key: str, reader) -> _Segment:
        entry = self._segments.get(key)
        if entry is None:
            entry = self._segments[key] = _Segment(size=reader.doc_count_all())
        return entry

    def live(self, key: str, reader) -> int:
        """Return the bitset of the segment's documents that are not deleted."""
        entry = self.segment(key, reader)
        deleted = reader.segment().deleted_count() if reader.has_deletions() else 0
        if entry.live is None or entry.live[0] != deleted:
            everything = (1 << entry.size) - 1
            if deleted:
                gone = bits_of(reader.segment().deleted_docs(), entry.size)
                everything &= ~gone
            entry.live = (deleted, everything)
        return entry.live[1]

    def facet(self, key: str, reader, schema, name: str) -> dict[str, int]:
        """Return {value: bitset} of a facet field in a segment."""
        entry = self.segment(key, reader)
        values = entry.facets.get(name)
        if values is None:
            fieldobj = schema[name]
            values = {}
            for btext in fieldobj.sortable_terms(reader, name):
                matcher = reader.postings(name, btext)
                values[str(fieldobj.from_bytes(btext))] = matcher_bits(
                    matcher, entry.size
                )
            entry.facets[name] = values
        return values

    def postings(self, key: str, reader, fieldname: str, btext: bytes) -> _Postings:
        """Return a term's postings in a segment (documents, weights, lengths)."""
        cache_key = (key, fieldname, btext)
        found = self._postings.get(cache_key)
        if found is not None:
            self._postings.move_to_end(cache_key)
            return found
        size = self.segment(key, reader).size
        if (fieldname, btext) not in reader:
            found = _Postings(0, {}, 0, 64)
        else:
            found = self._read(reader, fieldname, btext, size)
        self._postings[cache_key] = found
        self._cached += found.size
        while self._cached > self.max_bytes and len(self._postings) > 1:
            self._cached -= self._postings.popitem(last=False)[1].size
        return found

    @staticmethod
    def _read(reader, fieldname: str, btext: bytes, size: int) -> _Postings:
        matcher = reader.postings(fieldname, btext)
        length = reader.doc_field_length
        groups: dict[tuple[float, float], array] = {}
        count = 0
        data = bytearray((size + 7) >> 3)
        while matcher.is_active():
            docnum = matcher.id()
            data[docnum >> 3] |= 1 << (docnum & 7)
            key = (matcher.weight(), length(docnum, fieldname, 1))
            bucket = groups.get(key)
            if bucket is None:
                bucket = groups[key] = array("I")
            bucket.append(docnum)
            count += 1
            matcher.next()
        held = 4 * count + len(data) + 100 * len(groups)
        return _Postings(int.from_bytes(data, "little"), groups, count, held)

    def generic(self, key: str, subsearcher, leaf, size: int):
        """Return (bitset, {docnum: score}) of any query, through Whoosh's matcher."""
        cache_key = (key, leaf)
        found = self._generic.get(cache_key)
        if found is not None:
            self._generic.move_to_end(cache_key)
            return found
        scores = {}
        matcher = leaf.matcher(subsearcher)
        while matcher.is_active():
            scores[matcher.id()] = matcher.score()
            matcher.next()
        found = self._generic[cache_key] = (bits_of(scores, size), scores)
        self._generic_bytes += _generic_size(found)
        while self._generic_bytes > MAX_CACHED_OTHER_BYTES and len(self._generic) > 1:
            self._generic_bytes -= _generic_size(self._generic.popitem(last=False)[1])
        return found

    def dates(self, key: str, reader) -> tuple[list, array]:
        """Return each document's date value and the documents newest first."""
        entry = self.segment(key, reader)
        if entry.dates is None:
            if reader.has_column("date"):
                column = reader.column_reader("date", translate=False)
                entry.dates = [column[docnum] or 0 for docnum in range(entry.size)]
            else:
                entry.dates = [0] * entry.size
            order = sorted(range(entry.size), key=lambda d: (-entry.dates[d], d))
            entry.date_order = array("I", order)
        return entry.dates, entry.date_order

    def words(self, analyzer) -> dict[str, str | None]:
        """Return the memo of what `analyzer` makes of single words."""
        # The analyzer is kept with its memo, so that its id is never reused.
        entry = self._words.get(id(analyzer))
        if entry is None or len(entry[1]) > WORDS_CACHED:
            entry = self._words[id(analyzer)] = (analyzer, {})
        return entry[1]


def _generic_size(found: tuple[int, dict[int, float]]) -> int:
    """About how many bytes a kept result takes (bitset, and 100 a score)."""
    bits, scores = found
    return bits.bit_length() // 8 + 100 * len(scores) + 200


# Evaluating a query in one segment -------------------------------------------


class _SegmentQuery:
    """A query's matching documents in one segment, and what scores them."""

    def __init__(self, cache: SegmentCache, searcher, sub: tuple):
        self.cache = cache
        self.searcher = searcher
        self.subsearcher, self.offset, self.key = sub
        self.reader = self.subsearcher.reader()
        self.size = cache.segment(self.key, self.reader).size
        self.live = cache.live(self.key, self.reader)
        # (boost, postings, fieldname, btext) of scored terms; dicts of others.
        self.terms: list[tuple] = []
        self.others: list[tuple[float, dict[int, float]]] = []
        # (score, bitset): a NOT gives every document it matches a score of 1.
        self.constants: list[tuple[float, int]] = []

    def bits(self, q, boost: float = 1.0, scored: bool = True) -> int:
        """Return the bitset of documents matching `q`, noting what scores them."""
        kind = type(q)
        boost *= getattr(q, "boost", 1.0)
        if kind is query.Term:
            return self._term(q, boost, scored)
        if kind is query.Or and not getattr(q, "scale", None) and q.minmatch <= 1:
            result = 0
            for child in q.subqueries:
                result |= self.bits(child, boost, scored)
            return result
        if kind is query.And:
            result = self.live
            for child in q.subqueries:
                result &= self.bits(child, boost, scored)
            return result
        if kind is query.AndNot:
            positive, negative = q.subqueries
            return self.bits(positive, boost, scored) & ~self.bits(
                negative, boost, False
            )
        if kind is query.AndMaybe:
            required, optional = q.subqueries
            self.bits(optional, boost, scored)
            return self.bits(required, boost, scored)
        if kind is query.Not or (kind is query.Every and not q.fieldname):
            bits = self.live
            if kind is query.Not:
                bits &= ~self.bits(q.query, boost, False)
            if scored:
                self.constants.append((boost, bits))
            return bits
        if q is query.NullQuery:
            return 0
        bits, scores = self.cache.generic(self.key, self.subsearcher, q, self.size)
        if scored:
            self.others.append((boost, scores))
        return bits

    def _term(self, q, boost: float, scored: bool) -> int:
        schema = self.searcher.schema
        if q.fieldname not in schema:
            return 0
        fieldobj = schema[q.fieldname]
        try:
            btext = fieldobj.to_bytes(q.text)
        except ValueError:
            return 0
        if not scored and q.fieldname in FACETS:
            # A filter: the facet's bitsets already say which documents match.
            values = self.cache.facet(self.key, self.reader, schema, q.fieldname)
            return values.get(str(fieldobj.from_bytes(btext)), 0)
        postings = self.cache.postings(self.key, self.reader, q.fieldname, btext)
        if scored and postings.count:
            self.terms.append((boost, postings, q.fieldname, btext))
        return postings.bits

    def scores(self, bits: int, scorers: dict) -> dict[int, float]:
        """Return {docnum: score} for the documents in `bits`."""
        wanted = bits.to_bytes((self.size + 7) >> 3, "little")
        totals: dict[int, float] = {}
        get = totals.get
        # The longest list first: while nothing is summed yet, its documents
        # go in at C speed (dict.fromkeys) instead of one by one.
        terms = sorted(self.terms, key=lambda term: -term[1].count)
        for boost, postings, fieldname, btext in terms:
            scorer = scorers.get((fieldname, btext))
            if scorer is None:
                scorer = scorers[(fieldname, btext)] = _scorer(
                    self.searcher, fieldname, btext
                )
            every = postings.bits & bits == postings.bits
            first = every and not totals
            for (weight, length), docs in postings.groups.items():
                value = scorer(weight, length) * boost
                if first:
                    totals.update(dict.fromkeys(docs, value))
                elif every:
                    for docnum in docs:
                        totals[docnum] = get(docnum, 0.0) + value
                else:
                    for docnum in docs:
                        if wanted[docnum >> 3] >> (docnum & 7) & 1:
                            totals[docnum] = get(docnum, 0.0) + value
        for boost, others in self.others:
            for docnum, value in others.items():
                if wanted[docnum >> 3] >> (docnum & 7) & 1:
                    totals[docnum] = get(docnum, 0.0) + value * boost
        for value, constant in self.constants:
            for docnum in members(bits & constant, self.size):
                totals[docnum] = get(docnum, 0.0) + value
        return totals


def _scorer(searcher, fieldname: str, btext: bytes):
    """Return f(weight, length) -> score, as the searcher's weighting scores."""
    scorer = searcher.weighting.scorer(searcher, fieldname, btext)
    if isinstance(scorer, BM25FScorer):
        return scorer._score
    # Other scorers (unscored fields) score a posting by its weight.
    return lambda weight, length: weight


# Searching --------------------------------------------------------------------


@dataclass
class Found:
    """What a search found: the page's (global docnum, score), total and facets."""

    hits: list[tuple[int, float]]
    total: int
    facets: dict[str, dict[str, int]]


def run(
    cache: SegmentCache,
    searcher,
    parsed,
    restrict,
    *,
    by_date: bool,
    first: int,
    count: int,
    facets: Sequence[str],
) -> Found:
    """Find the documents of `parsed` within `restrict`; return hits first..+count."""
    wanted = first + count
    total = 0
    counts: dict[str, dict[str, int]] = {name: {} for name in facets}
    candidates: list[tuple] = []
    scorers: dict = {}
    for sub in cache.start(searcher):
        segment = _SegmentQuery(cache, searcher, sub)
        bits = segment.bits(parsed) & segment.live
        if restrict is not None:
            bits &= segment.bits(restrict, scored=False)
        if not bits:
            continue
        total += bits.bit_count()
        for name in facets:
            tally = counts[name]
            for value, value_bits in cache.facet(
                segment.key, segment.reader, searcher.schema, name
            ).items():
                found = (bits & value_bits).bit_count()
                if found:
                    tally[value] = tally.get(value, 0) + found
        if wanted:
            candidates += _best(segment, bits, wanted, by_date, scorers)
    candidates.sort()
    hits = [(docnum, score) for _, docnum, score in candidates[first:wanted]]
    return Found(hits=hits, total=total, facets=counts)


def _best(segment: _SegmentQuery, bits: int, wanted: int, by_date: bool, scorers):
    """Return (sort key, global docnum, score) of a segment's `wanted` best."""
    offset = segment.offset
    if by_date:
        dates, order = segment.cache.dates(segment.key, segment.reader)
        if bits.bit_count() > DATE_WALK_THRESHOLD:
            data = bits.to_bytes((segment.size + 7) >> 3, "little")
            chosen = []
            for docnum in order:
                if data[docnum >> 3] >> (docnum & 7) & 1:
                    chosen.append(docnum)
                    if len(chosen) == wanted:
                        break
        else:
            chosen = heapq.nsmallest(
                wanted, members(bits, segment.size), key=lambda d: (-dates[d], d)
            )
        return [((-dates[d], offset + d), offset + d, 0.0) for d in chosen]
    scores = segment.scores(bits, scorers)
    if len(scores) < bits.bit_count():  # matched by no scored term: score 0
        for docnum in members(bits, segment.size):
            scores.setdefault(docnum, 0.0)
    return [
        ((-score, offset + d), offset + d, score) for d, score in _top(scores, wanted)
    ]


def _top(scores: dict[int, float], wanted: int) -> list[tuple[int, float]]:
    """Return the `wanted` best (docnum, score), best first, ties by docnum."""
    if len(scores) <= wanted:
        chosen = list(scores.items())
    else:
        # The threshold from the scores alone (in C), then the few above it.
        threshold = heapq.nlargest(wanted, scores.values())[-1]
        chosen = [item for item in scores.items() if item[1] >= threshold]
    chosen.sort(key=lambda item: (-item[1], item[0]))
    return chosen[:wanted]
