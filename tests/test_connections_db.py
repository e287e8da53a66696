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
