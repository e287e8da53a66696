"""Database binding and pragmas (the schema steps are in migrations.py).

The store is chosen in one place, `open_database`: the SQLite file in the data
dir by default, or whatever DATABASE_URL names (PostgreSQL works through
playhouse.db_url).
"""
from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager

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
    "temp_store": "memory",
}


class SqliteStore(SqliteDatabase):
    """SQLite whose write transactions queue on one lock per process before BEGIN IMMEDIATE.

    Without it, a server thread that finds the file's write lock taken sleeps in SQLite's
    busy handler (1, 2, 5 ... up to 100 ms a try) and wakes late or not at all before the
    next writer: 50 captures at once went slower on 8 threads than on one. Queued on this
    lock, the next writer starts the moment the last one ends. It only orders the writers
    of this process: SQLite's own lock still guards the file (other processes, and any write
    outside a transaction, wait on it as before). Reads (WAL, DEFERRED) never take it.
    PostgreSQL has row locks and real parallel writers, so it has no such lock.

    The write transactions also share one connection, the writer's, which the lock hands
    from thread to thread. SQLite drops a connection's whole page cache whenever another
    connection has changed the file, so on each thread's own connection every write began
    by reading its pages again (60 reads from the file a capture under parallel clips,
    against 3 on one thread); the writer's connection made the last change and keeps them.
    Reads outside transactions stay on each thread's own connection."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writer = threading.Lock()
        self._holds = threading.local()  # .writer: this thread holds the lock; .own: its connection meanwhile
        self._writer_conn = None  # guarded by _writer
        self.writer_stale = False  # set after a store fault: the writer's connection is opened again

    def begin(self, lock_type=None):
        self._holds.ended = False
        if (lock_type or self._lock_type or "").upper() not in ("IMMEDIATE", "EXCLUSIVE"):
            return super().begin(lock_type)
        if not getattr(self._holds, "writer", False):  # held already: a transaction whose end was missed
            if not self._writer.acquire(timeout=BUSY_TIMEOUT_S):
                raise OperationalError("database is locked")  # what SQLite says after its own wait
            self._holds.writer = True
            try:
                if not getattr(self._holds, "pinned", False):
                    self._to_writer_connection()
            except BaseException:
                self._release_writer()
                raise
        try:
            super().begin(lock_type)
        except BaseException:
            self._release_writer()
            raise

    def commit(self):
        try:
            super().commit()
        except BaseException:
            # A failed COMMIT (a full disk) leaves its transaction open: roll it back here, on the
            # writer's connection, before another thread gets that connection.
            self._end_failed_commit()
            raise
        self._release_writer()

    def rollback(self):
        if getattr(self._holds, "ended", False):  # the failed commit's rollback, done already
            self._holds.ended = False
            return None
        try:
            super().rollback()
        finally:
            self._release_writer()

    def _end_failed_commit(self):
        if not getattr(self._holds, "writer", False):
            return
        try:
            self._state.conn.execute("ROLLBACK")
        except Exception:  # noqa: BLE001  (nothing left open, or the connection is gone)
            self.writer_stale = True  # closing it ends whatever it holds
        self._holds.ended = True
        self._release_writer()

    def dispose(self):
        if getattr(self._holds, "writer", False):
            self.let_go()  # the connection is forgotten with whatever transaction it had (_drop)
        super().dispose()

    def _to_writer_connection(self):
        if self.is_closed():
            self.connect()  # the thread's own first: peewee would open one over the writer's otherwise
        if self.writer_stale and self._writer_conn is not None:
            self._writer_conn.close()
            self._writer_conn = None
        if self._writer_conn is None:
            # Used by one thread at a time (under _writer), by many threads in turn.
            self._writer_conn = sqlite3.connect(self.database, timeout=self._timeout, isolation_level=None,
                                                **{**self.connect_params, "check_same_thread": False})
            self._add_conn_hooks(self._writer_conn)
            self.writer_stale = False
        self._holds.own = self._state.conn
        self._state.conn = self._writer_conn

    def _release_writer(self):
        if getattr(self._holds, "writer", False):
            own = getattr(self._holds, "own", None)
            if own is not None:
                self._state.conn, self._holds.own = own, None  # back on the thread's own connection
            self._holds.writer = False
            self._writer.release()

    def close(self):
        """The thread's connection, and the writer's too when no transaction holds it: a store
        put away (a command's end, a test) checkpoints its WAL when its last connection closes."""
        closed = super().close()
        if getattr(self._holds, "writer", False):
            self.let_go()  # a transaction whose end was missed: the lock is this thread's to give back
        if self._writer.acquire(timeout=BUSY_TIMEOUT_S):
            try:
                if self._writer_conn is not None:
                    self._writer_conn.close()
                    self._writer_conn = None
            finally:
                self._writer.release()
        return closed

    @contextmanager
    def own_connection(self):
        """This thread's write transactions stay on its own connection meanwhile (they still
        queue on the lock): for state set on a connection outside a transaction that the
        transaction needs, as a schema step needs PRAGMA foreign_keys = OFF."""
        self._holds.pinned = True
        try:
            yield
        finally:
            self._holds.pinned = False

    def let_go(self):
        """After a store fault or a transaction left open: this thread back on its own
        connection, and the writer's opened anew at the next write (it may hold the same
        fault, or the open transaction)."""
        self.writer_stale = True
        self._release_writer()


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
    if isinstance(db, SqliteStore):
        db.let_go()  # the thread's own connection is the one to close here
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
