"""The query language users type, parsed into a small tree for the PostgreSQL backend.

The same syntax as the Whoosh parser offers: words, "phrases", OR, AND, NOT,
-word, (groups), word* prefixes and field prefixes (title:, country:, theme:,
type:, lang:, status:, year:, actor_types:). The tree is plain tuples, so the
backend can turn it into SQL:

    ("and", [node, ...])  ("or", [node, ...])  ("not", node)
    ("text", field, raw, prefix)   field is None (anywhere) or "title"
    ("filter", field, value)       an exact value of a facet field
"""

from __future__ import annotations

import re

from search_index.schema import FACETS

_LEADING_MINUS = re.compile(r"(?:(?<=\s)|^)-(?=[^\s-])")
_TOKEN = re.compile(
    r"""
    (?P<phrase>"[^"]*"?)
    |(?P<open>\()
    |(?P<close>\))
    |(?P<field>[^\W\d_]\w*):(?=[^\s)])
    |(?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)
ALIASES = {"theme": "themes", "type": "kind", "lang": "language"}
FILTER_FIELDS = FACETS
TEXT_FIELDS = ("title", "content")
MAX_DEPTH = 40


class ParseError(ValueError):
    """The query cannot be turned into a tree (too deeply nested)."""


def parse(text: str):
    """Return the tree of a query, or None when it holds nothing to search for."""
    text = _LEADING_MINUS.sub("NOT ", text or "")
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)]
    parser = _Parser(tokens)
    nodes = []
    while parser.peek() is not None:
        if parser.peek()[0] == "close":  # a stray ")" closes nothing
            parser.next()
            continue
        nodes.append(parser.conjunction(None, 0))
    return _combine("and", nodes)


def _combine(operator: str, nodes: list):
    nodes = [node for node in nodes if node is not None]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else (operator, nodes)


class _Parser:
    """A recursive-descent parser: OR binds tighter than the implicit AND."""

    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.position = 0

    def peek(self):
        if self.position < len(self.tokens):
            return self.tokens[self.position]
        return None

    def next(self):
        token = self.peek()
        self.position += 1
        return token

    def _is(self, *operators: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "word" and token[1] in operators

    def conjunction(self, field: str | None, depth: int):
        if depth > MAX_DEPTH:
            raise ParseError("the query is nested too deeply")
        nodes = []
        while self.peek() is not None and self.peek()[0] != "close":
            if self._is("AND", "ANDMAYBE"):
                self.next()
                continue
            if self._is("ANDNOT"):
                self.next()
                operand = self.disjunction(field, depth + 1)
                nodes.append(None if operand is None else ("not", operand))
                continue
            nodes.append(self.disjunction(field, depth + 1))
        return _combine("and", nodes)

    def disjunction(self, field: str | None, depth: int):
        nodes = [self.unary(field, depth)]
        while self._is("OR"):
            self.next()
            nodes.append(self.unary(field, depth))
        return _combine("or", nodes)

    def unary(self, field: str | None, depth: int):
        if depth > MAX_DEPTH:
            raise ParseError("the query is nested too deeply")
        if self._is("NOT"):
            self.next()
            operand = self.unary(field, depth + 1)
            return None if operand is None else ("not", operand)
        return self.atom(field, depth)

    def atom(self, field: str | None, depth: int):
        token = self.next()
        if token is None:
            return None
        kind, value = token
        if kind == "open":
            node = self.conjunction(field, depth + 1)
            if self.peek() is not None and self.peek()[0] == "close":
                self.next()
            return node
        if kind == "field":
            name = value[:-1].lower()
            name = ALIASES.get(name, name)
            if name in FILTER_FIELDS or name in TEXT_FIELDS:
                return self.atom(name, depth + 1)
            return _leaf(field, value)
        if kind == "phrase":
            return _leaf(field, value.strip('"'), phrase=True)
        if kind == "word" and value in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"):
            return None  # an operator with nothing to work on
        return _leaf(field, value)


def _leaf(field: str | None, raw: str, *, phrase: bool = False):
    if field in FILTER_FIELDS:
        value = raw.strip().lower()
        return ("filter", field, value) if value else None
    prefix = not phrase and raw.endswith("*") and len(raw.rstrip("*")) > 0
    text_field = "title" if field == "title" else None
    return ("text", text_field, raw, prefix)


def positive_leaves(node, negated: bool = False):
    """Yield the text leaves of a tree that are not under a NOT."""
    if node is None:
        return
    operator = node[0]
    if operator in ("and", "or"):
        for child in node[1]:
            yield from positive_leaves(child, negated)
    elif operator == "not":
        yield from positive_leaves(node[1], not negated)
    elif operator == "text" and not negated:
        yield node
