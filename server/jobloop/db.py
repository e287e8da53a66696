"""Database binding and pragmas (the schema steps are in migrations.py).

The store is chosen in one place, `open_database`: the SQLite file in the data
dir by default, or whatever DATABASE_URL names (PostgreSQL works through
playhouse.db_url).
"""
from __future__ import annotations

from peewee import Database, DatabaseProxy, SqliteDatabase
from playhouse.db_url import connect as connect_url

from .config import Config

database = DatabaseProxy()

# Writers queue instead of failing. A deferred transaction that reads and then writes
# cannot wait for the lock when another writer got there first (SQLite answers "database
# is locked" at once), so every transaction starts IMMEDIATE: it takes the write lock
# up front and waits up to BUSY_TIMEOUT_S for it. Readers never block (WAL).
BUSY_TIMEOUT_S = 30
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_S * 1000,
    "synchronous": "normal",
}


def open_database(config: Config) -> Database:
    if config.database_url:
        db = connect_url(config.database_url)
    else:
        config.data_dir.mkdir(parents=True, exist_ok=True)
        db = SqliteDatabase(str(config.sqlite_path), pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S,
                            lock_type="IMMEDIATE")
    database.initialize(db)
    return db


def is_sqlite(db: Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, SqliteDatabase)
