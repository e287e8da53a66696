"""Many servers, one database: two real `jobloop serve` processes started at the same moment
on one store (on the PostgreSQL run a database no migration has touched, so both race to
make the schema) both come up, and the same URL captured through both at once is one posting."""
from __future__ import annotations

import subprocess
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor

import pytest

from jobloop.config import Config
from stores import ON_POSTGRES, fresh_database_url, query
from test_concurrency_cli import capture
from test_serve_cli import JOBLOOP, free_port, request, run, store_env


def start(data_dir, database_url, *, flag: bool):
    port = free_port()
    args = [*JOBLOOP, "serve", "--port", str(port)]
    if database_url and flag:  # one server names the store with --database-url, the other with DATABASE_URL
        args += ["--database-url", database_url]
    env = store_env(data_dir, None if flag else database_url)
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return f"http://127.0.0.1:{port}", proc


def wait_up(base, proc):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            return request(base + "/api/health")[0]
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None:
                raise AssertionError("jobloop serve exited: " + proc.stdout.read()) from None
            time.sleep(0.1)
    raise AssertionError("jobloop serve did not come up")


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL run only: on SQLite one data dir is served by one "
                    "server, and a second `jobloop serve` on it is refused (the test below)")
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


@pytest.mark.sqlite_only(reason="the SQLite file is the data dir's own: one server per data dir")
def test_a_second_server_on_one_sqlite_data_dir_is_refused(tmp_path):
    first = start(tmp_path / "data", None, flag=False)
    try:
        assert wait_up(*first) == 200
        second = start(tmp_path / "data", None, flag=False)
        out, _ = second[1].communicate(timeout=60)
        assert second[1].returncode != 0
        assert "another jobloop server" in out and str(tmp_path / "data") in out
        assert request(first[0] + "/api/health")[0] == 200  # the first one is untouched
    finally:
        first[1].terminate()
        first[1].wait(timeout=10)
