"""Database binding and pragmas (the schema steps are in migrations.py).

The store is chosen in one place, `open_database`: the SQLite file in the data
dir by default, or whatever DATABASE_URL names (PostgreSQL works through
playhouse.db_url).
"""
from __future__ import annotations

import os
import threading

from peewee import Database, DatabaseProxy, OperationalError, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect as connect_url

from .config import Config, private_dir

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


class SqliteStore(SqliteDatabase):
    """SQLite whose write transactions queue on one lock per process before BEGIN IMMEDIATE.

    Without it, a server thread that finds the file's write lock taken sleeps in SQLite's
    busy handler (1, 2, 5 ... up to 100 ms a try) and wakes late or not at all before the
    next writer: 50 captures at once went slower on 8 threads than on one. Queued on this
    lock, the next writer starts the moment the last one ends. It only orders the writers
    of this process: SQLite's own lock still guards the file (other processes, and any write
    outside a transaction, wait on it as before). Reads (WAL, DEFERRED) never take it.
    PostgreSQL has row locks and real parallel writers, so it has no such lock."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writer = threading.Lock()
        self._holds = threading.local()  # .writer: this thread's transaction holds the lock

    def begin(self, lock_type=None):
        if (lock_type or self._lock_type or "").upper() not in ("IMMEDIATE", "EXCLUSIVE"):
            return super().begin(lock_type)
        if not getattr(self._holds, "writer", False):  # held already: a transaction whose end was missed
            if not self._writer.acquire(timeout=BUSY_TIMEOUT_S):
                raise OperationalError("database is locked")  # what SQLite says after its own wait
            self._holds.writer = True
        try:
            super().begin(lock_type)
        except BaseException:
            self._release_writer()
            raise

    def commit(self):
        try:
            super().commit()
        finally:
            self._release_writer()  # a failed commit is rolled back next; SQLite's lock covers the gap

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._release_writer()

    def dispose(self):
        self._release_writer()  # the connection is forgotten with whatever transaction it had (_drop)
        super().dispose()

    def _release_writer(self):
        if getattr(self._holds, "writer", False):
            self._holds.writer = False
            self._writer.release()


def open_database(config: Config) -> Database:
    if config.database_url:
        db = connect_url(config.database_url)
    else:
        private_store(config)
        db = SqliteStore(str(config.sqlite_path), pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S,
                         lock_type="IMMEDIATE")
    database.initialize(db)
    return db


def private_store(config: Config) -> None:
    """Data dir 0700, store file 0600, made so before SQLite first opens it (SQLite gives
    its -wal and -shm files the store's mode)."""
    private_dir(config.data_dir)
    path = config.sqlite_path
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if part.exists():
            part.chmod(0o600)


def request_connection(db: Database | None = None) -> None:
    """The calling thread's connection for a request: the one it kept from its last request,
    or a new one when it has none or the store ended it (a PostgreSQL server restarted)."""
    db = db or database.obj
    if not db.is_closed() and not db.in_transaction() and not db.is_connection_usable():
        _drop(db)  # lost or in an error state (PostgreSQL): connect again below
    db.connect(reuse_if_open=True)


def end_request(db: Database | None = None, *, drop: bool = False) -> None:
    """After a request the thread keeps its connection, but never a transaction: every write
    runs in atomic(), which ends it; one left open (a bug) is rolled back and the connection
    closed, so the next request on this thread starts clean. `drop`: close it anyway (the
    request met a store fault)."""
    db = db or database.obj
    if drop and not db.is_closed() and not db.in_transaction():
        _drop(db)
    if not db.is_closed() and db.in_transaction():
        try:
            db.rollback()
        finally:
            _drop(db)  # the connection goes with the transaction's state


def _drop(db: Database) -> None:
    conn = db._state.conn
    db.dispose()  # forgets the thread's connection and its transaction stack
    try:
        conn.close()
    except Exception:  # noqa: BLE001  (a connection the server already ended may not close cleanly)
        pass


def is_sqlite(db: Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, SqliteDatabase)


def plain_sql(sql: str) -> str:
    """`sql` written with `?` placeholders, as this store takes them (`%s` on PostgreSQL)."""
    return sql if is_sqlite() else sql.replace("?", database.param)


def rows(sql: str, params=()) -> list[tuple]:
    """The rows of `sql` (`?` placeholders) as plain tuples: for hot, narrow reads, where
    building the query with peewee and a model instance per row costs more than the query."""
    return database.execute_sql(plain_sql(sql), tuple(params)).fetchall()


def marks(values) -> str:
    """One `?` per value, for `IN (...)`."""
    return ", ".join("?" * len(values))


def read_transaction(db: Database | None = None):
    """One consistent moment for a multi-table read (an export): on SQLite a deferred
    transaction, whose WAL snapshot is fixed at its first read and takes no write lock;
    on PostgreSQL REPEATABLE READ."""
    db = db or database.obj
    if is_sqlite(db):
        return db.atomic(lock_type="DEFERRED")
    if isinstance(db, PostgresqlDatabase):
        return db.atomic(isolation_level="REPEATABLE READ")
    return db.atomic()


def move_sequences(models, db: Database | None = None) -> None:
    """After rows were written with explicit ids (an import), make each table's next id
    follow its largest. PostgreSQL's id sequences do not see explicit ids and would hand
    out 1 again (a duplicate key); SQLite always takes max(rowid) + 1, so has nothing to do."""
    db = db or database.obj
    if not isinstance(db, PostgresqlDatabase):
        return
    for model in models:
        table = model._meta.table_name
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL)"
            f' FROM "{table}"')
