"""Turn a parsed query and filters into SQL conditions on the documents table."""

from __future__ import annotations

from collections.abc import Mapping

from psycopg import sql

from search_index.analysis import base_analyzer, folding_analyzer
from search_index.pg_schema import CONFIGS
from search_index.query_syntax import positive_leaves
from search_index.schema import FACETS

ARRAY_FACETS = {"themes", "actor_types"}


def analysed(analyzer, text: str) -> str:
    """Return the words `analyzer` makes of `text`, joined by spaces."""
    return " ".join(token.text for token in analyzer(text))


def searchable(tree) -> bool:
    """Say whether a tree has a leaf that can match something."""
    operator = tree[0]
    if operator in ("and", "or"):
        return any(searchable(child) for child in tree[1])
    if operator == "not":
        return searchable(tree[1])
    if operator == "text":
        return bool(analysed(folding_analyzer(), tree[2]))
    return True


def _text_query(leaf) -> sql.Composable | None:
    """Return the tsquery of a text leaf, or None when it holds no word."""
    _, field, raw, prefix = leaf
    folded = analysed(folding_analyzer(), raw)
    if not folded:
        return None
    if prefix:
        words = [f"'{word}'" for word in folded.replace("'", "''").split()]
        words[-1] += ":*"
        return sql.SQL("to_tsquery('agora_simple', {})").format(
            sql.Literal(" <-> ".join(words))
        )
    parts = [
        sql.SQL("phraseto_tsquery('agora_simple', {})").format(sql.Literal(folded))
    ]
    if field is None:
        stemmed = sql.Literal(analysed(base_analyzer(), raw))
        parts += [
            sql.SQL("phraseto_tsquery({}, {})").format(sql.Literal(config), stemmed)
            for config in sorted(set(CONFIGS.values()))
        ]
    return sql.SQL("({})").format(sql.SQL(" || ").join(parts))


def _node(tree) -> sql.Composable | None:
    operator = tree[0]
    if operator in ("and", "or"):
        children = [part for part in map(_node, tree[1]) if part is not None]
        if not children:
            return None
        joined = sql.SQL(f" {operator.upper()} ").join(children)
        return sql.SQL("({})").format(joined)
    if operator == "not":
        child = _node(tree[1])
        return None if child is None else sql.SQL("NOT {}").format(child)
    if operator == "filter":
        return _filter(tree[1], [tree[2]])
    query = _text_query(tree)
    if query is None:
        return None
    if tree[1] == "title":
        return sql.SQL("title_vector @@ {}").format(query)
    own = _own_language_query(tree)
    if own is None:
        return sql.SQL("content_vector @@ {}").format(query)
    # The first test can use the GIN index; the second keeps only documents
    # matched by folded words or by stems of their own language, as Whoosh
    # searches each language's field with that language's stemmer only.
    return sql.SQL("(content_vector @@ {} AND content_vector @@ {})").format(query, own)


def _own_language_query(leaf) -> sql.Composable | None:
    """Return the tsquery of a word or phrase for each row's own language."""
    _, field, raw, prefix = leaf
    folded = analysed(folding_analyzer(), raw)
    if field is not None or prefix or not folded:
        return None
    stemmed = sql.Literal(analysed(base_analyzer(), raw))
    branches = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN phraseto_tsquery({}, {})").format(
            sql.Literal(language), sql.Literal(config), stemmed
        )
        for language, config in sorted(CONFIGS.items())
    )
    return sql.SQL(
        "(phraseto_tsquery('agora_simple', {}) || "
        "CASE language {} ELSE ''::tsquery END)"
    ).format(sql.Literal(folded), branches)


def _filter(name: str, values: list) -> sql.Composable:
    """Return the condition that `name` has one of `values`."""
    if name == "year":
        years = [int(v) for v in values if str(v).isdigit()]
        return sql.SQL("coalesce(year = ANY({}), false)").format(sql.Literal(years))
    values = [str(value).lower() for value in values]
    if name in ARRAY_FACETS:
        return sql.SQL("{} && {}::text[]").format(
            sql.Identifier(name), sql.Literal(values)
        )
    if name in FACETS:
        return sql.SQL("{} = ANY({}::text[])").format(
            sql.Identifier(name), sql.Literal(values)
        )
    return sql.SQL("false")


def match_condition(tree, filters: Mapping) -> sql.Composable:
    """Return the SQL condition of a query tree (maybe None) and facet filters."""
    parts = [] if tree is None else [_node(tree)]
    for name, wanted in filters.items():
        values = [wanted] if isinstance(wanted, str | int) else list(wanted)
        values = [value for value in values if value != ""]
        if values:
            parts.append(_filter(name, values))
    parts = [part for part in parts if part is not None]
    return sql.SQL(" AND ").join(parts) if parts else sql.SQL("true")


def rank_expression(tree) -> sql.Composable:
    """Return the relevance score: content matches, and title matches thrice."""
    content, title = [], []
    for leaf in positive_leaves(tree):
        query = _text_query(leaf)
        if query is not None:
            (title if leaf[1] == "title" else content).append(query)
            if leaf[1] is None:
                title.append(_text_query((leaf[0], "title", leaf[2], leaf[3])))
    if not content and not title:
        return sql.SQL("0")
    terms = []
    if content:
        joined = sql.SQL(" || ").join(content)
        terms.append(sql.SQL("ts_rank(content_vector, {})").format(joined))
    if title:
        joined = sql.SQL(" || ").join(title)
        terms.append(sql.SQL("3 * ts_rank(title_vector, {})").format(joined))
    return sql.SQL(" + ").join(terms)
