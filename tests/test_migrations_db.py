"""Schema migrations: an old database is upgraded on start without losing rows."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from jobloop.app import create_app
from jobloop.config import Config
from jobloop.db import SCHEMA_VERSION, current_version, database
from jobloop.models import Event, Posting

V1_SQL = Path(__file__).parent / "fixtures" / "schema_v1.sql"


def make_v1_database(path: Path) -> None:
    con = sqlite3.connect(path)
    con.executescript(V1_SQL.read_text())
    con.execute("INSERT INTO company (id, name, created_at) VALUES (1, 'Globex', '2025-01-01 09:00:00')")
    con.execute(
        "INSERT INTO posting (id, canonical_url, url, is_posting, title, company_id, locations, description_html,"
        " description_text, skills, field_sources, user_edited, notes, stage, stage_changed_at, created_at, updated_at)"
        " VALUES (1, 'https://jobs.example.test/7', 'https://jobs.example.test/7?utm_source=x', 1, 'Analyst', 1,"
        " '[\"Oslo\"]', '<p>hi</p>', 'hi', '[\"SQL\"]', '{}', '[\"title\"]', 'my note', 'applied',"
        " '2025-01-02 10:00:00', '2025-01-01 09:00:00', '2025-01-02 10:00:00')")
    con.execute("INSERT INTO event (posting_id, kind, from_stage, to_stage, at, note, created_at) VALUES"
                " (1, 'stage', NULL, 'saved', '2025-01-01 09:00:00', '', '2025-01-01 09:00:00'),"
                " (1, 'stage', 'saved', 'applied', '2025-01-02 10:00:00', '', '2025-01-02 10:00:00')")
    con.commit()
    con.close()


def test_v1_database_upgrades_without_losing_rows(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    config = Config(data_dir=data_dir, database_url=None, testing=True)
    make_v1_database(config.sqlite_path)

    app = create_app(config)
    with database.connection_context():
        assert current_version(database.obj) == SCHEMA_VERSION > 1
        posting = Posting.get_by_id(1)
        assert (posting.title, posting.company.name, posting.locations, posting.user_edited) == \
               ("Analyst", "Globex", ["Oslo"], ["title"])
        events = list(Event.select().order_by(Event.at))
        assert [e.to_stage for e in events] == ["saved", "applied"]
        assert events[0].details == {}  # the column v2 added, with its default
        assert "details" in {c.name for c in database.get_columns("event")}

    # The upgraded store works through the API as if it had always been current.
    token = (data_dir / "token").read_text().strip()
    client = app.test_client()
    res = client.get("/api/postings/1", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200 and res.get_json()["stage"] == "applied"


def test_sqlite_file_uses_wal_and_foreign_keys(app, config, db):
    assert config.sqlite_path.exists()
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_starting_twice_is_a_no_op(config):
    create_app(config)
    create_app(config)
    with database.connection_context():
        assert current_version(database.obj) == SCHEMA_VERSION
