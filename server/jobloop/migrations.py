"""Schema migrations: ordered steps that bring an older store up to this code's schema.

A released step is never edited: a store that already ran it would never see the
change. What a step got wrong is put right by a later step (v5 repairs what v2 did).
Each step runs in its own transaction; on SQLite with foreign keys switched off
around it (a table rebuild would otherwise fire ON DELETE actions on the rows that
point at the old table) and `PRAGMA foreign_key_check` before it commits.
"""
from __future__ import annotations

import json
import logging
from contextlib import nullcontext
from typing import Callable

from peewee import Database, DatabaseError, OperationalError, PostgresqlDatabase
from playhouse.migrate import SchemaMigrator, migrate as run_migrations

from . import models, stages
from .db import is_sqlite

log = logging.getLogger(__name__)


class StoreError(Exception):
    """The store cannot be used by this code as it is (too new, broken): said in one line."""


# ---- full-text search (SQLite FTS5) ---------------------------------------------------------
# The DDL lives here, with the steps that install it; services/search.py only queries it.

FTS_TABLE = "posting_fts"

# One row's searchable text, computed from the store. Notes are the posting's own
# notes plus the notes the user added to its timeline (kind "note" events).
_FTS_ROW = f"""
INSERT INTO {FTS_TABLE} (rowid, title, company, description, notes)
SELECT p.id, coalesce(p.title, ''), coalesce(c.name, ''), coalesce(p.description_text, ''),
       coalesce(p.notes, '') || ' ' || coalesce(
         (SELECT group_concat(e.note, ' ') FROM event AS e
          WHERE e.posting_id = p.id AND e.kind = 'note' AND e.note != ''), '')
FROM posting AS p LEFT JOIN company AS c ON c.id = p.company_id
"""


def _reindex(id_expr: str) -> str:
    return f"DELETE FROM {FTS_TABLE} WHERE rowid = {id_expr};\n{_FTS_ROW} WHERE p.id = {id_expr};"


# Triggers keep the index in step with every write, whichever service makes it.
_FTS_TRIGGERS = {
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
        f"{_FTS_ROW} WHERE p.company_id = new.id; END"
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
    for name, body in _FTS_TRIGGERS.items():
        db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
        db.execute_sql(f"CREATE TRIGGER {name} {body}")
    db.execute_sql(f"DELETE FROM {FTS_TABLE}")
    db.execute_sql(_FTS_ROW)
    return True


# ---- full-text search (PostgreSQL tsvector) ------------------------------------------------
# The same search as FTS5 above: a document of words per posting (title, company, description,
# notes and timeline notes), lowercased with accents folded, words being runs of letters and
# digits; a query word matches a word it begins. Kept in `posting_search` with a GIN index,
# in step with every write by triggers, like posting_fts. The 'simple' configuration: no
# stemming and no stop words, as FTS5's unicode61 tokenizer.

PG_SEARCH_TABLE = "posting_search"
# Put between the columns, then deleted from the vector: it leaves a gap in the word
# positions, so a phrase never runs from one column into the next (FTS5 phrases do not either).
_COLUMN_BREAK = "jobloopcolumnbreak"


def _fold_table() -> tuple[str, str]:
    """Lowercase Latin letters with marks and their base letters, for the fold used where
    the `unaccent` extension cannot be installed."""
    import unicodedata

    src, dst = [], []
    for ch in map(chr, range(0xC0, 0x250)):
        parts = unicodedata.normalize("NFKD", ch)
        if ch == ch.lower() and len(parts) > 1 and parts[0].isascii() and parts[0].isalpha() \
                and all(unicodedata.combining(c) for c in parts[1:]):
            src.append(ch)
            dst.append(parts[0])
    for ch, base in (("ø", "o"), ("đ", "d"), ("ħ", "h"), ("ł", "l"), ("ı", "i"), ("ŧ", "t")):
        src.append(ch)
        dst.append(base)
    return "".join(src), "".join(dst)


def _unaccent(db: Database) -> str | None:
    """The schema-qualified unaccent function, installing the extension if the server has it
    and this role may; None where it cannot (a managed server, a role without CREATE)."""
    try:
        with db.atomic():  # a savepoint: a refusal leaves the migration's transaction usable
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DatabaseError:
        pass
    row = db.execute_sql("SELECT n.nspname FROM pg_extension AS e JOIN pg_namespace AS n"
                         " ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'").fetchone()
    return f'"{row[0]}".unaccent' if row else None


def install_pg_search(db: Database) -> bool:
    if not isinstance(db, PostgresqlDatabase):
        return False
    unaccent = _unaccent(db)
    src, dst = _fold_table()
    fold = f"{unaccent}(lower(t))" if unaccent else f"translate(lower(t), '{src}', '{dst}')"
    t = PG_SEARCH_TABLE
    for sql in (
        f"CREATE TABLE IF NOT EXISTS {t} (posting_id integer PRIMARY KEY REFERENCES posting (id)"
        " ON DELETE CASCADE, document tsvector NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {t}_document ON {t} USING gin (document)",
        # Text as FTS5 sees it: lowercase, accents folded, anything not a letter or digit a space.
        "CREATE OR REPLACE FUNCTION jobloop_search_words(t text) RETURNS text LANGUAGE sql STABLE"
        f" AS $$ SELECT regexp_replace({fold}, '[^[:alnum:]]+', ' ', 'g') $$",
        "CREATE OR REPLACE FUNCTION jobloop_search_document(title text, company text, description text,"
        " notes text) RETURNS tsvector LANGUAGE sql STABLE AS $$ SELECT ts_delete(to_tsvector('simple',"
        f" jobloop_search_words(concat_ws(' {_COLUMN_BREAK} ', title, company, description, notes))),"
        f" '{_COLUMN_BREAK}'::text) $$",
        "CREATE OR REPLACE FUNCTION jobloop_search_refresh(pid integer) RETURNS void LANGUAGE sql AS $$"
        f" INSERT INTO {t} (posting_id, document)"
        " SELECT p.id, jobloop_search_document(coalesce(p.title, ''), coalesce(c.name, ''),"
        " coalesce(p.description_text, ''), coalesce(p.notes, '') || ' ' || coalesce("
        "(SELECT string_agg(e.note, ' ') FROM event AS e WHERE e.posting_id = p.id AND e.kind = 'note'"
        " AND e.note <> ''), ''))"
        " FROM posting AS p LEFT JOIN company AS c ON c.id = p.company_id WHERE p.id = pid"
        " ON CONFLICT (posting_id) DO UPDATE SET document = excluded.document $$",
        "CREATE OR REPLACE FUNCTION jobloop_search_on_posting() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN PERFORM jobloop_search_refresh(NEW.id); RETURN NULL; END $$",
        "CREATE OR REPLACE FUNCTION jobloop_search_on_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF TG_OP <> 'INSERT' AND OLD.kind = 'note' THEN PERFORM jobloop_search_refresh(OLD.posting_id); END IF;"
        " IF TG_OP <> 'DELETE' AND NEW.kind = 'note' THEN PERFORM jobloop_search_refresh(NEW.posting_id); END IF;"
        " RETURN NULL; END $$",
        "CREATE OR REPLACE FUNCTION jobloop_search_on_company() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN PERFORM jobloop_search_refresh(id) FROM posting WHERE company_id = NEW.id; RETURN NULL; END $$",
        "DROP TRIGGER IF EXISTS posting_search_ai ON posting",
        "CREATE TRIGGER posting_search_ai AFTER INSERT ON posting FOR EACH ROW"
        " EXECUTE FUNCTION jobloop_search_on_posting()",
        "DROP TRIGGER IF EXISTS posting_search_au ON posting",
        "CREATE TRIGGER posting_search_au AFTER UPDATE ON posting FOR EACH ROW WHEN ("
        "OLD.title IS DISTINCT FROM NEW.title OR OLD.company_id IS DISTINCT FROM NEW.company_id"
        " OR OLD.description_text IS DISTINCT FROM NEW.description_text OR OLD.notes IS DISTINCT FROM NEW.notes)"
        " EXECUTE FUNCTION jobloop_search_on_posting()",
        "DROP TRIGGER IF EXISTS posting_search_event ON event",
        "CREATE TRIGGER posting_search_event AFTER INSERT OR UPDATE OR DELETE ON event FOR EACH ROW"
        " EXECUTE FUNCTION jobloop_search_on_event()",
        "DROP TRIGGER IF EXISTS posting_search_company ON company",
        "CREATE TRIGGER posting_search_company AFTER UPDATE ON company FOR EACH ROW"
        " WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION jobloop_search_on_company()",
        "SELECT jobloop_search_refresh(id) FROM posting",
    ):
        db.execute_sql(sql)
    return True


# ---- the steps --------------------------------------------------------------------------------

def _v1_initial(db: Database) -> str | None:
    db.create_tables(models.V1_MODELS, safe=True)
    return None


def _v2_event_details(db: Database) -> str | None:
    """Interviews and contact touch-points are events that carry a little more."""
    existing = {c.name for c in db.get_columns("event")}
    migrator = SchemaMigrator.from_database(db)
    ops = []
    if "details" not in existing:
        # On SQLite this rebuilds `event`: safe only because migrate() has foreign keys off.
        ops.append(migrator.add_column("event", "details", models.Event.details))
    if ops:
        run_migrations(*ops)
    db.create_tables(models.V2_MODELS, safe=True)
    return None


def _v3_posting_search(db: Database) -> str | None:
    """Full-text search over postings (SQLite FTS5; other stores search with LIKE)."""
    install_fts(db)
    return None


def _v4_list_indexes(db: Database) -> str | None:
    """The indexes that keep the board, table and dashboard fast at 10,000 postings.
    (They were first added to the v3 step after v3 had shipped; stores already at v3 get them here.)"""
    for name, columns in (("posting_updated_at", "updated_at"), ("posting_stage_changed_at", "stage, stage_changed_at"),
                          ("posting_moved_at", "stage_changed_at"), ("posting_source_site", "source_site")):
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} ON posting ({columns})")
    return None


# The event a rule-made follow-up came from: (event kind, to_stage or None) per follow-up kind.
_RULE_SOURCES = {
    "check_in": ("stage", "applied"), "suggest_ghosted": ("stage", "applied"),
    "feedback_request": ("stage", "rejected"), "keep_in_touch": ("stage", "rejected"),
    "offer_reply": ("stage", "offer"), "thank_you": ("interview", None),
}


def _v5_repair_followup_sources(db: Database) -> str | None:
    """Give back `follow_up.source_event_id` where the v2 step (before it was fixed) nulled it.

    A rule makes its follow-up in the same transaction as the event, with the same clock
    reading, so the follow-up's created_at equals its event's. Where exactly one event of
    the rule's kind on the same posting has that time, the link is restored; anything else
    (a follow-up the user made, an event since deleted) is left as it is, and counted.
    """
    p = db.param  # `?` on SQLite, `%s` on PostgreSQL
    missing = db.execute_sql(
        "SELECT id, posting_id, kind, created_at FROM follow_up WHERE source_event_id IS NULL"
        " AND posting_id IS NOT NULL AND kind IN (%s)" % ", ".join([p] * len(_RULE_SOURCES)),
        tuple(_RULE_SOURCES)).fetchall()
    restored = 0
    for followup_id, posting_id, kind, created_at in missing:
        event_kind, to_stage = _RULE_SOURCES[kind]
        sql = f"SELECT id FROM event WHERE posting_id = {p} AND kind = {p} AND created_at = {p}"
        params = [posting_id, event_kind, created_at]
        if to_stage:
            sql += f" AND to_stage = {p}"
            params.append(to_stage)
        found = db.execute_sql(sql + " LIMIT 2", tuple(params)).fetchall()
        if len(found) == 1:
            db.execute_sql(f"UPDATE follow_up SET source_event_id = {p} WHERE id = {p}", (found[0][0], followup_id))
            restored += 1
    if not restored:
        return None
    left = len(missing) - restored
    return (f"restored the source event of {restored} follow-ups (links the v2 upgrade had cleared)"
            + (f"; {left} others without one left as they are" if left else ""))


def _v6_stage_by_pipeline_order(db: Database) -> str | None:
    """The current stage became the furthest one reached (jobloop/stages.py) instead of the
    latest by date: re-read each posting's cached stage from its timeline. Data only."""
    from . import stages

    timelines: dict[int, list] = {}
    query = (models.Event.select(models.Event.id, models.Event.posting, models.Event.to_stage, models.Event.at)
             .where(models.Event.kind == "stage").order_by(models.Event.posting, models.Event.at, models.Event.id))
    for event in query:
        timelines.setdefault(event.posting_id, []).append(event)
    changed = 0
    for posting in models.Posting.select(models.Posting.id, models.Posting.stage, models.Posting.stage_changed_at):
        decider = stages.deciding_event(timelines.get(posting.id, []))
        if decider is not None and (decider.to_stage, decider.at) != (posting.stage, posting.stage_changed_at):
            (models.Posting.update(stage=decider.to_stage, stage_changed_at=decider.at)
             .where(models.Posting.id == posting.id).execute())
            changed += 1
    return f"re-read the stage of {changed} postings from their timelines (furthest stage reached)" if changed else None


def _v7_postgres_search(db: Database) -> str | None:
    """Full-text search on PostgreSQL (tsvector + GIN), the same search as v3's FTS5 on SQLite;
    nothing to do on SQLite."""
    if not install_pg_search(db):
        return None
    ctype = db.execute_sql("SELECT datctype FROM pg_database WHERE datname = current_database()").fetchone()[0]
    if ctype in ("C", "POSIX"):  # PostgreSQL's patterns and lower() then know ASCII letters only
        return (f"this database's locale is {ctype}: search will not find words with letters outside"
                " ASCII (Zürich, Москва); a database made with a UTF-8 locale (createdb --locale=C.UTF-8) will")
    return None


def create_indexes(db: Database, indexes) -> None:
    """Each (name, table, columns) index, unless the store has it already."""
    for name, table, columns in indexes:
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


# (name, table, columns) of the indexes the filtered and windowed reads need at 100,000 postings.
SCALE_INDEXES = (
    # The table and the API filtered by stage, newest-touched first: walked in order, no sort.
    ("posting_stage_updated_at", "posting", "stage, updated_at"),
    # Insights group each posting's stage history: read from the index alone, in posting order.
    ("event_history", "event", "posting_id, kind, to_stage, at"),
    # The calendar feed's interviews in a window of dates.
    ("event_kind_at", "event", "kind, at"),
    # The calendar feed's open follow-ups in a window of dates.
    ("follow_up_status_due_at", "follow_up", "status, due_at"),
)


# The store's data version: one number that every write to these tables moves on (triggers,
# so no writer can forget), read by what keeps figures computed from them (services/insights.py).
DATA_VERSION_TABLE = "data_version"
DATA_VERSION_SOURCES = ("posting", "event", "reflection", "goal", "contact")


def install_data_version(db: Database) -> None:
    db.execute_sql(f"CREATE TABLE IF NOT EXISTS {DATA_VERSION_TABLE} (version BIGINT NOT NULL)")
    db.execute_sql(f"INSERT INTO {DATA_VERSION_TABLE} (version) SELECT 0"
                   f" WHERE NOT EXISTS (SELECT 1 FROM {DATA_VERSION_TABLE})")
    bump = f"UPDATE {DATA_VERSION_TABLE} SET version = version + 1"
    if is_sqlite(db):  # row triggers only: a bulk write bumps once per row, which costs microseconds
        for table in DATA_VERSION_SOURCES:
            for op in ("INSERT", "UPDATE", "DELETE"):
                db.execute_sql(f"CREATE TRIGGER IF NOT EXISTS {table}_data_version_{op.lower()}"
                               f" AFTER {op} ON {table} BEGIN {bump}; END")
        return
    # PostgreSQL: the bump waits for the commit (a deferred constraint trigger) and happens once a
    # transaction. Bumping at each statement took the one data_version row's lock in the middle of
    # a transaction, before the rows it went on to lock: parallel writers then deadlocked on it
    # (a real jobloop serve with bulk and single stage changes at once answered 503s). At commit a
    # transaction needs no lock after this one, so no cycle can form through it.
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION jobloop_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF current_setting('jobloop.data_version_bumped', true) IS DISTINCT FROM txid_current()::text THEN"
        f" {bump}; PERFORM set_config('jobloop.data_version_bumped', txid_current()::text, true);"
        " END IF; RETURN NULL; END $$")
    for table in DATA_VERSION_SOURCES:
        db.execute_sql(f'DROP TRIGGER IF EXISTS {table}_data_version ON "{table}"')
        db.execute_sql(f'CREATE CONSTRAINT TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE'
                       f' ON "{table}" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW'
                       " EXECUTE PROCEDURE jobloop_bump_data_version()")
        # TRUNCATE (tests empty a store with it) cannot be deferred; nothing runs it beside writers.
        db.execute_sql(f'DROP TRIGGER IF EXISTS {table}_data_version_truncate ON "{table}"')
        db.execute_sql(f'CREATE TRIGGER {table}_data_version_truncate AFTER TRUNCATE ON "{table}"'
                       " FOR EACH STATEMENT EXECUTE PROCEDURE jobloop_bump_data_version()")


def _v8_scale_indexes(db: Database) -> str | None:
    """Indexes for the filtered table and search, insights and the calendar feed; the data
    version insights are kept against (data unchanged)."""
    create_indexes(db, SCALE_INDEXES)
    install_data_version(db)
    return None


def _v9_tags_archive_bulk(db: Database) -> str | None:
    """Tags on postings, archiving (posting.archived_at), the table's bulk changes kept for
    undo, and the indexes the table's sort keys need (date applied and next action are read
    per posting from the timeline and the follow-ups)."""
    if "archived_at" not in {c.name for c in db.get_columns("posting")}:
        migrator = SchemaMigrator.from_database(db)
        # A nullable column: a plain ADD COLUMN on both stores, no table rebuild; the index comes with it.
        run_migrations(migrator.add_column("posting", "archived_at", models.Posting.archived_at))
    db.create_tables([*models.TAG_MODELS, *models.UNDO_MODELS], safe=True)
    # (The stage-history index on event comes with the step before.)
    create_indexes(db, (("follow_up_posting_status_due", "follow_up", "posting_id, status, due_at"),
                        ("posting_title", "posting", "title"),
                        ("posting_tag_tag", "posting_tag", "tag_id")))
    return None


# ---- skill tallies (posting_skill counted per skill, spelling and stage) -------------------------
# Triggers keep skill_tally equal to
#   SELECT skill, name, stage, COUNT(*) FROM posting_skill GROUP BY skill, name, stage
# and posting_skill.stage equal to its posting's stage, whichever code writes: a stage change,
# a delete (ON DELETE CASCADE deletes the rows, which fires the tally triggers), an import.
# A tally that falls to 0 stays as a row with n = 0 (readers skip them).

_TALLY_DOWN = "UPDATE skill_tally SET n = n - 1 WHERE skill = {r}.skill AND name = {r}.name AND stage = {r}.stage;"
_TALLY_UP = ("INSERT INTO skill_tally (skill, name, stage, n) VALUES ({r}.skill, {r}.name, {r}.stage, 1)"
             " ON CONFLICT (skill, name, stage) DO UPDATE SET n = skill_tally.n + 1;")
_SQLITE_TALLY_TRIGGERS = {
    "posting_skill_tally_ai": f"AFTER INSERT ON posting_skill BEGIN {_TALLY_UP.format(r='new')} END",
    "posting_skill_tally_ad": f"AFTER DELETE ON posting_skill BEGIN {_TALLY_DOWN.format(r='old')} END",
    "posting_skill_tally_au": ("AFTER UPDATE ON posting_skill BEGIN "
                               f"{_TALLY_DOWN.format(r='old')} {_TALLY_UP.format(r='new')} END"),
    "posting_skill_stage_au": ("AFTER UPDATE OF stage ON posting WHEN old.stage IS NOT new.stage BEGIN"
                               " UPDATE posting_skill SET stage = new.stage WHERE posting_id = new.id; END"),
}
# PostgreSQL: the same, as functions. Writers lock the tally rows they will change in one
# order (by key) first, so two transactions cannot deadlock on them.
_PG_TALLY = [
    "CREATE OR REPLACE FUNCTION jobloop_skill_tally() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    f" IF TG_OP <> 'INSERT' THEN {_TALLY_DOWN.format(r='OLD')} END IF;"
    f" IF TG_OP <> 'DELETE' THEN {_TALLY_UP.format(r='NEW')} END IF;"
    " RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS posting_skill_tally ON posting_skill",
    "CREATE TRIGGER posting_skill_tally AFTER INSERT OR UPDATE OR DELETE ON posting_skill FOR EACH ROW"
    " EXECUTE FUNCTION jobloop_skill_tally()",
    "CREATE OR REPLACE FUNCTION jobloop_posting_skill_stage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " PERFORM 1 FROM skill_tally WHERE stage IN (OLD.stage, NEW.stage) AND (skill, name) IN"
    " (SELECT skill, name FROM posting_skill WHERE posting_id = NEW.id) ORDER BY skill, name, stage FOR UPDATE;"
    " UPDATE posting_skill SET stage = NEW.stage WHERE posting_id = NEW.id; RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS posting_skill_stage ON posting",
    "CREATE TRIGGER posting_skill_stage AFTER UPDATE OF stage ON posting FOR EACH ROW"
    " WHEN (OLD.stage IS DISTINCT FROM NEW.stage) EXECUTE FUNCTION jobloop_posting_skill_stage()",
]


def install_skill_tally(db: Database) -> None:
    """Count posting_skill into skill_tally (one GROUP BY), then install the triggers."""
    db.execute_sql("DELETE FROM skill_tally")
    db.execute_sql("INSERT INTO skill_tally (skill, name, stage, n)"
                   " SELECT skill, name, stage, COUNT(*) FROM posting_skill GROUP BY skill, name, stage")
    if is_sqlite(db):
        for name, body in _SQLITE_TALLY_TRIGGERS.items():
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
            db.execute_sql(f"CREATE TRIGGER {name} {body}")
    else:
        for sql in _PG_TALLY:
            db.execute_sql(sql)


def _v10_posting_skills(db: Database) -> str | None:
    """The posting_skill table (one row per skill a posting asks for, by comparison key),
    filled from every stored posting's skills, so gaps are counted in SQL."""
    from .parsing.skills import keyed

    db.create_tables([models.PostingSkill], safe=True)
    models.PostingSkill.delete().execute()  # a step run again after a failed commit starts clean
    rows: list[dict] = []
    # Raw rows, narrow, in id order: no model instances, no descriptions.
    cursor = db.execute_sql("SELECT id, skills FROM posting WHERE skills IS NOT NULL AND skills <> '[]'"
                            " ORDER BY id")
    for posting_id, raw in cursor.fetchall():
        try:
            names = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            continue  # a hand-edited store's broken list: no skills, as the old count read it
        if not isinstance(names, list):
            continue
        rows += [{"posting": posting_id, "skill": k, "name": name} for k, name in keyed(names)]
        if len(rows) >= 1000:
            models.PostingSkill.insert_many(rows).execute()
            rows = []
    if rows:
        models.PostingSkill.insert_many(rows).execute()
    return None


def _v11_companies(db: Database) -> str | None:
    """Companies as employers: a name key, the careers host, merges and notes on `company`;
    the other addresses of a posting (posting_url) and target companies (target). Existing
    companies get their key and host; names of one employer ("Acme", "ACME Inc.") point at the
    first of them. Names, postings and contacts keep their values."""
    from .parsing.identity import careers_brand, company_key

    existing = {c.name for c in db.get_columns("company")}
    # Plain ADD COLUMN on both stores: playhouse's SQLite path rebuilds the table, which the
    # search triggers (they read company) do not survive.
    for name, ddl in (("key", "VARCHAR(255)"), ("host", "VARCHAR(255)"), ("merged_into", "INTEGER"),
                      ("notes", "TEXT NOT NULL DEFAULT ''")):
        if name not in existing:
            db.execute_sql(f"ALTER TABLE company ADD COLUMN {name} {ddl}")
    for name in ("key", "host", "merged_into"):
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS company_{name} ON company ({name})")
    db.create_tables(models.COMPANY_MODELS, safe=True)
    # (This step once made an index on posting (stage, skills) for the fit's count of rejections;
    # the fit reads skill_tally since, and v14 drops the index from stores that have it.)
    p = db.param
    hosts: dict[int, str] = {}
    for company_id, url in db.execute_sql("SELECT company_id, url FROM posting WHERE company_id IS NOT NULL"
                                          " ORDER BY id").fetchall():
        brand = company_id not in hosts and careers_brand(url)
        if brand:
            hosts[company_id] = brand
    first: dict[str, int] = {}
    grouped = 0
    for company_id, name in db.execute_sql("SELECT id, name FROM company ORDER BY id").fetchall():
        key = company_key(name) or None
        head = first.setdefault(key, company_id) if key else company_id
        grouped += head != company_id
        db.execute_sql(f"UPDATE company SET key = {p}, host = {p}, merged_into = {p} WHERE id = {p}",
                       (key, hosts.get(company_id), head if head != company_id else None, company_id))
    return f"{grouped} company names were found to name an employer already known (same name key)" if grouped else None


def _v12_documents(db: Database) -> str | None:
    """Documents sent with applications: their versions and where each went (new tables only)."""
    db.create_tables(models.DOCUMENT_MODELS, safe=True)
    return None


def _v13_skill_tallies(db: Database) -> str | None:
    """posting_skill rebuilt with each posting's stage and a row per skill family it touches,
    and skill_tally counting it, both kept by triggers: gaps read the tallies instead of
    joining every posting (the v10 table had neither)."""
    from .parsing.skills import posting_rows

    db.execute_sql("DROP TABLE IF EXISTS posting_skill")  # derived data: rebuilt whole
    db.create_tables([models.PostingSkill, models.SkillTally], safe=True)
    rows: list[dict] = []
    # Raw rows, narrow, in id order: no model instances, no descriptions.
    cursor = db.execute_sql("SELECT id, skills, stage FROM posting WHERE skills IS NOT NULL AND skills <> '[]'"
                            " ORDER BY id")
    for posting_id, raw, stage in cursor.fetchall():
        try:
            names = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            continue  # a hand-edited store's broken list: no skills, as the old count read it
        if not isinstance(names, list):
            continue
        rows += [{"posting": posting_id, "skill": k, "name": name, "stage": stage}
                 for k, name in posting_rows(names)]
        if len(rows) >= 1000:
            models.PostingSkill.insert_many(rows).execute()
            rows = []
    if rows:
        models.PostingSkill.insert_many(rows).execute()
    install_skill_tally(db)  # counted once, before its triggers exist
    return None


def _v14_drop_fit_index(db: Database) -> str | None:
    """The fit counts the skills the user's rejections asked for from skill_tally (v13) now, so
    the v11 index on posting (stage, skills) only cost every write a copy of the skills list."""
    db.execute_sql("DROP INDEX IF EXISTS posting_stage_skills")
    return None


# ---- posting stories (each posting's stage history summed up, and counted) ---------------------
# Triggers keep posting_story equal to what _story_select() reads for every posting, and
# story_tally equal to
#   SELECT <_STORY_KEY of r>, COUNT(*) FROM posting_story r GROUP BY <_STORY_KEY>
# whichever code writes events or postings (a stage change, an edited date, a delete, a bulk
# change, an import), so insights count a few hundred tally rows instead of every event.
# A tally that falls to 0 stays as a row with n = 0 (readers skip them).

STORY_COLUMNS = ("posting_id", "host", "explicit_at", "applied_at", "response_at", "interviewed", "offered",
                 "moved_at", "wait_us", "stage", "reached")
STORY_KINDS = "('stage', 'interview')"  # the events a story is read from


def _stage_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)  # stage names are constants (stages.py), never user input


def host_sql(sqlite: bool) -> str:
    """The host part of p.canonical_url, in SQL (what follows "://" up to the first "/"); NULL
    without "://". services/insights.py names the job site from it (parsing/job_site.py)."""
    if sqlite:
        rest = "substr(p.canonical_url, instr(p.canonical_url, '://') + 3)"
        return (f"CASE WHEN instr(p.canonical_url, '://') = 0 THEN NULL WHEN instr({rest}, '/') > 0"
                f" THEN substr({rest}, 1, instr({rest}, '/') - 1) ELSE {rest} END")
    return ("CASE WHEN strpos(p.canonical_url, '://') = 0 THEN NULL"
            " ELSE split_part(substr(p.canonical_url, strpos(p.canonical_url, '://') + 3), '/', 1) END")


def _micros(column: str) -> str:
    """SQLite: a stored timestamp ("YYYY-MM-DD HH:MM:SS[.ffffff]") in whole microseconds since
    1970, exactly: strftime reads only the seconds (it rounds a fraction to milliseconds, which
    can carry into the next second); the fraction is read as text."""
    return (f"(CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER) * 1000000 + CASE WHEN substr({column}, 20, 1)"
            f" = '.' THEN CAST(substr(substr({column}, 21) || '000000', 1, 6) AS INTEGER) ELSE 0 END)")


def _story_select(sqlite: bool, posting_id: str | None = None) -> str:
    """posting_story's rows (STORY_COLUMNS) read from the events: every posting's, or one's.
    The definitions are services/insights.py's."""
    stage = "e.kind = 'stage' AND e.to_stage"
    only = f"AND e.posting_id = {posting_id}" if posting_id else ""
    history = f"""SELECT e.posting_id AS posting_id,
      MIN(CASE WHEN {stage} = 'applied' THEN e.at END) AS explicit_at,
      MIN(CASE WHEN {stage} IN ({_stage_list(stages.APPLIED)}) THEN e.at END) AS any_applied_at,
      MIN(CASE WHEN {stage} IN ({_stage_list(stages.RESPONDED)}) THEN e.at END) AS response_at,
      MAX(CASE WHEN ({stage} IN ({_stage_list(stages.INTERVIEWED)})) OR e.kind = 'interview' THEN 1 ELSE 0 END)
        AS interviewed,
      MAX(CASE WHEN {stage} IN ({_stage_list(stages.OFFERED)}) THEN 1 ELSE 0 END) AS offered,
      MIN(CASE WHEN {stage} = 'interviewing' THEN e.at END) AS interviewing_at,
      SUM(CASE WHEN e.kind = 'interview' THEN 1 ELSE 0 END) AS interviews
    FROM event e WHERE e.kind IN {STORY_KINDS} {only} GROUP BY e.posting_id"""
    wait = (f"({_micros('h.response_at')} - {_micros('h.explicit_at')})" if sqlite
            else "CAST(EXTRACT(EPOCH FROM (h.response_at - h.explicit_at)) * 1000000 AS BIGINT)")
    progress = stages.FORWARD[:-1]
    order = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(progress))
    ends = _stage_list(stages.ENDINGS)
    # The furthest step reached before the (latest) move to the ending; all of them without one.
    ending_at = ("(SELECT MAX(x.at) FROM event x WHERE x.posting_id = p.id AND x.kind = 'stage'"
                 " AND x.to_stage = p.stage)")
    reached = (f"(SELECT MAX(CASE r.to_stage {order} END) FROM event r WHERE r.posting_id = p.id"
               f" AND r.kind = 'stage' AND r.to_stage IN ({_stage_list(progress)}) AND r.at <= COALESCE({ending_at}, r.at))")
    return f"""SELECT p.id, COALESCE({host_sql(sqlite)}, ''), h.explicit_at, COALESCE(h.explicit_at, h.any_applied_at),
      h.response_at, COALESCE(h.interviewed, 0), COALESCE(h.offered, 0),
      CASE WHEN COALESCE(h.interviews, 0) = 0 THEN h.interviewing_at END,
      CASE WHEN {wait} >= 0 THEN {wait} END,
      COALESCE(p.stage, ''),
      CASE WHEN p.stage IN ({ends}) THEN COALESCE({reached}, -1) ELSE -1 END
    FROM posting p LEFT JOIN ({history}) h ON h.posting_id = p.id
    WHERE {f"p.id = {posting_id}" if posting_id else "1 = 1"}"""


def _story_upsert(sqlite: bool, posting_id: str) -> str:
    """Read one posting's story again (nothing when the posting is gone)."""
    return (f"INSERT INTO posting_story ({', '.join(STORY_COLUMNS)}) {_story_select(sqlite, posting_id)}"
            " ON CONFLICT (posting_id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in STORY_COLUMNS[1:]))


# A reflection that holds feedback (more than white space), and the date it counts on: the
# expressions of an index (v15) that insights' queries must spell the same to be answered by it.
HAS_FEEDBACK = "TRIM(REPLACE(REPLACE(REPLACE(feedback, '\n', ' '), '\r', ' '), '\t', ' ')) <> ''"
FEEDBACK_DATE = "COALESCE(written_at, created_at)"


# story_tally's key, from a posting_story row {r}.
_STORY_KEY = (("host", "{r}.host"), ("applied", "CASE WHEN {r}.applied_at IS NULL THEN 0 ELSE 1 END"),
              ("response", "CASE WHEN {r}.response_at IS NULL THEN 0 ELSE 1 END"), ("interviewed", "{r}.interviewed"),
              ("offered", "{r}.offered"), ("moved", "CASE WHEN {r}.moved_at IS NULL THEN 0 ELSE 1 END"),
              ("waited", "CASE WHEN {r}.wait_us IS NULL THEN 0 ELSE 1 END"), ("stage", "{r}.stage"),
              ("reached", "{r}.reached"))
_STORY_KEYS = ", ".join(k for k, _ in _STORY_KEY)


def _story_key(r: str) -> str:
    return ", ".join(expr.format(r=r) for _, expr in _STORY_KEY)


def _story_tally_down(r: str) -> str:
    return ("UPDATE story_tally SET n = n - 1 WHERE "
            + " AND ".join(f"{k} = {expr.format(r=r)}" for k, expr in _STORY_KEY) + ";")


def _story_tally_up(r: str) -> str:
    return (f"INSERT INTO story_tally ({_STORY_KEYS}, n) VALUES ({_story_key(r)}, 1)"
            f" ON CONFLICT ({_STORY_KEYS}) DO UPDATE SET n = story_tally.n + 1;")


def _sqlite_story_triggers() -> dict[str, str]:
    up, down = _story_tally_up, _story_tally_down
    return {
        "posting_story_tally_ai": f"AFTER INSERT ON posting_story BEGIN {up('new')} END",
        "posting_story_tally_ad": f"AFTER DELETE ON posting_story BEGIN {down('old')} END",
        "posting_story_tally_au": f"AFTER UPDATE ON posting_story BEGIN {down('old')} {up('new')} END",
        "posting_story_event_ai": (f"AFTER INSERT ON event WHEN new.kind IN {STORY_KINDS}"
                                   f" BEGIN {_story_upsert(True, 'new.posting_id')}; END"),
        "posting_story_event_ad": (f"AFTER DELETE ON event WHEN old.kind IN {STORY_KINDS}"
                                   f" BEGIN {_story_upsert(True, 'old.posting_id')}; END"),
        "posting_story_event_au": (f"AFTER UPDATE OF posting_id, kind, to_stage, at ON event"
                                   f" WHEN old.kind IN {STORY_KINDS} OR new.kind IN {STORY_KINDS}"
                                   f" BEGIN {_story_upsert(True, 'old.posting_id')}; {_story_upsert(True, 'new.posting_id')}; END"),
        "posting_story_posting_ai": f"AFTER INSERT ON posting BEGIN {_story_upsert(True, 'new.id')}; END",
        "posting_story_posting_au": ("AFTER UPDATE OF stage, canonical_url ON posting WHEN old.stage IS NOT new.stage"
                                     " OR old.canonical_url IS NOT new.canonical_url"
                                     f" BEGIN {_story_upsert(True, 'new.id')}; END"),
        "posting_story_posting_ad": "AFTER DELETE ON posting BEGIN DELETE FROM posting_story WHERE posting_id = old.id; END",
    }


# PostgreSQL: posting stories are read again at commit (deferred constraint triggers), after the
# writer has locked the data version's row, which every writer locks at commit anyway
# (install_data_version); the tallies follow from there. Written as each row changed, a story
# row was locked by an event insert before its writer held the posting (pipeline inserts the
# event, then holds the posting to settle its stage), and hot tally rows (one per stage and site)
# were held from the middle of transactions: parallel bulk and single stage changes deadlocked
# (503s). At commit a writer already holds every posting it needs, and story and tally rows are
# only written under the data version's lock, so no cycle can form through them. Each deferred
# call reads the posting's final state, so repeated or reordered calls agree.
STORY_DEFERRED = ("posting_story_event_insert", "posting_story_event_delete", "posting_story_event_update",
                  "posting_story_posting", "posting_story_posting_update")


def _pg_story_triggers() -> list[str]:
    lock = f" PERFORM 1 FROM {DATA_VERSION_TABLE} FOR UPDATE;"
    deferred = "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
    return [
        "CREATE OR REPLACE FUNCTION jobloop_posting_story(pid BIGINT) RETURNS void LANGUAGE sql AS $$ "
        f"{_story_upsert(False, 'pid')};"
        " DELETE FROM posting_story WHERE posting_id = pid AND NOT EXISTS (SELECT 1 FROM posting WHERE id = pid) $$",
        "CREATE OR REPLACE FUNCTION jobloop_story_tally() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP <> 'INSERT' THEN {_story_tally_down('OLD')} END IF;"
        f" IF TG_OP <> 'DELETE' THEN {_story_tally_up('NEW')} END IF;"
        " RETURN NULL; END $$",
        "DROP TRIGGER IF EXISTS posting_story_tally ON posting_story",
        "CREATE TRIGGER posting_story_tally AFTER INSERT OR UPDATE OR DELETE ON posting_story FOR EACH ROW"
        " EXECUTE FUNCTION jobloop_story_tally()",
        f"CREATE OR REPLACE FUNCTION jobloop_story_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN{lock}"
        " IF TG_OP <> 'INSERT' THEN PERFORM jobloop_posting_story(OLD.posting_id); END IF;"
        " IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.posting_id <> OLD.posting_id) THEN"
        " PERFORM jobloop_posting_story(NEW.posting_id); END IF; RETURN NULL; END $$",
        "DROP TRIGGER IF EXISTS posting_story_event_insert ON event",
        f"CREATE CONSTRAINT TRIGGER posting_story_event_insert AFTER INSERT ON event {deferred}"
        f" WHEN (NEW.kind IN {STORY_KINDS}) EXECUTE FUNCTION jobloop_story_event()",
        "DROP TRIGGER IF EXISTS posting_story_event_delete ON event",
        f"CREATE CONSTRAINT TRIGGER posting_story_event_delete AFTER DELETE ON event {deferred}"
        f" WHEN (OLD.kind IN {STORY_KINDS}) EXECUTE FUNCTION jobloop_story_event()",
        "DROP TRIGGER IF EXISTS posting_story_event_update ON event",
        f"CREATE CONSTRAINT TRIGGER posting_story_event_update AFTER UPDATE OF posting_id, kind, to_stage, at ON event"
        f" {deferred} WHEN (OLD.kind IN {STORY_KINDS} OR NEW.kind IN {STORY_KINDS})"
        " EXECUTE FUNCTION jobloop_story_event()",
        f"CREATE OR REPLACE FUNCTION jobloop_story_posting() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN{lock}"
        " IF TG_OP = 'DELETE' THEN PERFORM jobloop_posting_story(OLD.id);"
        " ELSE PERFORM jobloop_posting_story(NEW.id); END IF; RETURN NULL; END $$",
        "DROP TRIGGER IF EXISTS posting_story_posting ON posting",
        f"CREATE CONSTRAINT TRIGGER posting_story_posting AFTER INSERT OR DELETE ON posting {deferred}"
        " EXECUTE FUNCTION jobloop_story_posting()",
        "DROP TRIGGER IF EXISTS posting_story_posting_update ON posting",
        f"CREATE CONSTRAINT TRIGGER posting_story_posting_update AFTER UPDATE OF stage, canonical_url ON posting"
        f" {deferred} WHEN (OLD.stage IS DISTINCT FROM NEW.stage OR OLD.canonical_url IS DISTINCT FROM NEW.canonical_url)"
        " EXECUTE FUNCTION jobloop_story_posting()",
    ]


def install_posting_stories(db: Database) -> None:
    """Read every posting's story and count them (one pass each), then install the triggers.
    Triggers already there (the step run again) are dropped first: they would count twice."""
    sqlite = is_sqlite(db)
    pg = [] if sqlite else _pg_story_triggers()
    if sqlite:
        for name in _sqlite_story_triggers():
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for sql in pg:
            if sql.startswith("DROP TRIGGER"):
                db.execute_sql(sql)
    db.execute_sql("DELETE FROM story_tally")
    db.execute_sql("DELETE FROM posting_story")
    db.execute_sql(f"INSERT INTO posting_story ({', '.join(STORY_COLUMNS)}) {_story_select(sqlite)}")
    positions = ", ".join(str(i + 1) for i in range(len(_STORY_KEY)))
    db.execute_sql(f"INSERT INTO story_tally ({_STORY_KEYS}, n)"
                   f" SELECT {_story_key('r')}, COUNT(*) FROM posting_story r GROUP BY {positions}")
    if sqlite:
        for name, body in _sqlite_story_triggers().items():
            db.execute_sql(f"CREATE TRIGGER {name} {body}")
    else:
        for sql in pg:
            if not sql.startswith("DROP TRIGGER"):
                db.execute_sql(sql)


def _v15_posting_stories(db: Database) -> str | None:
    """posting_story (each posting's stage history summed up) and story_tally (those counted),
    kept by triggers: insights read the tallies instead of every event; an index on whether a
    reflection holds feedback and the date it counts on (data unchanged)."""
    db.create_tables([models.PostingStory, models.StoryTally], safe=True)
    install_posting_stories(db)  # read once, before its triggers exist
    # Insights' feedback received: counted from this index alone, all time and by week.
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS reflection_feedback_dated ON reflection (({HAS_FEEDBACK}), ({FEEDBACK_DATE}))")
    return None


PAGE_INDEXES = (
    # Reflections due (not written, cool-down over), soonest first, and how many: a range, in order.
    ("reflection_written_due", "reflection", "written_at, due_at"),
    # Every reflection, latest due first (the API's list): walked in order, stopped at its limit.
    ("reflection_due_at", "reflection", "due_at"),
    # Open follow-ups a snooze keeps off the list now (the dashboard's count).
    ("follow_up_status_snoozed", "follow_up", "status, snoozed_until"),
    # Open follow-ups to act on now (the dashboard's and follow-ups page's count): every column
    # the test reads, so only the few "within" ones read their event.
    ("follow_up_open_steps", "follow_up", "status, kind, due_at, snoozed_until, posting_id, source_event_id"),
    # A posting's next action (the sort key a trigger keeps, DERIVED_SORT_KEYS): its own open
    # follow-ups, from this index alone. Without it SQLite answered from the covering index
    # above by status alone, a walk of every open follow-up per write: a 50,000-row import
    # slowed from 11 s to 61 s.
    ("follow_up_posting_open", "follow_up", "posting_id, status, due_at, snoozed_until"),
    # The table sorted by salary (per year) walks this index in order: no row read but the page's.
    ("posting_salary_per_year", "posting", models.SALARY_PER_YEAR),
    # The table filtered by stage, remote and job site (a range of URLs) counts from this index alone.
    ("posting_stage_remote_url", "posting", "stage, remote, canonical_url"),
)


# ---- sort keys kept on the posting row ----------------------------------------------------
# posting.applied_at (its first "applied" stage event) and posting.next_action_at (its soonest
# open follow-up; a snoozed one at the end of its snooze) are derived, kept by triggers on event
# and follow_up whichever code writes, so the table sorts by them from an index instead of
# asking every posting's timeline. Not model fields: nothing writes them but the triggers, and
# exports leave them out (an import recomputes them as its events and follow-ups go in).
DERIVED_SORT_KEYS = {
    "applied_at": ("event", "SELECT MIN(at) FROM event WHERE posting_id = {id} AND kind = 'stage' AND to_stage = 'applied'",
                   "{r}.kind = 'stage' AND {r}.to_stage = 'applied'", "posting_id, kind, to_stage, at"),
    "next_action_at": ("follow_up", "SELECT MIN(CASE WHEN snoozed_until > due_at THEN snoozed_until ELSE due_at END)"
                       " FROM follow_up WHERE posting_id = {id} AND status = 'open'",
                       "{r}.status = 'open' AND {r}.posting_id IS NOT NULL", "posting_id, status, due_at, snoozed_until"),
}


def _set_key(column: str, id_expr: str) -> str:
    table, value, _, _ = DERIVED_SORT_KEYS[column]
    return f"UPDATE posting SET {column} = ({value.format(id=id_expr)}) WHERE id = {id_expr};"


def install_sort_keys(db: Database) -> None:
    """The columns, their values for every posting, the triggers that keep them, their indexes."""
    existing = {c.name for c in db.get_columns("posting")}
    for column, (table, value, when, watched) in DERIVED_SORT_KEYS.items():
        if column not in existing:
            db.execute_sql(f"ALTER TABLE posting ADD COLUMN {column} {'DATETIME' if is_sqlite(db) else 'TIMESTAMP'}")
        # Only the postings that have one: rewriting every row would copy every description.
        db.execute_sql(f"UPDATE posting SET {column} = ({value.format(id='posting.id')})"
                       f" WHERE id IN (SELECT posting_id FROM {table} AS t WHERE {when.format(r='t')})")
        if is_sqlite(db):
            for op, body, cond in (
                    ("INSERT", _set_key(column, "new.posting_id"), when.format(r="new")),
                    ("DELETE", _set_key(column, "old.posting_id"), when.format(r="old")),
                    (f"UPDATE OF {watched}", _set_key(column, "old.posting_id") + " " + _set_key(column, "new.posting_id"),
                     f"({when.format(r='old')}) OR ({when.format(r='new')})")):
                name = f"{table}_{column}_{op.split()[0].lower()}"
                db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
                db.execute_sql(f"CREATE TRIGGER {name} AFTER {op} ON {table} WHEN {cond} BEGIN {body} END")
        else:
            function = f"jobloop_{column}"
            db.execute_sql(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" IF TG_OP <> 'INSERT' AND {when.format(r='OLD')} THEN {_set_key(column, 'OLD.posting_id')} END IF;"
                f" IF TG_OP <> 'DELETE' AND {when.format(r='NEW')} THEN {_set_key(column, 'NEW.posting_id')} END IF;"
                " RETURN NULL; END $$")
            db.execute_sql(f'DROP TRIGGER IF EXISTS {table}_{column} ON "{table}"')
            db.execute_sql(f'CREATE TRIGGER {table}_{column} AFTER INSERT OR DELETE OR UPDATE OF {watched}'
                           f' ON "{table}" FOR EACH ROW EXECUTE FUNCTION {function}()')
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS posting_{column} ON posting ({column})")


def _v16_page_reads(db: Database) -> str | None:
    """Indexes so the dashboard, reflections and the table's sorts read what they show, not
    the whole store; the table's date-applied and next-action sort keys kept on the posting
    (derived from the timeline and follow-ups, which keep their values)."""
    create_indexes(db, PAGE_INDEXES)
    install_sort_keys(db)
    return None


# Ordered: index + 1 is the version a step brings the store to. Append only.
MIGRATIONS: list[Callable[[Database], str | None]] = [
    _v1_initial, _v2_event_details, _v3_posting_search, _v4_list_indexes, _v5_repair_followup_sources,
    _v6_stage_by_pipeline_order, _v7_postgres_search, _v8_scale_indexes, _v9_tags_archive_bulk,
    _v10_posting_skills,
    _v11_companies,
    _v12_documents,
    _v13_skill_tallies,
    _v14_drop_fit_index,
    _v15_posting_stories,
    _v16_page_reads,
]
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(db: Database) -> int:
    if not db.table_exists("schema_version"):
        return 0
    row = db.execute_sql("SELECT version FROM schema_version").fetchone()
    return row[0] if row else 0


def check_version(db: Database) -> int:
    """The store's schema version; a store newer than this code is refused, naming both."""
    version = current_version(db)
    if version > SCHEMA_VERSION:
        from . import __version__

        raise StoreError(
            f"this store has schema version {version}, newer than jobloop {__version__} knows"
            f" (schema version {SCHEMA_VERSION}); use the newer jobloop that made it"
        )
    return version


def _broken_references(db: Database) -> list[tuple]:
    return [tuple(row) for row in db.execute_sql("PRAGMA foreign_key_check").fetchall()]


# Any fixed number: servers sharing one PostgreSQL take this advisory lock around migrating.
MIGRATION_LOCK = 0x6A6F626C6F6F70  # "jobloop"


def migrate(db: Database, target: int | None = None,
            report: Callable[[str], None] | None = None) -> int:
    """Run every step above the store's version, each in a transaction. Steps that have
    something to say (a repair) say it through `report` (default: the log).

    Servers started together on one PostgreSQL migrate one at a time: each waits for the
    advisory lock, then finds the store at whatever version the one before left it. (On
    SQLite each step's transaction takes the write lock, which does the same.)"""
    if not isinstance(db, PostgresqlDatabase):
        return _migrate(db, target, report)
    db.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        return _migrate(db, target, report)
    finally:
        db.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def _migrate(db: Database, target: int | None, report: Callable[[str], None] | None) -> int:
    target = SCHEMA_VERSION if target is None else target
    report = report or log.warning
    version = check_version(db)
    if not db.table_exists("schema_version"):
        db.execute_sql("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute_sql("INSERT INTO schema_version (version) VALUES (0)")
    sqlite = is_sqlite(db)
    # Foreign keys are switched off on the connection each step runs on: on SQLite, its own
    # (db.SqliteStore would hand the transaction to the writers' shared connection).
    with getattr(db, "own_connection", nullcontext)():
        return _steps(db, version, target, sqlite, report)


def _steps(db: Database, version: int, target: int, sqlite: bool, report: Callable[[str], None]) -> int:
    while version < target:
        if sqlite:
            db.execute_sql("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: so, before it
        try:
            with db.atomic():
                if not sqlite:
                    # The triggers that wait for commit (the data version, the posting stories) fire
                    # at each statement here: a step that fills rows and then indexes their table
                    # would otherwise be refused ("pending trigger events"). No writer runs alongside.
                    db.execute_sql("SET CONSTRAINTS ALL IMMEDIATE")
                # Only what the step breaks counts: an old store's own dangling rows must not lock it out.
                before = set(_broken_references(db)) if sqlite else set()
                note = MIGRATIONS[version](db)
                if sqlite:
                    broken = [row for row in _broken_references(db) if row not in before]
                    if broken:
                        table, rowid, parent, _ = broken[0]
                        raise StoreError(f"schema step {version + 1} would leave {len(broken)} broken references"
                                         f" (first: {table} row {rowid} -> {parent}); nothing was changed")
                version += 1
                db.execute_sql("UPDATE schema_version SET version = %s" % int(version))
        finally:
            if sqlite:
                db.execute_sql("PRAGMA foreign_keys = ON")
        if note:
            report(f"schema v{version}: {note}")
    return version
