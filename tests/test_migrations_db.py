"""Schema migrations: an old database is upgraded on start without changing a stored value."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from jobloop.app import create_app
from jobloop.config import Config
from jobloop.db import database
from jobloop.db import open_database
from jobloop.migrations import MIGRATIONS, SCHEMA_VERSION, StoreError, _v14_drop_fit_index, current_version, migrate
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
    add_v1_rows(con)
    con.commit()
    con.close()


def add_v1_rows(con) -> None:
    """What a v1 store held beyond the basics: rule-made follow-ups pointing at their events
    (made in the event's transaction, so with its created_at), a hand-made one, and a row in
    every other table."""
    con.execute("INSERT INTO posting (id, canonical_url, url, is_posting, title, company_id, locations,"
                " description_html, description_text, skills, field_sources, user_edited, notes, stage,"
                " stage_changed_at, created_at, updated_at) VALUES (2, 'https://jobs.example.test/8',"
                " 'https://jobs.example.test/8', 1, 'Engineer', 1, '[]', '', '', '[]', '{}', '[]', '',"
                " 'rejected', '2025-02-03 08:00:00', '2025-02-01 08:00:00', '2025-02-03 08:00:00')")
    con.execute("INSERT INTO event (id, posting_id, kind, from_stage, to_stage, at, note, created_at) VALUES"
                " (10, 2, 'stage', 'saved', 'applied', '2025-02-01 09:00:00', '', '2025-02-01 09:00:01'),"
                " (11, 2, 'stage', 'applied', 'rejected', '2025-02-03 08:00:00', '', '2025-02-03 08:00:02')")
    con.execute("INSERT INTO follow_up (id, posting_id, kind, due_at, status, message, source_event_id, created_at,"
                " closed_at) VALUES"
                " (1, 2, 'check_in', '2025-02-08 09:00:00', 'closed', '', 10, '2025-02-01 09:00:01',"
                "  '2025-02-03 08:00:02'),"
                " (2, 2, 'feedback_request', '2025-02-05 08:00:00', 'open', '', 11, '2025-02-03 08:00:02', NULL),"
                " (3, 2, 'keep_in_touch', '2025-05-04 08:00:00', 'open', '', 11, '2025-02-03 08:00:02', NULL),"
                " (4, 2, 'check_in', '2025-03-01 09:00:00', 'open', 'my own reminder', NULL,"
                "  '2025-02-20 10:00:00', NULL)")
    con.execute("INSERT INTO contact (id, name, company_id, email, how_met, warmth, notes, created_at) VALUES"
                " (1, 'Dana', 1, 'dana@example.test', 'meetup', 'warm', '', '2025-01-05 10:00:00')")
    con.execute("INSERT INTO reflection (posting_id, due_at, stage_reached, went_well, to_improve, feedback,"
                " confidence, written_at, created_at) VALUES (2, '2025-02-04 09:00:00', 'applied', 'cover letter',"
                " 'portfolio', '', 3, '2025-02-04 20:00:00', '2025-02-03 08:00:02')")
    con.execute("INSERT INTO goal (title, skill, deadline, progress, created_at) VALUES"
                " ('Learn Kafka', 'Kafka', '2025-04-01', 'half a course', '2025-02-04 20:00:00')")
    con.execute("INSERT INTO setting (key, value) VALUES ('followups.rules', '{\"check_in_days\": 5}')")
    con.execute("INSERT INTO snapshot (posting_id, url, html_gz, size, sha256, captured_at) VALUES"
                " (1, 'https://jobs.example.test/7', X'1f8b0800', 4, 'abc', '2025-01-01 09:00:00')")


def store_values(db) -> dict[str, list[dict]]:
    """Every stored value of every table (the FTS index, the skill tables derived from postings
    and the version row aside), by table."""
    tables = [r[0] for r in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'posting_fts%'"
        " AND name NOT LIKE 'sqlite_%' AND name != 'schema_version'"
        # derived from postings and rebuilt by their steps (tests/test_posting_skills_db.py); the
        # data version moves on with every write, a step's derived columns included
        " AND name NOT IN ('posting_skill', 'skill_tally', 'data_version') ORDER BY name").fetchall()]
    out = {}
    for table in tables:
        cursor = db.execute_sql(f'SELECT * FROM "{table}" ORDER BY rowid')
        names = [d[0] for d in cursor.description]
        out[table] = [dict(zip(names, row)) for row in cursor.fetchall()]
    return out


def assert_values_kept(before: dict, after: dict) -> None:
    for table, rows in before.items():
        assert table in after, f"table {table} is gone"
        kept = [{k: row[k] for k in rows[0]} for row in after[table]] if rows else after[table]
        assert kept == rows, f"values changed in {table}"


def v1_store(path: Path):
    path.mkdir(parents=True)
    config = Config(data_dir=path, database_url=None, testing=True)
    make_v1_database(config.sqlite_path)
    db = open_database(config)
    db.connect(reuse_if_open=True)
    return db


def test_each_step_keeps_every_value(tmp_path):
    db = v1_store(tmp_path / "stepwise")
    try:
        for version in range(1, SCHEMA_VERSION):
            before = store_values(db)
            assert migrate(db, target=version + 1) == version + 1
            assert_values_kept(before, store_values(db))
        assert db.execute_sql("SELECT id, source_event_id FROM follow_up ORDER BY id").fetchall() == \
               [(1, 10), (2, 11), (3, 11), (4, None)]
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        db.close()


@pytest.mark.parametrize("start", range(1, SCHEMA_VERSION))
def test_upgrade_from_each_older_version_keeps_every_value(tmp_path, start):
    db = v1_store(tmp_path / f"v{start}")
    try:
        migrate(db, target=start)
        before = store_values(db)
        assert migrate(db) == SCHEMA_VERSION == current_version(db)
        assert_values_kept(before, store_values(db))
    finally:
        db.close()


def test_repair_step_gives_back_the_source_events_v2_had_nulled(tmp_path):
    db = v1_store(tmp_path / "damaged")
    try:
        migrate(db, target=4)
        # What the v2 step did before it was fixed: every link gone.
        db.execute_sql("UPDATE follow_up SET source_event_id = NULL")
        said = []
        migrate(db, report=said.append)
        assert db.execute_sql("SELECT id, source_event_id FROM follow_up ORDER BY id").fetchall() == \
               [(1, 10), (2, 11), (3, 11), (4, None)]  # the hand-made one stays unlinked
        assert said == ["schema v5: restored the source event of 3 follow-ups (links the v2 upgrade had cleared);"
                        " 1 others without one left as they are"]
    finally:
        db.close()


def test_a_store_at_v3_gets_the_list_indexes(tmp_path):
    db = v1_store(tmp_path / "v3")
    try:
        migrate(db, target=3)
        indexes = lambda: {r[1] for r in db.execute_sql("PRAGMA index_list('posting')").fetchall()}  # noqa: E731
        assert "posting_updated_at" not in indexes()
        migrate(db)
        assert {"posting_updated_at", "posting_stage_changed_at", "posting_moved_at",
                "posting_source_site"} <= indexes()
    finally:
        db.close()


def test_the_fit_index_goes_from_a_store_that_had_it(tmp_path):
    """Stores made by v11-v13 carry an index on posting (stage, skills) that nothing reads since
    the fit counts from skill_tally; the step drops it and keeps every value."""
    db = v1_store(tmp_path / "fit-index")
    try:
        before_step = MIGRATIONS.index(_v14_drop_fit_index)  # the version the store is at before it
        migrate(db, target=before_step)
        db.execute_sql("CREATE INDEX IF NOT EXISTS posting_stage_skills ON posting (stage, skills)")  # as v11 made it
        before = store_values(db)
        migrate(db)
        assert "posting_stage_skills" not in {r[1] for r in db.execute_sql("PRAGMA index_list('posting')").fetchall()}
        assert_values_kept(before, store_values(db))
    finally:
        db.close()


def test_a_store_newer_than_the_code_is_refused(tmp_path):
    db = v1_store(tmp_path / "newer")
    db.execute_sql("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    db.close()
    with pytest.raises(StoreError) as err:
        create_app(Config(data_dir=tmp_path / "newer", database_url=None, testing=True))
    assert f"schema version {SCHEMA_VERSION + 1}" in str(err.value)
    assert f"(schema version {SCHEMA_VERSION})" in str(err.value)


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
        events = list(Event.select().where(Event.posting == 1).order_by(Event.at))
        assert [e.to_stage for e in events] == ["saved", "applied"]
        assert events[0].details == {}  # the column v2 added, with its default
        assert "details" in {c.name for c in database.get_columns("event")}

    # The upgraded store works through the API as if it had always been current.
    token = (data_dir / "token").read_text().strip()
    client = app.test_client()
    res = client.get("/api/postings/1", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200 and res.get_json()["stage"] == "applied"


@pytest.mark.sqlite_only(reason="WAL and the foreign_keys pragma are SQLite's")
def test_sqlite_file_uses_wal_and_foreign_keys(app, config, db):
    assert config.sqlite_path.exists()
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_starting_twice_is_a_no_op(config):
    create_app(config)
    create_app(config)
    with database.connection_context():
        assert current_version(database.obj) == SCHEMA_VERSION


def test_store_files_are_private(tmp_path):
    config = Config(data_dir=tmp_path / "new" / "data", database_url=None, testing=True)
    create_app(config)
    with database.connection_context():
        database.execute_sql("INSERT INTO goal (title, progress, created_at) VALUES ('x', '', '2025-01-01')")
        mode = lambda p: p.stat().st_mode & 0o777  # noqa: E731
        assert mode(config.data_dir) == 0o700
        for path in config.data_dir.iterdir():  # the store, its -wal/-shm, the token, the session secret
            assert mode(path) == 0o600, path


def test_an_existing_store_is_made_private(tmp_path):
    data_dir = tmp_path / "old"
    data_dir.mkdir(mode=0o755)
    make_v1_database(data_dir / "jobloop.sqlite3")
    (data_dir / "jobloop.sqlite3").chmod(0o644)
    create_app(Config(data_dir=data_dir, database_url=None, testing=True))
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert (data_dir / "jobloop.sqlite3").stat().st_mode & 0o777 == 0o600


def test_a_store_at_the_previous_version_gets_the_page_indexes_with_its_values_kept(tmp_path):
    from jobloop.migrations import MIGRATIONS, PAGE_INDEXES

    # The version before the step (found by name: steps are renumbered as others are appended).
    before_step = next(i for i, step in enumerate(MIGRATIONS) if step.__name__.endswith("_page_reads"))
    db = v1_store(tmp_path / "previous")
    try:
        migrate(db, target=before_step)
        names = lambda: {r[0] for r in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}  # noqa: E731
        assert not {name for name, _, _ in PAGE_INDEXES} & names()
        before = store_values(db)
        migrate(db, target=before_step + 1)
        assert {name for name, _, _ in PAGE_INDEXES} <= names()
        assert_values_kept(before, store_values(db))
        assert store_values(db)["reflection"] == before["reflection"] and before["reflection"]
        # The table's sort keys, derived from the timeline and the open follow-ups.
        assert db.execute_sql("SELECT id, applied_at, next_action_at FROM posting ORDER BY id").fetchall() == [
            (1, "2025-01-02 10:00:00", None), (2, "2025-02-01 09:00:00", "2025-02-05 08:00:00")]
    finally:
        db.close()
