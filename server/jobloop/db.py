"""Database binding, pragmas and schema migrations.

The store is chosen in one place, `open_database`: the SQLite file in the data
dir by default, or whatever DATABASE_URL names (PostgreSQL works through
playhouse.db_url). Migrations are ordered steps; the schema version lives in
its own table so an old database is upgraded on start without losing rows.
"""
from __future__ import annotations

from typing import Callable

from peewee import Database, DatabaseProxy, SqliteDatabase
from playhouse.db_url import connect as connect_url
from playhouse.migrate import SchemaMigrator, migrate as run_migrations

from .config import Config

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}


def open_database(config: Config) -> Database:
    if config.database_url:
        db = connect_url(config.database_url)
    else:
        config.data_dir.mkdir(parents=True, exist_ok=True)
        db = SqliteDatabase(str(config.sqlite_path), pragmas=SQLITE_PRAGMAS)
    database.initialize(db)
    return db


def is_sqlite(db: Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, SqliteDatabase)


# ---- migrations -------------------------------------------------------------

def _v1_initial(db: Database) -> None:
    from . import models

    db.create_tables(models.V1_MODELS, safe=True)


def _v2_event_details(db: Database) -> None:
    """Interviews and contact touch-points are events that carry a little more."""
    from . import models

    existing = {c.name for c in db.get_columns("event")}
    migrator = SchemaMigrator.from_database(db)
    ops = []
    if "details" not in existing:
        ops.append(migrator.add_column("event", "details", models.Event.details))
    if ops:
        run_migrations(*ops)
    db.create_tables(models.V2_MODELS, safe=True)


def _v3_posting_search(db: Database) -> None:
    """Full-text search over postings (SQLite FTS5; other stores search with LIKE),
    and the indexes that keep the board, table and dashboard fast at 10,000 postings."""
    from .services import search

    for name, columns in (("posting_updated_at", "updated_at"), ("posting_stage_changed_at", "stage, stage_changed_at"),
                          ("posting_moved_at", "stage_changed_at"), ("posting_source_site", "source_site")):
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} ON posting ({columns})")
    search.install_fts(db)


def _v4_stage_by_pipeline_order(db: Database) -> None:
    """The current stage became the furthest one reached (jobloop/stages.py) instead of the
    latest by date: re-read each posting's cached stage from its timeline. Data only."""
    from . import models, stages

    timelines: dict[int, list] = {}
    query = (models.Event.select(models.Event.id, models.Event.posting, models.Event.to_stage, models.Event.at)
             .where(models.Event.kind == "stage").order_by(models.Event.posting, models.Event.at, models.Event.id))
    for event in query:
        timelines.setdefault(event.posting_id, []).append(event)
    for posting in models.Posting.select(models.Posting.id, models.Posting.stage, models.Posting.stage_changed_at):
        decider = stages.deciding_event(timelines.get(posting.id, []))
        if decider is not None and (decider.to_stage, decider.at) != (posting.stage, posting.stage_changed_at):
            (models.Posting.update(stage=decider.to_stage, stage_changed_at=decider.at)
             .where(models.Posting.id == posting.id).execute())


# Ordered: index + 1 is the version a step brings the database to.
MIGRATIONS: list[Callable[[Database], None]] = [_v1_initial, _v2_event_details, _v3_posting_search,
                                                _v4_stage_by_pipeline_order]
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(db: Database) -> int:
    if not db.table_exists("schema_version"):
        return 0
    row = db.execute_sql("SELECT version FROM schema_version").fetchone()
    return row[0] if row else 0


def migrate(db: Database, target: int | None = None) -> int:
    """Run every step above the database's version, each in a transaction."""
    target = SCHEMA_VERSION if target is None else target
    if not db.table_exists("schema_version"):
        db.execute_sql("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute_sql("INSERT INTO schema_version (version) VALUES (0)")
    version = current_version(db)
    while version < target:
        with db.atomic():
            MIGRATIONS[version](db)
            version += 1
            db.execute_sql("UPDATE schema_version SET version = %s" % int(version))
    return version
