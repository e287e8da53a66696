"""Full-text search over postings: title, company, description and notes.

On SQLite the text lives in an FTS5 table, `posting_fts`, whose rowid is the
posting's id. Triggers keep it in step with every write, whichever service makes
it (capture, hand edits, notes on the timeline), so no service has to remember
to reindex; the table and triggers are made by the schema steps (migrations.py).
Elsewhere (PostgreSQL, or a SQLite built without FTS5) the same question is answered with LIKE, slower but with the same meaning: every word of
the query must appear somewhere, as a word prefix on FTS5 or a substring on LIKE.
"""
from __future__ import annotations

import re

from peewee import SQL, Database, fn

from ..db import database, is_sqlite
from ..migrations import FTS_TABLE

MAX_TERMS = 12


def fts_ready(db: Database | None = None) -> bool:
    """Is the FTS5 table there? Asked once per database object, then remembered on it."""
    db = db or database.obj
    ready = getattr(db, "_jobloop_fts_ready", None)
    if ready is None:
        ready = is_sqlite(db) and db.execute_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (FTS_TABLE,)
        ).fetchone() is not None
        db._jobloop_fts_ready = ready
    return ready


def terms(q: str | None) -> list[str]:
    """The words of a query, lowercased; punctuation (and FTS5 syntax with it) is dropped."""
    return re.findall(r"\w+", (q or "").lower())[:MAX_TERMS]


def fts_expression(words: list[str]) -> str:
    # Each word quoted (so AND, OR, NEAR are plain words) and matched as a prefix.
    return " ".join(f'"{w}"*' for w in words)


def matching(query, q: str | None):
    """Narrow a Posting query (already joined to Company) to postings matching every word of q."""
    from ..models import Company, Event, Posting

    words = terms(q)
    if not words:
        return query
    if fts_ready():
        ids = SQL(f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)", [fts_expression(words)])
        # `id + 0` keeps SQLite from looking up every match by rowid and sorting them
        # all: it walks the sort column's index instead and stops at the page's end,
        # so a query that matches nearly everything costs no more than one that matches little.
        return query.where((Posting.id + 0).in_(ids))
    for word in words:
        noted = Event.select(Event.posting).where((Event.kind == "note") & fn.LOWER(Event.note).contains(word))
        query = query.where(
            fn.LOWER(Posting.title).contains(word)
            | fn.LOWER(Company.name).contains(word)
            | fn.LOWER(Posting.description_text).contains(word)
            | fn.LOWER(Posting.notes).contains(word)
            | Posting.id.in_(noted)
        )
    return query


def count(q: str | None) -> int | None:
    """How many postings match q, read from the index alone; None when there is no FTS table."""
    words = terms(q)
    if not words or not fts_ready():
        return None
    row = database.execute_sql(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?",
                               (fts_expression(words),)).fetchone()
    return row[0]
