"""export → import into a new data dir gives back the same job search; backup is a working copy."""
from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
from pathlib import Path

import jsonschema
import pytest

from factories import make_posting
from jobloop.migrations import SCHEMA_VERSION
from jobloop.models import Event, Posting
from jobloop.config import Config
from jobloop.services import pipeline
from stores import ON_POSTGRES, other_database_url, query
from test_concurrency_cli import capture
from test_migrations_db import make_v1_database
from test_serve_cli import run, server  # noqa: F401  (server is a fixture)

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "docs" / "export.schema.json").read_text())


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def v1_data_dir(path: Path) -> Path:
    path.mkdir(parents=True)
    make_v1_database(path / "jobloop.sqlite3")
    return path


def schema_version(sqlite_path) -> int:
    con = sqlite3.connect(sqlite_path)
    try:
        return con.execute("SELECT version FROM schema_version").fetchone()[0]
    finally:
        con.close()


def seed(app, db):
    posting = make_posting(title="Support Engineer", company="Hooli")
    pipeline.change_stage(posting, "applied")
    pipeline.add_note(posting, "Sent portfolio")
    return posting


@pytest.mark.sqlite_only(reason="the CLI reads the data dir's SQLite file")
def test_export_then_import_round_trips(tmp_path, app, config, db):
    seed(app, db)
    db.close()
    out = tmp_path / "export.json"
    res = run("export", "--out", str(out), data_dir=config.data_dir, database_url=config.database_url)
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text())
    assert data["format"] == "jobloop-export"
    jsonschema.validate(data, SCHEMA)
    assert mode(out) == 0o600  # it holds the whole search and the calendar secret
    assert len(data["tables"]["posting"]) == 1 and len(data["tables"]["snapshot"]) == 1

    fresh = Config(data_dir=tmp_path / "fresh", database_url=other_database_url())
    res = run("import", str(out), data_dir=fresh.data_dir, database_url=fresh.database_url)
    assert res.returncode == 0, res.stderr
    assert "Imported 1 postings and 3 events" in res.stdout
    if not ON_POSTGRES:
        assert mode(fresh.data_dir) == 0o700 and mode(fresh.sqlite_path) == 0o600
    [(title, stage, locations)] = query(fresh, "SELECT title, stage, locations FROM posting")
    assert (title, stage, json.loads(locations)) == ("Support Engineer", "applied", ["Berlin, Germany"])
    assert [r[0] for r in query(fresh, "SELECT note FROM event ORDER BY id")][-1] == "Sent portfolio"

    again = run("import", str(out), data_dir=fresh.data_dir, database_url=fresh.database_url)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_import_refuses_a_file_that_is_not_an_export(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    res = run("import", str(bad), data_dir=tmp_path / "d")
    assert res.returncode != 0 and "not a jobloop export" in res.stderr
    bad.write_text("{oops")
    res = run("import", str(bad), data_dir=tmp_path / "d")
    assert res.returncode != 0 and "not valid JSON" in res.stderr


@pytest.mark.sqlite_only(reason="`jobloop backup` copies the SQLite file; PostgreSQL has pg_dump")
def test_backup_is_a_complete_sqlite_copy(tmp_path, app, config, db):
    seed(app, db)
    target = tmp_path / "backups" / "jobloop-copy.sqlite3"
    res = run("backup", str(target), data_dir=config.data_dir)
    assert res.returncode == 0, res.stderr
    con = sqlite3.connect(target)
    assert con.execute("SELECT count(*) FROM posting").fetchone()[0] == Posting.select().count() == 1
    assert con.execute("SELECT count(*) FROM event").fetchone()[0] == Event.select().count()
    con.close()
    assert run("backup", str(target), data_dir=config.data_dir).returncode != 0  # never overwrites


def test_backup_copies_an_old_store_as_it_is(tmp_path):
    data_dir = v1_data_dir(tmp_path / "old")
    target = tmp_path / "before-upgrade.sqlite3"
    res = run("backup", str(target), data_dir=data_dir)
    assert res.returncode == 0, res.stderr
    assert schema_version(target) == schema_version(data_dir / "jobloop.sqlite3") == 1
    assert mode(target) == 0o600


def test_export_of_an_old_store_leaves_it_old(tmp_path):
    data_dir = v1_data_dir(tmp_path / "old")
    out = tmp_path / "old.json"
    res = run("export", "--out", str(out), data_dir=data_dir)
    assert res.returncode == 0, res.stderr
    assert schema_version(data_dir / "jobloop.sqlite3") == 1
    data = json.loads(out.read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["schema_version"] == SCHEMA_VERSION
    assert [e["details"] for e in data["tables"]["event"]][:1] == [{}]  # the column v2 added, with its default
    assert run("import", str(out), data_dir=tmp_path / "new").returncode == 0


def test_a_store_newer_than_the_code_is_refused_in_one_line(tmp_path):
    data_dir = v1_data_dir(tmp_path / "newer")
    con = sqlite3.connect(data_dir / "jobloop.sqlite3")
    con.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 7,))
    con.commit()
    con.close()
    for args in (("export",), ("serve", "--port", "1")):
        res = run(*args, data_dir=data_dir)
        assert res.returncode != 0
        assert f"schema version {SCHEMA_VERSION + 7}" in res.stderr and "Traceback" not in res.stderr
    assert schema_version(data_dir / "jobloop.sqlite3") == SCHEMA_VERSION + 7


@pytest.mark.sqlite_only(reason="`jobloop backup` copies the SQLite file; PostgreSQL has pg_dump")
def test_backup_errors_are_one_line(tmp_path):
    data_dir = v1_data_dir(tmp_path / "store")
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    for target in (a_file / "backup.sqlite3", Path("/proc/jobloop-backup.sqlite3"),
                   Path("/sys/jobloop-backup.sqlite3")):
        res = run("backup", str(target), data_dir=data_dir)
        assert res.returncode == 1, res.stderr
        assert "Traceback" not in res.stderr and res.stderr.count("\n") == 1, res.stderr
        assert str(target) in res.stderr


def test_exports_taken_during_captures_import_cleanly(server, tmp_path, database_url):  # noqa: F811
    base, data_dir, _ = server
    token = run("token", data_dir=data_dir).stdout.strip()
    stop = threading.Event()
    codes = []

    def write(who):
        n = 0
        while not stop.is_set():
            n += 1
            codes.append(capture(base, token, f"https://jobs.example.test/during/{who}/{n}", "Writer"))

    writers = [threading.Thread(target=write, args=(who,)) for who in range(3)]
    for w in writers:
        w.start()
    try:
        exports = []
        for i in range(4):
            out = tmp_path / f"during-{i}.json"
            res = run("export", "--out", str(out), data_dir=data_dir, database_url=database_url)
            assert res.returncode == 0, res.stderr
            exports.append(out)
    finally:
        stop.set()
        for w in writers:
            w.join()
    assert codes and set(codes) == {201}
    for i, out in enumerate(exports):
        data = json.loads(out.read_text())
        jsonschema.validate(data, SCHEMA)
        res = run("import", str(out), data_dir=tmp_path / f"imported-{i}", database_url=other_database_url())
        assert res.returncode == 0, res.stderr
        posting_ids = {p["id"] for p in data["tables"]["posting"]}
        assert {e["posting_id"] for e in data["tables"]["event"]} <= posting_ids
        assert {s["posting_id"] for s in data["tables"]["snapshot"]} <= posting_ids
