"""The store the suite runs on, chosen by one setting.

JOBLOOP_TEST_DATABASE_URL unset: every test gets its own SQLite file (the default).
Set to a PostgreSQL URL (scripts/test-postgres does, on a throwaway cluster): every test
gets that database emptied first, so tests stay as independent as with a fresh file.
Tests about the SQLite file itself carry `@pytest.mark.sqlite_only(reason=...)`.
"""
from __future__ import annotations

import os

TEST_DATABASE_URL = os.environ.get("JOBLOOP_TEST_DATABASE_URL") or None
ON_POSTGRES = bool(TEST_DATABASE_URL)

_admin: dict[str, object] = {}  # one connection per database for the whole run: a reset is a few statements, not a login
_migrated: dict[str, set[str]] = {}  # per database, the tables a fresh migration makes


def other_database_url() -> str | None:
    """A second store, emptied, for a test that moves data between two (export, then import
    elsewhere): on SQLite None (the other data dir's own file), on PostgreSQL a second
    database in the same cluster."""
    if not TEST_DATABASE_URL:
        return None
    base, _, name = TEST_DATABASE_URL.rpartition("/")
    other = f"{name}_other"
    cur = _connection(TEST_DATABASE_URL).cursor()
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (other,))
    if not cur.fetchone():
        cur.execute(f'CREATE DATABASE "{other}"')
    return fresh_database_url(url=f"{base}/{other}")


def _connection(url: str):
    import psycopg2

    con = _admin.get(url)
    if con is None or con.closed:
        con = _admin[url] = psycopg2.connect(url)
        con.autocommit = True
    return con


def fresh_database_url(*, empty: bool = False, url: str | None = None) -> str | None:
    """The URL for one test's store; None on SQLite (the data dir's own file).

    On PostgreSQL the store holds no rows and is at this code's schema, as a fresh file
    would be after the app's first start. Emptying the tables (TRUNCATE … RESTART
    IDENTITY) is ten times faster than migrating from nothing for every test; when the
    schema is not exactly what a migration makes (a test changed it), or `empty` asks for
    a store no migration has touched, the schema is dropped and made again."""
    if not TEST_DATABASE_URL:
        return None
    from jobloop.migrations import SCHEMA_VERSION

    url = url or TEST_DATABASE_URL
    migrated = _migrated.setdefault(url, set())
    with _connection(url).cursor() as cur:
        # A connection an earlier test left open (a server thread, a killed process) would
        # hold locks that make DROP SCHEMA or TRUNCATE wait for ever.
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()")
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = {row[0] for row in cur.fetchall()}
        if not empty and migrated and tables == migrated:
            cur.execute("SELECT version FROM schema_version")
            if cur.fetchall() == [(SCHEMA_VERSION,)]:
                # The data version only moves on (the TRUNCATE below moves it once more): like the schema
                # version, it is the store's, not data.
                rows = sorted(tables - {"schema_version", "data_version"})
                cur.execute("TRUNCATE %s RESTART IDENTITY CASCADE" % ", ".join(f'"{t}"' for t in rows))
                return url
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        migrated.clear()
        if empty:
            return url
        _migrate(url)
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        migrated.update(row[0] for row in cur.fetchall())
    return url


def _migrate(url: str) -> None:
    from jobloop.config import Config
    from jobloop.db import database, open_database
    from jobloop.migrations import migrate

    bound = database.obj  # a test's app may be bound already: leave it so
    db = open_database(Config(database_url=url))
    with db.connection_context():
        migrate(db)
    db.close()
    if bound is not None:
        database.initialize(bound)


def query(config, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of one read against a config's store, on its own connection (a test's check
    from outside the app, like another process would see it). `?` placeholders."""
    if config.database_url:
        import psycopg2

        con = psycopg2.connect(config.database_url)
        try:
            with con.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), params)
                return cur.fetchall()
        finally:
            con.close()
    import sqlite3

    con = sqlite3.connect(config.sqlite_path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()
