"""Full-text search over postings: title, company, description and notes.

On SQLite the text lives in an FTS5 table, `posting_fts`, whose rowid is the
posting's id. Triggers keep it in step with every write, whichever service makes
it (capture, hand edits, notes on the timeline), so no service has to remember
to reindex. Elsewhere (PostgreSQL, or a SQLite built without FTS5) the same
question is answered with LIKE, slower but with the same meaning: every word of
the query must appear somewhere, as a word prefix on FTS5 or a substring on LIKE.
"""
from __future__ import annotations

import re

from peewee import SQL, Database, OperationalError, fn

from ..db import database, is_sqlite

FTS_TABLE = "posting_fts"
MAX_TERMS = 12

# One row's searchable text, computed from the store. Notes are the posting's own
# notes plus the notes the user added to its timeline (kind "note" events).
_ROW = f"""
INSERT INTO {FTS_TABLE} (rowid, title, company, description, notes)
SELECT p.id, coalesce(p.title, ''), coalesce(c.name, ''), coalesce(p.description_text, ''),
       coalesce(p.notes, '') || ' ' || coalesce(
         (SELECT group_concat(e.note, ' ') FROM event AS e
          WHERE e.posting_id = p.id AND e.kind = 'note' AND e.note != ''), '')
FROM posting AS p LEFT JOIN company AS c ON c.id = p.company_id
"""


def _reindex(id_expr: str) -> str:
    return f"DELETE FROM {FTS_TABLE} WHERE rowid = {id_expr};\n{_ROW} WHERE p.id = {id_expr};"


_TRIGGERS = {
    "posting_fts_ai": f"AFTER INSERT ON posting BEGIN {_reindex('new.id')} END",
    "posting_fts_au": (
        "AFTER UPDATE ON posting WHEN old.title IS NOT new.title OR old.company_id IS NOT new.company_id"
        " OR old.description_text IS NOT new.description_text OR old.notes IS NOT new.notes"
        f" BEGIN {_reindex('new.id')} END"
    ),
    "posting_fts_ad": f"AFTER DELETE ON posting BEGIN DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END",
    "posting_fts_ev_ai": f"AFTER INSERT ON event WHEN new.kind = 'note' BEGIN {_reindex('new.posting_id')} END",
    "posting_fts_ev_au": (
        "AFTER UPDATE ON event WHEN old.note IS NOT new.note OR old.kind IS NOT new.kind"
        f" BEGIN {_reindex('new.posting_id')} END"
    ),
    "posting_fts_ev_ad": f"AFTER DELETE ON event WHEN old.kind = 'note' BEGIN {_reindex('old.posting_id')} END",
    "posting_fts_co_au": (
        "AFTER UPDATE OF name ON company BEGIN "
        f"DELETE FROM {FTS_TABLE} WHERE rowid IN (SELECT id FROM posting WHERE company_id = new.id);\n"
        f"{_ROW} WHERE p.company_id = new.id; END"
    ),
}


def fts5_available(db: Database) -> bool:
    try:
        with db.atomic():  # a savepoint: a failed probe leaves the migration's transaction intact
            db.execute_sql("CREATE VIRTUAL TABLE temp._jobloop_fts5_probe USING fts5(x)")
            db.execute_sql("DROP TABLE temp._jobloop_fts5_probe")
        return True
    except OperationalError:
        return False


def install_fts(db: Database) -> bool:
    """Create the FTS5 table and its triggers, and index what is already stored."""
    if not is_sqlite(db) or not fts5_available(db):
        return False
    db.execute_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "title, company, description, notes, tokenize = 'unicode61 remove_diacritics 2')"
    )
    for name, body in _TRIGGERS.items():
        db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
        db.execute_sql(f"CREATE TRIGGER {name} {body}")
    db.execute_sql(f"DELETE FROM {FTS_TABLE}")
    db.execute_sql(_ROW)
    return True


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
