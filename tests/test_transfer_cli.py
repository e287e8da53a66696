"""export → import into a new data dir gives back the same job search; backup is a working copy."""
from __future__ import annotations

import json
import sqlite3

from factories import make_posting
from jobloop.models import Event, Posting
from jobloop.services import pipeline
from test_serve_cli import run


def seed(app, db):
    posting = make_posting(title="Support Engineer", company="Hooli")
    pipeline.change_stage(posting, "applied")
    pipeline.add_note(posting, "Sent portfolio")
    return posting


def test_export_then_import_round_trips(tmp_path, app, config, db):
    seed(app, db)
    db.close()
    out = tmp_path / "export.json"
    res = run("export", "--out", str(out), data_dir=config.data_dir)
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text())
    assert data["format"] == "jobloop-export"
    assert len(data["tables"]["posting"]) == 1 and len(data["tables"]["snapshot"]) == 1

    fresh = tmp_path / "fresh"
    res = run("import", str(out), data_dir=fresh)
    assert res.returncode == 0, res.stderr
    assert "Imported 1 postings and 3 events" in res.stdout
    con = sqlite3.connect(fresh / "jobloop.sqlite3")
    title, stage, locations = con.execute("SELECT title, stage, locations FROM posting").fetchone()
    assert (title, stage, json.loads(locations)) == ("Support Engineer", "applied", ["Berlin, Germany"])
    assert [r[0] for r in con.execute("SELECT note FROM event ORDER BY id")][-1] == "Sent portfolio"
    con.close()

    again = run("import", str(out), data_dir=fresh)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_import_refuses_a_file_that_is_not_an_export(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    res = run("import", str(bad), data_dir=tmp_path / "d")
    assert res.returncode != 0 and "not a jobloop export" in res.stderr
    bad.write_text("{oops")
    res = run("import", str(bad), data_dir=tmp_path / "d")
    assert res.returncode != 0 and "not valid JSON" in res.stderr


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
