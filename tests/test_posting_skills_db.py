"""The schema step that made posting_skill fills it from the postings already stored: an older
store migrated holds the rows the services would have written, and gaps read the same."""
from __future__ import annotations

import random

from jobloop.db import is_sqlite
from jobloop.migrations import MIGRATIONS, _v10_posting_skills, _v13_skill_tallies, current_version, migrate
from jobloop.models import PostingSkill

from test_gap_counts_service import assert_same_as_decoding, seed_store
from test_migrations_db import assert_values_kept, store_values, v1_store

BEFORE = MIGRATIONS.index(_v10_posting_skills)  # the version a store had before the steps
TALLIES = MIGRATIONS.index(_v13_skill_tallies) + 1  # the version that brought skill_tally


def rows():
    return sorted(PostingSkill.select(PostingSkill.posting, PostingSkill.skill, PostingSkill.name).tuples())


def test_an_older_sqlite_store_gets_posting_skill_filled(tmp_path):
    db = v1_store(tmp_path / "old")
    try:
        migrate(db, target=BEFORE)
        assert not db.table_exists("posting_skill")
        # Postings as older code stored them: aliases, odd spacing, a skill listed twice,
        # an empty list, NULL, and a list that is not JSON (a store edited by hand).
        for pid, skills, stage in ((3, '["k8s", "Kubernetes", "  Underwater   basket weaving "]', "rejected"),
                                   (4, '["AWS", "amazon web services", "Postgres"]', "applied"),
                                   (5, "[]", "rejected"), (7, "not json", "ghosted")):
            db.execute_sql(
                "INSERT INTO posting (id, canonical_url, url, is_posting, title, locations, description_html,"
                " description_text, skills, field_sources, user_edited, notes, stage, stage_changed_at,"
                " created_at, updated_at) VALUES (?, ?, ?, 1, ?, '[]', '', '', ?, '{}', '[]', '', ?,"
                " '2025-03-01 09:00:00', '2025-03-01 09:00:00', '2025-03-01 09:00:00')",
                (pid, f"https://jobs.example.test/old/{pid}", f"https://jobs.example.test/old/{pid}", f"Role {pid}", skills,
                 stage))
        before = store_values(db)
        # The first step filled posting_skill without stages or families, and no tallies:
        migrate(db, target=BEFORE + 1)
        assert db.execute_sql("SELECT count(*), count(stage) FROM posting_skill").fetchone() == (5, 0)
        assert not db.table_exists("skill_tally")
        migrate(db)
        assert current_version(db) >= TALLIES
        assert_values_kept(before, store_values(db))  # the postings themselves are untouched
        assert db.execute_sql("SELECT posting_id, skill, name FROM posting_skill ORDER BY posting_id, skill"
                              ).fetchall() == [
            (1, "sql", "SQL"),
            (3, "kubernetes", "Kubernetes"), (3, "underwater basket weaving", "Underwater basket weaving"),
            # each family the posting touches, with the members it asked for
            (4, "\x1dCloud platforms\x1daws", "Cloud platforms"),
            (4, "\x1dRelational databases\x1dpostgresql", "Relational databases"),
            (4, "aws", "AWS"), (4, "postgresql", "PostgreSQL"),
        ]
        index = {r[1] for r in db.execute_sql("PRAGMA index_list('posting_skill')").fetchall()}
        assert index == {"posting_skill_skill_posting_id_stage", "sqlite_autoindex_posting_skill_1"}
        # the stage is copied, and the tallies count the rows
        assert db.execute_sql("SELECT posting_id, stage FROM posting_skill WHERE skill = 'kubernetes'").fetchall() == [
            (3, "rejected")]
        assert db.execute_sql("SELECT skill, name, stage, n FROM skill_tally ORDER BY skill").fetchall() == [
            ("\x1dCloud platforms\x1daws", "Cloud platforms", "applied", 1),
            ("\x1dRelational databases\x1dpostgresql", "Relational databases", "applied", 1),
            ("aws", "AWS", "applied", 1), ("kubernetes", "Kubernetes", "rejected", 1),
            ("postgresql", "PostgreSQL", "applied", 1), ("sql", "SQL", "applied", 1),
            ("underwater basket weaving", "Underwater basket weaving", "rejected", 1)]
    finally:
        db.close()


def test_the_step_fills_what_the_services_write_on_both_stores(db):
    """On the test's own store (SQLite or PostgreSQL): postings written by today's services,
    then the table dropped and the store set back to the version before the step."""
    seed_store(random.Random(3))
    written = rows()
    assert written and len({pid for pid, _, _ in written}) > 20
    db.execute_sql("DROP TABLE posting_skill")
    db.execute_sql("DROP TABLE skill_tally")
    db.execute_sql(f"UPDATE schema_version SET version = {BEFORE}")
    migrate(db.obj)  # the store itself (db is the models' proxy)
    assert rows() == written
    assert_same_as_decoding()
    if is_sqlite(db.obj):  # the store, not the proxy (a proxy is never a SqliteDatabase)
        assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    # The triggers came with the step, and serve any writer, plain SQL included: a stage
    # change reaches posting_skill and the tallies; a delete takes the rows along (CASCADE).
    pid = written[0][0]
    db.execute_sql(f"UPDATE posting SET stage = 'ghosted' WHERE id = {int(pid)}")
    assert {r.stage for r in PostingSkill.select().where(PostingSkill.posting == pid)} == {"ghosted"}
    assert_same_as_decoding()
    db.execute_sql(f"DELETE FROM posting WHERE id = {int(pid)}")
    assert pid not in {p for p, _, _ in rows()}
    assert_same_as_decoding()
