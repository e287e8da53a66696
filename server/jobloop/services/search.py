"""Full-text search over postings: title, company, description and notes.

One search on both stores. On SQLite the text lives in an FTS5 table, `posting_fts`, whose
rowid is the posting's id; on PostgreSQL in `posting_search`, a tsvector per posting with a
GIN index. Triggers keep either in step with every write, whichever service makes it
(capture, hand edits, notes on the timeline), so no service has to remember to reindex;
tables, functions and triggers are made by the schema steps (migrations.py).

What a query means, on both: its words are runs of letters and digits, lowercased, accents
folded ("zurich" finds Zürich); every word must appear, as the start of a word ("eng" finds
Engineer); a quoted part, or words joined by punctuation ("full-stack", "node.js"), must
appear together in that order, each word again as a prefix. Anything else in the query
(operators, brackets, quotes left open) is plain text: search syntax cannot be injected.
Where neither index exists (a SQLite built without FTS5) the same question is answered with
LIKE: slower, and a word matches anywhere inside a word.
"""
from __future__ import annotations

import re

from peewee import SQL, Database, fn

from ..db import database, is_sqlite
from ..migrations import FTS_TABLE, PG_SEARCH_TABLE

MAX_TERMS = 12
_WORD = re.compile(r"[^\W_]+")  # letters and digits: what FTS5's unicode61 tokenizer keeps
_PART = re.compile(r'"([^"]*)"?|([^\s"]+)')  # a quoted part (closed or not), or a run without spaces


def fts_ready(db: Database | None = None) -> bool:
    """Is the store's search index there? Asked once per database object, then remembered on
    it: a schema step only ever adds the index, so no other process can take it away."""
    db = db or database.obj
    ready = getattr(db, "_jobloop_fts_ready", None)
    if ready is None:
        if is_sqlite(db):
            sql, params = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (FTS_TABLE,)
        else:
            sql, params = "SELECT 1 WHERE to_regclass(%s) IS NOT NULL", (PG_SEARCH_TABLE,)
        ready = db.execute_sql(sql, params).fetchone() is not None
        db._jobloop_fts_ready = ready
    return ready


def phrases(q: str | None) -> list[list[str]]:
    """The query as phrases of lowercased words (a phrase of one word is a word), at most
    MAX_TERMS words in all."""
    found: list[list[str]] = []
    left = MAX_TERMS
    for quoted, bare in _PART.findall(q or ""):
        words = _WORD.findall((quoted or bare).lower())[:left]
        if words:
            found.append(words)
            left -= len(words)
        if not left:
            break
    return found


def terms(q: str | None) -> list[str]:
    """Every word of a query, lowercased."""
    return [word for phrase in phrases(q) for word in phrase]


def fts_expression(parts: list[list[str]], prefix: bool = True) -> str:
    # FTS5: each word quoted (so AND, OR, NEAR are plain words) and a prefix (unless `prefix`
    # is False: the words themselves); `+` joins a phrase.
    star = "*" if prefix else ""
    return " ".join(" + ".join(f'"{w}"{star}' for w in words) for words in parts)


# PostgreSQL: the query's phrases go in as an array and are folded in SQL by the same function
# as the documents (lower, unaccent, anything not a letter or digit a space), then quoted with
# quote_literal: folding can turn a letter into punctuation (unaccent makes ʼ an apostrophe),
# so quoting happens after it, never before. A quoted run of words with :* is a phrase of
# prefixes, as in fts_expression.
_TSQUERY = ("to_tsquery('simple', (SELECT string_agg(quote_literal(w) || ':*', ' & ') FROM"
            " (SELECT btrim(jobloop_search_words(p)) AS w FROM unnest(%s::text[]) AS p) AS f WHERE w <> ''))")


def tsquery(parts: list[list[str]]) -> str:
    """The query as tsquery text, folded by the store. Asked for first, on its own, so that
    the search itself compares with a constant: the planner then knows from the index's
    statistics how many postings match, and for a word nearly every posting has walks the
    sort order and stops at the page's end instead of joining every match."""
    row = database.execute_sql(f"SELECT {_TSQUERY}::text", ([" ".join(words) for words in parts],)).fetchone()
    return row[0] or ""


def matching(query, q: str | None):
    """Narrow a Posting query (already joined to Company) to postings matching q."""
    from ..models import Company, Event, Posting

    parts = phrases(q)
    if not parts:
        return query
    if fts_ready():
        if is_sqlite():
            ids = SQL(f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)", [fts_expression(parts)])
            # `id + 0` keeps SQLite from looking up every match by rowid and sorting them
            # all: it walks the sort column's index instead and stops at the page's end,
            # so a query that matches nearly everything costs no more than one that matches little.
            return query.where((Posting.id + 0).in_(ids))
        ids = SQL(f"(SELECT posting_id FROM {PG_SEARCH_TABLE} WHERE document @@ %s::tsquery)", [tsquery(parts)])
        return query.where(Posting.id.in_(ids))
    for word in [w for words in parts for w in words]:
        noted = Event.select(Event.posting).where((Event.kind == "note") & fn.LOWER(Event.note).contains(word))
        query = query.where(
            fn.LOWER(Posting.title).contains(word)
            | fn.LOWER(Company.name).contains(word)
            | fn.LOWER(Posting.description_text).contains(word)
            | fn.LOWER(Posting.notes).contains(word)
            | Posting.id.in_(noted)
        )
    return query


def all_match(ids: list[int], q: str | None) -> bool:
    """Does each of these postings match q, by the words themselves? (SQLite's index only;
    False when it cannot tell.) A posting that holds every word of q as a whole word matches
    q; one holding only a longer word that starts with it ("kubernetesy") reads as False
    here, though q finds it, so a True is always right and a False may not be.

    Asked of the index row by row, which for a whole word is a seek in its list. A prefix
    query cannot seek: FTS5 first merges the lists of every word with that start, however
    few rows are asked about."""
    parts = phrases(q)
    if not ids or not parts or not fts_ready() or not is_sqlite():
        return False
    whole = fts_expression(parts, prefix=False)
    asked = f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? AND rowid IN "
    # The first alone: a rarer word is told apart here, before the rest are asked.
    if not database.execute_sql(asked + "(?)", (whole, ids[0])).fetchone()[0]:
        return False
    rest = ids[1:]
    return not rest or database.execute_sql(
        asked + f"({', '.join('?' * len(rest))})", (whole, *rest)).fetchone()[0] == len(rest)


def count(q: str | None) -> int | None:
    """How many postings match q, read from the index alone; None when there is no index."""
    parts = phrases(q)
    if not parts or not fts_ready():
        return None
    if is_sqlite():
        sql, expression = f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?", fts_expression(parts)
    else:
        sql, expression = f"SELECT count(*) FROM {PG_SEARCH_TABLE} WHERE document @@ %s::tsquery", tsquery(parts)
    return database.execute_sql(sql, (expression,)).fetchone()[0]
