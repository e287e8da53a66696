"""The tags/archive/bulk schema step: a store from before it, with data, keeps every value,
gains posting.archived_at (empty: nothing is archived by upgrading), the tag tables and the
indexes the table's sort keys use."""
from __future__ import annotations

from jobloop.migrations import MIGRATIONS, SCHEMA_VERSION, _v9_tags_archive_bulk, migrate
from test_migrations_db import assert_values_kept, store_values, v1_store

STEP = MIGRATIONS.index(_v9_tags_archive_bulk) + 1  # the version this step brings a store to


def test_store_from_before_tags_and_archive_keeps_its_values(tmp_path):
    db = v1_store(tmp_path / "before-tags")
    try:
        migrate(db, target=STEP - 1)
        assert "archived_at" not in {c.name for c in db.get_columns("posting")}
        before = store_values(db)
        assert before["posting"] and before["event"] and before["follow_up"]
        assert migrate(db) == SCHEMA_VERSION
        after = store_values(db)
        assert_values_kept(before, after)
        assert [row["archived_at"] for row in after["posting"]] == [None] * len(before["posting"])
        assert after["tag"] == [] and after["posting_tag"] == [] and after["bulk_batch"] == []
        indexes = {r[1] for t in ("event", "follow_up", "posting")
                   for r in db.execute_sql(f"PRAGMA index_list('{t}')").fetchall()}
        assert {"event_history", "follow_up_posting_status_due", "posting_archived_at",
                "posting_title"} <= indexes
        # The table's sort keys run on the migrated store (the date applied comes from the old events).
        from jobloop.db import database
        from jobloop.services import postings
        from jobloop.services.postings import Filters

        database.initialize(db)
        rows = postings.table(Filters(), sort="applied", descending=False).rows
        assert [p.id for p in rows] == [1, 2]
    finally:
        db.close()
