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

_admin = None  # one connection kept for the whole run: resetting costs two statements, not a login
_migrated: set[str] = set()  # the tables a fresh migration makes


def fresh_database_url(*, empty: bool = False) -> str | None:
    """The URL for one test's store; None on SQLite (the data dir's own file).

    On PostgreSQL the store holds no rows and is at this code's schema, as a fresh file
    would be after the app's first start. Emptying the tables (TRUNCATE … RESTART
    IDENTITY) is ten times faster than migrating from nothing for every test; when the
    schema is not exactly what a migration makes (a test changed it), or `empty` asks for
    a store no migration has touched, the schema is dropped and made again."""
    if not TEST_DATABASE_URL:
        return None
    global _admin
    import psycopg2

    from jobloop.migrations import SCHEMA_VERSION

    if _admin is None or _admin.closed:
        _admin = psycopg2.connect(TEST_DATABASE_URL)
        _admin.autocommit = True
    with _admin.cursor() as cur:
        # A connection an earlier test left open (a server thread, a killed process) would
        # hold locks that make DROP SCHEMA or TRUNCATE wait for ever.
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()")
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = {row[0] for row in cur.fetchall()}
        if not empty and _migrated and tables == _migrated:
            cur.execute("SELECT version FROM schema_version")
            if cur.fetchall() == [(SCHEMA_VERSION,)]:
                rows = sorted(tables - {"schema_version"})
                cur.execute("TRUNCATE %s RESTART IDENTITY CASCADE" % ", ".join(f'"{t}"' for t in rows))
                return TEST_DATABASE_URL
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        if empty:
            return TEST_DATABASE_URL
        _migrate(TEST_DATABASE_URL)
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        _migrated.clear()
        _migrated.update(row[0] for row in cur.fetchall())
    return TEST_DATABASE_URL


def _migrate(url: str) -> None:
    from jobloop.config import Config
    from jobloop.db import open_database
    from jobloop.migrations import migrate

    db = open_database(Config(database_url=url))
    with db.connection_context():
        migrate(db)
    db.close()


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
