"""`jobloop restore`, commands that find no store, and commands that find the running server."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from factories import make_posting
from jobloop.services import pipeline
from test_migrations_db import make_v1_database
from test_serve_cli import JOBLOOP, free_port, run, start_server


def rows(sqlite_path, table="posting") -> int:
    con = sqlite3.connect(sqlite_path)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def leave_rows_in_wal(sqlite_path: Path, n: int) -> None:
    """A process that writes and dies without checkpointing: its rows live only in -wal."""
    code = (
        "import os, sqlite3, sys\n"
        "con = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "con.execute('PRAGMA journal_mode=wal'); con.execute('PRAGMA wal_autocheckpoint=0')\n"
        "for i in range(int(sys.argv[2])):\n"
        "    con.execute(\"INSERT INTO goal (title, progress, created_at) VALUES ('wal goal', '', '2025-01-01')\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(sqlite_path), str(n)], check=True)
    assert Path(str(sqlite_path) + "-wal").stat().st_size > 0


@pytest.mark.sqlite_only(reason="restore replaces the SQLite file")
def test_restore_over_a_store_with_a_stray_wal(tmp_path, app, config, db):
    posting = make_posting(title="Kept Role")
    pipeline.change_stage(posting, "applied")
    backup = tmp_path / "backup.sqlite3"
    assert run("backup", str(backup), data_dir=config.data_dir).returncode == 0
    make_posting(title="Made After The Backup")
    db.close()
    store = config.sqlite_path
    leave_rows_in_wal(store, 3)

    res = run("restore", str(backup), data_dir=config.data_dir)
    assert res.returncode == 0, res.stderr
    assert "posting 1, " in res.stdout and "integrity ok" in res.stdout
    assert "extension stays paired" in res.stdout
    con = sqlite3.connect(store)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [r[0] for r in con.execute("SELECT title FROM posting")] == ["Kept Role"]
    assert con.execute("SELECT count(*) FROM goal").fetchone()[0] == 0
    con.close()
    # The replaced store, -wal and all, is kept aside and still whole.
    aside = next(config.data_dir.glob("before-restore-*"))
    assert rows(aside / "jobloop.sqlite3") == 2 and rows(aside / "jobloop.sqlite3", "goal") == 3
    assert (store.stat().st_mode & 0o777) == 0o600


def test_restore_of_an_old_backup_runs_the_migrations(tmp_path):
    old = tmp_path / "v1.sqlite3"
    make_v1_database(old)
    res = run("restore", str(old), data_dir=tmp_path / "new")
    assert res.returncode == 0, res.stderr
    assert "follow_up 4" in res.stdout and "no API token yet" in res.stdout
    con = sqlite3.connect(tmp_path / "new" / "jobloop.sqlite3")
    assert "details" in [r[1] for r in con.execute("PRAGMA table_info(event)")]
    assert con.execute("SELECT source_event_id FROM follow_up WHERE id = 2").fetchone()[0] == 11
    con.close()


@pytest.mark.sqlite_only(reason="restore replaces the SQLite file")
@pytest.mark.parametrize("content", [b"not a database at all" * 100, b""])
def test_restore_refuses_what_is_not_a_store_and_changes_nothing(tmp_path, app, config, db, content):
    make_posting(title="Still Here")
    db.close()
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    res = run("restore", str(bad), data_dir=config.data_dir)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    assert str(bad) in res.stderr
    assert rows(config.sqlite_path) == 1 and not list(config.data_dir.glob("before-restore-*"))
    assert not list(config.data_dir.glob("*.restoring*"))


@pytest.fixture
def serving(tmp_path):
    """`jobloop serve` with its runtime file in a private runtime dir; yields (url, data dir, env)."""
    data_dir = tmp_path / "served"
    env = {k: v for k, v in os.environ.items() if k != "JOBLOOP_DATA_DIR"}
    env["JOBLOOP_RUNTIME_DIR"] = str(tmp_path / "runtime")
    base, proc = start_server("--data-dir", str(data_dir), env=env)
    yield base, data_dir, env, proc
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=10)


def cli(*args, env):
    return subprocess.run([*JOBLOOP, *args], capture_output=True, text=True, env=env, timeout=60)


def test_commands_without_data_dir_use_the_running_servers(serving, tmp_path):
    base, data_dir, env, proc = serving
    assert (tmp_path / "runtime" / "server.json").is_file()
    res = cli("token", env=env)
    assert res.returncode == 0 and res.stdout.strip() == (data_dir / "token").read_text().strip()
    assert f"Using {data_dir}" in res.stderr and base in res.stderr
    res = cli("backup", str(tmp_path / "b.sqlite3"), env=env)
    assert res.returncode == 0 and str(data_dir) in res.stdout
    # restore refuses while the server uses the dir, and says which server.
    res = cli("restore", str(tmp_path / "b.sqlite3"), env=env)
    assert res.returncode == 1 and f"pid {proc.pid}" in res.stderr and str(data_dir) in res.stderr
    # A second server on the same dir is refused too.
    res = cli("serve", "--port", str(free_port()), "--data-dir", str(data_dir), env=env)
    assert res.returncode == 1 and "another jobloop server" in res.stderr
    proc.terminate()
    out = proc.communicate(timeout=10)[0]
    assert f"data dir {data_dir}" in out.splitlines()[0]
    assert not (tmp_path / "runtime" / "server.json").exists()  # removed at exit
    res = cli("restore", str(tmp_path / "b.sqlite3"), "--data-dir", str(data_dir), env=env)
    assert res.returncode == 0, res.stderr


def test_a_killed_server_does_not_block_restore(serving, tmp_path):
    base, data_dir, env, proc = serving
    backup = tmp_path / "b.sqlite3"
    assert cli("backup", str(backup), "--data-dir", str(data_dir), env=env).returncode == 0
    proc.kill()
    proc.wait(timeout=10)
    res = cli("restore", str(backup), "--data-dir", str(data_dir), env=env)
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize("command", [("token",), ("export",), ("backup", "x.sqlite3")])
def test_commands_on_a_dir_without_a_store_say_so(tmp_path, command):
    empty = tmp_path / "nothing-here"
    res = run(*command, data_dir=empty)
    assert res.returncode == 1 and f"no jobloop store in {empty}" in res.stderr, res.stderr
    assert not empty.exists()


def test_token_create_makes_the_data_dir(tmp_path):
    res = run("token", "--create", data_dir=tmp_path / "fresh")
    assert res.returncode == 0 and len(res.stdout.strip()) >= 43
    assert run("token", data_dir=tmp_path / "fresh").stdout == res.stdout


def test_serve_refuses_a_dir_a_restore_holds_before_opening_the_store(tmp_path):
    from jobloop.config import take_dir

    data_dir = tmp_path / "being-restored"
    data_dir.mkdir()
    lock, _ = take_dir(data_dir, {"pid": os.getpid(), "url": "jobloop restore"})
    try:
        res = run("serve", "--port", str(free_port()), data_dir=data_dir)
    finally:
        lock.close()
    assert res.returncode == 1 and "jobloop restore" in res.stderr, res.stderr
    assert not (data_dir / "jobloop.sqlite3").exists()
