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

    def writer(name, before=None):
        database.connect(reuse_if_open=True)
        if before is not None:
            database.connection().set_trace_callback(before.append)
        try:
            with database.atomic():
                Company.create(name=name)
                if name == "First":
                    inside.set()
                    finish.wait(10)
        finally:
            database.close()

    first = threading.Thread(target=writer, args=("First",))
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=writer, args=("Second", seen))
    second.start()
    time.sleep(0.3)  # ample for the second to reach SQLite, were it not queued
    assert seen == []  # not even its BEGIN has run
    finish.set()
    first.join(10)
    second.join(10)
    assert seen[0].startswith("BEGIN IMMEDIATE")
    assert {c.name for c in Company.select()} >= {"First", "Second"}


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
