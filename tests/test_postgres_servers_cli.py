"""Many servers, one database: two real `jobloop serve` processes started at the same moment
on one store (on the PostgreSQL run a database no migration has touched, so both race to
make the schema) both come up, and the same URL captured through both at once is one posting."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from jobloop.config import Config
from stores import ON_POSTGRES, fresh_database_url, query
from test_concurrency_cli import capture
from test_serve_cli import run, spawn_server, store_env, wait_up


def start(data_dir, database_url, *, flag: bool):
    """One server names the store with --database-url, the other with DATABASE_URL."""
    args = ("--database-url", database_url) if database_url and flag else ()
    return spawn_server(*args, env=store_env(data_dir, None if flag else database_url))


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL run only: on SQLite one data dir is served by one "
                    "server, and a second `jobloop serve` on it is refused (tests/test_restore_cli.py)")
def test_two_servers_on_one_store_start_together_and_capture_one_posting(tmp_path):
    url = fresh_database_url(empty=True)  # no schema yet: both servers migrate, under the advisory lock
    # Two machines have two data dirs (a token each) and one PostgreSQL store.
    dirs = [tmp_path / "a", tmp_path / "b"]
    servers = [start(dirs[0], url, flag=True), start(dirs[1], url, flag=False)]
    try:
        assert [wait_up(base, proc) for base, proc in servers] == [200, 200]
        tokens = [run("token", data_dir=d).stdout.strip() for d in dirs]
        page = "https://jobs.example.test/two-servers/1"
        with ThreadPoolExecutor(10) as pool:
            codes = list(pool.map(lambda i: capture(servers[i % 2][0], tokens[i % 2], page, "Shared Role"),
                                  range(30)))
        assert sorted(codes) == [200] * 29 + [201], codes
        store = Config(data_dir=dirs[0], database_url=url)
        assert query(store, "SELECT count(*) FROM posting") == [(1,)]
        assert query(store, "SELECT count(*) FROM snapshot") == [(30,)]
    finally:
        for _, proc in servers:
            proc.terminate()
            proc.wait(timeout=10)

