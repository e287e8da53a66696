"""A server thread keeps its store connection between requests, never a transaction."""
from __future__ import annotations

import pytest

from jobloop.db import database, end_request
from jobloop.models import Company
from stores import ON_POSTGRES


def test_a_thread_keeps_its_connection_from_one_request_to_the_next(client, db):
    assert client.get("/table").status_code == 200
    first = database.connection()
    assert not database.is_closed()  # closing it made SQLite checkpoint the WAL after every request
    assert client.get("/board").status_code == 200
    assert database.connection() is first


def test_a_transaction_left_open_ends_with_its_request(db):
    database.connect(reuse_if_open=True)
    left_open = database.atomic()
    left_open.__enter__()  # as a bug that never leaves its atomic() would
    Company.create(name="Half written")
    end_request()
    assert not database.in_transaction()
    database.connect(reuse_if_open=True)
    assert Company.select().where(Company.name == "Half written").count() == 0


@pytest.mark.skipif(not ON_POSTGRES, reason="a server that ends connections: PostgreSQL (scripts/test-postgres)")
def test_a_connection_the_server_ended_is_replaced(client, db):
    import psycopg2

    from stores import TEST_DATABASE_URL

    assert client.get("/table").status_code == 200
    pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    other = psycopg2.connect(TEST_DATABASE_URL)
    other.autocommit = True
    other.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
    other.close()
    with pytest.raises(Exception):
        database.execute_sql("SELECT 1")  # the kept connection is gone…
    assert client.get("/table").status_code == 200  # …and the next request makes a new one


SQLITE_ONLY = pytest.mark.skipif(ON_POSTGRES, reason="SQLite's writers queue in the process (db.SqliteStore); "
                                 "PostgreSQL writes in parallel under row locks")


@SQLITE_ONLY
def test_a_second_writer_queues_in_the_process_not_in_sqlites_busy_wait(db):
    """While one thread's write transaction is open, another thread's waits before BEGIN
    (on the store's lock), so it starts the moment the first commits instead of sleeping in
    SQLite's busy handler; both land."""
    import threading
    import time

    inside, finish, seen = threading.Event(), threading.Event(), []

    def writer(name):  # a server thread: it keeps its connection (closing one closes the writer's too)
        database.connect(reuse_if_open=True)
        with database.atomic():
            Company.create(name=name)
            if name == "First":
                inside.set()
                finish.wait(10)

    first = threading.Thread(target=writer, args=("First",))
    first.start()
    assert inside.wait(10)
    db.obj._writer_conn.set_trace_callback(seen.append)  # every write transaction runs on it
    second = threading.Thread(target=writer, args=("Second",))
    second.start()
    time.sleep(0.3)  # ample for the second to reach SQLite, were it not queued
    assert seen == []  # not even its BEGIN has run
    finish.set()
    first.join(10)
    second.join(10)
    assert seen[0] == "COMMIT" and seen[1].startswith("BEGIN IMMEDIATE")  # the second began once the first ended
    assert {c.name for c in Company.select()} >= {"First", "Second"}


@SQLITE_ONLY
def test_write_transactions_share_the_writers_connection_and_reads_keep_their_own(db):
    """Writers take turns on one connection, which keeps the pages the last write read (a
    connection's cache is dropped whenever another one changed the file); each thread reads
    on its own. After a store fault the writer's connection is opened anew."""
    import threading

    from jobloop.db import _drop

    used = {}

    def work(name):  # a server thread: it keeps its connection between requests
        database.connect(reuse_if_open=True)
        own = database.connection()
        with database.atomic():
            Company.create(name=name)
            used[name] = (own, database.connection())
        used[name] += (database.connection() is own,)  # back on its own after the commit

    threads = [threading.Thread(target=work, args=(n,)) for n in ("One", "Two")]
    for t in threads:
        t.start()
        t.join(10)
    (own_one, writer_one, back_one), (own_two, writer_two, back_two) = used["One"], used["Two"]
    assert back_one and back_two
    assert writer_one is writer_two and own_one is not own_two and writer_one not in (own_one, own_two)
    database.connect(reuse_if_open=True)
    with database.atomic():
        writer = database.connection()
    _drop(db.obj)  # what a request that met a store fault ends with
    database.connect(reuse_if_open=True)
    with database.atomic():
        assert database.connection() is not writer
        Company.create(name="After the fault")
    assert Company.select().where(Company.name == "After the fault").count() == 1


@SQLITE_ONLY
def test_the_writers_lock_is_let_go_however_a_transaction_ends(db):
    from jobloop.db import read_transaction

    lock = db.obj._writer
    with database.atomic():
        assert lock.locked()
        with database.atomic():  # a savepoint: no second take
            Company.create(name="Nested")
    assert not lock.locked()
    with pytest.raises(ZeroDivisionError):
        with database.atomic():
            Company.create(name="Rolled back")
            1 / 0
    assert not lock.locked()
    with read_transaction():  # readers never queue behind writers
        assert not lock.locked()
        Company.select().count()
    left_open = database.atomic()
    left_open.__enter__()
    Company.create(name="Left open")
    assert lock.locked()
    end_request()  # the request's end rolls it back and lets the lock go
    assert not lock.locked()
    database.connect(reuse_if_open=True)
    assert [c.name for c in Company.select().order_by(Company.id)][-1:] == ["Nested"]


@SQLITE_ONLY
def test_a_failed_commit_is_rolled_back_before_the_next_writer_gets_the_connection(db):
    """A COMMIT that fails (here a deferred foreign key; a full disk alike) leaves its
    transaction open on the writer's connection: it is ended there, the lock let go, and the
    next write starts clean and lands."""
    import threading

    from peewee import IntegrityError

    lock = db.obj._writer
    with pytest.raises(IntegrityError):
        with database.atomic():
            database.execute_sql("PRAGMA defer_foreign_keys = ON")
            database.execute_sql("INSERT INTO posting_url (posting_id, url, canonical_url, added_at)"
                                 " VALUES (999999, 'https://x.test/', 'https://x.test/', '2026-01-01')")
    assert not lock.locked() and not database.in_transaction()
    done = []

    def next_writer():
        database.connect(reuse_if_open=True)
        with database.atomic():
            Company.create(name="Next")
        done.append(True)

    other = threading.Thread(target=next_writer)
    other.start()
    other.join(10)
    assert done == [True]
    assert database.execute_sql("SELECT count(*) FROM posting_url").fetchone() == (0,)
    assert Company.select().where(Company.name == "Next").count() == 1


@SQLITE_ONLY
def test_temporary_structures_stay_in_memory_on_every_connection(db):
    """A sort or a statement journal kept in memory: on disk, each capture made, unlinked and
    closed a temporary file (seven system calls, each a moment the thread let go of the GIL)."""
    assert database.execute_sql("PRAGMA temp_store").fetchone() == (2,)
    with database.atomic():  # the writers' shared connection
        assert database.execute_sql("PRAGMA temp_store").fetchone() == (2,)
