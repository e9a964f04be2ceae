"""What the PostgreSQL backend keeps in its database, made when missing.

Extensions `unaccent` and `pg_trgm`; one text search configuration per
language (the stock Snowball stemmer after `unaccent`) and `agora_simple`
(folding only); a table of documents with tsvector columns and GIN indexes;
a table of the indexed words, with trigram index, for spelling suggestions.
No psycopg import at module level: migrations/env.py reads `TABLES`.
"""

from __future__ import annotations

from search_index.analysis import STEMMERS
from search_index.engine import IndexCorrupt

DOCUMENTS = "search_documents"
WORDS = "search_words"
TABLES = (DOCUMENTS, WORDS)
# Changed whenever the tables change: an index made by other code is remade.
VERSION = "agora-search 1"
SIMPLE = "agora_simple"
CONFIGS = {language: f"agora_{algorithm}" for language, algorithm in STEMMERS.items()}
# Serialises schema creation between processes (pg_advisory_xact_lock key).
_SETUP_LOCK = 0x4A60_5EA6
_TOKEN_TYPES = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"

_TABLES_SQL = f"""
CREATE TABLE {DOCUMENTS} (
    doc_id text PRIMARY KEY,
    kind text NOT NULL,
    record_id bigint NOT NULL,
    url text NOT NULL,
    heading text NOT NULL,
    excerpt text NOT NULL,
    language text NOT NULL,
    country text NOT NULL,
    themes text[] NOT NULL,
    actor_types text[] NOT NULL,
    status text NOT NULL,
    year integer,
    date timestamp,
    seq bigserial NOT NULL,
    title_vector tsvector NOT NULL,
    words_vector tsvector NOT NULL,
    content_vector tsvector NOT NULL
);
CREATE INDEX {DOCUMENTS}_content ON {DOCUMENTS} USING gin (content_vector);
CREATE INDEX {DOCUMENTS}_title ON {DOCUMENTS} USING gin (title_vector);
CREATE INDEX {DOCUMENTS}_themes ON {DOCUMENTS} USING gin (themes);
CREATE INDEX {DOCUMENTS}_country ON {DOCUMENTS} (country);
CREATE INDEX {DOCUMENTS}_date ON {DOCUMENTS} (date DESC NULLS LAST, seq);
CREATE TABLE {WORDS} (word text PRIMARY KEY, documents integer NOT NULL);
CREATE INDEX {WORDS}_trigrams ON {WORDS} USING gin (word gin_trgm_ops);
COMMENT ON TABLE {DOCUMENTS} IS '{VERSION}';
"""


def _configurations() -> dict[str, str]:
    """Return {configuration: stock dictionary} of every configuration needed."""
    wanted = {SIMPLE: "simple"}
    wanted.update(
        {name: f"{STEMMERS[language]}_stem" for language, name in CONFIGS.items()}
    )
    return wanted


def create_schema(connection) -> bool:
    """Make what is missing; return whether the tables were made now.

    Raises IndexCorrupt when the tables exist but were made by other code.
    """
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", [_SETUP_LOCK])
        connection.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        _create_configurations(connection)
        found = connection.execute(
            "SELECT obj_description(to_regclass(%s), 'pg_class'), to_regclass(%s)",
            [DOCUMENTS, DOCUMENTS],
        ).fetchone()
        if found[1] is not None:
            if found[0] != VERSION:
                raise IndexCorrupt("the index tables were made by other code")
            return False
        connection.execute(_TABLES_SQL)
        return True


def _create_configurations(connection) -> None:
    existing = {
        row[0]
        for row in connection.execute(
            "SELECT cfgname FROM pg_ts_config WHERE cfgnamespace = "
            "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
        )
    }
    stock = {row[0] for row in connection.execute("SELECT dictname FROM pg_ts_dict")}
    for name, dictionary in _configurations().items():
        if name in existing:
            continue
        if dictionary not in stock:  # an older server without this stemmer
            dictionary = "simple"
        connection.execute(
            f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.simple)"
        )
        connection.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {name} "
            f"ALTER MAPPING FOR {_TOKEN_TYPES} WITH unaccent, {dictionary}"
        )


def drop_schema(connection) -> None:
    """Drop the index tables (the configurations and extensions stay)."""
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", [_SETUP_LOCK])
        for table in TABLES:
            connection.execute(f"DROP TABLE IF EXISTS {table}")
