"""posting_story and story_tally (what insights count) are kept by triggers: after every kind
of write they hold what reading every event again would give, and the Insights figures equal
the straightforward computation (tests/insights_reference.py). The schema step that made
them fills them from an older store's data. On SQLite and PostgreSQL."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from jobloop.db import database, is_sqlite
from jobloop.migrations import (MIGRATIONS, STORY_COLUMNS, STORY_DEFERRED, _STORY_KEYS, _pg_story_triggers,
                                _sqlite_story_triggers, _story_key, _story_select, _v15_posting_stories,
                                current_version, migrate)
from jobloop.models import ALL_MODELS, Event, Posting
from jobloop.services import bulk, insights, pipeline, postings, transfer

NOW = datetime(2026, 12, 2, 12, 0)
BEFORE = MIGRATIONS.index(_v15_posting_stories)  # the version a store had before the step


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def stories() -> list[tuple]:
    return database.execute_sql(STORIES).fetchall()


def tallies() -> list[tuple]:
    return database.execute_sql(TALLIES).fetchall()


STORIES = f"SELECT {', '.join(STORY_COLUMNS)} FROM posting_story ORDER BY posting_id"
TALLIES = f"SELECT {_STORY_KEYS}, n FROM story_tally WHERE n > 0 ORDER BY {_STORY_KEYS}"
_POSITIONS = ", ".join(str(i + 1) for i in range(len(_STORY_KEYS.split(", "))))


def kept_and_fresh(sqlite: bool) -> list[tuple[str, str]]:
    """(what the triggers kept, the same read from every event again), as two SQL reads each."""
    return [(STORIES, f"SELECT * FROM ({_story_select(sqlite)}) s ORDER BY 1"),
            (TALLIES, f"SELECT {_story_key('r')}, COUNT(*) FROM posting_story r GROUP BY {_POSITIONS}"
                      f" ORDER BY {_POSITIONS}")]


def assert_kept_right() -> None:
    """The kept rows equal a fresh read of every event, and the figures the reference."""
    import insights_reference

    for kept, fresh in kept_and_fresh(is_sqlite()):
        assert database.execute_sql(kept).fetchall() == [tuple(r) for r in database.execute_sql(fresh).fetchall()]
    for now in (NOW, NOW - timedelta(days=9), NOW + timedelta(days=40)):
        assert insights.summary(now=now) == insights_reference.summary(now=now)


@pytest.fixture
def seeded(db):
    from factories.history import seed_history
    from querycount import grow

    out = seed_history(40, now=NOW, seed=5)
    grow(0, 12, NOW - timedelta(days=3))  # interviews logged, had and scheduled
    assert_kept_right()
    return out


def test_a_capture_counts_at_once(seeded):
    from factories import make_posting

    insights.summary(now=NOW)  # kept
    make_posting(url="https://jobs.lever.co/acme/new-one", now=ago(0.1))
    assert_kept_right()
    assert insights.summary(now=NOW)["funnel"][0]["count"] == Posting.select().count()


def test_stage_changes_back_dated_edited_and_deleted_count_at_once(zone, seeded):
    """In each time zone: the weeks are the user's."""
    saved = next(p for p in seeded.postings if p.stage == "saved")
    applied = next(p for p in seeded.postings if p.stage == "applied")
    insights.summary(now=NOW)
    # A back-dated application: the weeks and the wait to a first answer move.
    pipeline.change_stage(saved, "applied", at=ago(40), now=NOW)
    assert_kept_right()
    screening = pipeline.change_stage(saved, "screening", at=ago(38.2), now=NOW)
    assert_kept_right()
    # Its date corrected, then the event removed: the ending's "reached" and the response go back.
    pipeline.edit_event(screening, at=ago(39.5), now=NOW)
    assert_kept_right()
    pipeline.change_stage(saved, "rejected", at=ago(1), now=NOW)
    assert_kept_right()
    pipeline.delete_event(Event.get_by_id(screening.id), now=NOW)
    assert_kept_right()
    # An interview logged (past and scheduled), a move to interviewing without one.
    pipeline.log_interview(applied, ago(0.5), now=NOW)
    pipeline.log_interview(applied, NOW + timedelta(days=3), now=NOW)
    assert_kept_right()
    other = next(p for p in seeded.postings if p.stage == "applied" and p.id != applied.id)
    pipeline.change_stage(other, "interviewing", at=ago(2), now=NOW)
    assert_kept_right()
    pipeline.set_applied_on(other, ago(12), now=NOW)
    assert_kept_right()


def test_a_delete_and_plain_sql_count_at_once(seeded):
    ended = next(p for p in seeded.postings if p.stage == "rejected")
    postings.delete(Posting.get_by_id(ended.id))
    assert_kept_right()
    # Writers that bypass the services: the triggers serve them too.
    some = [p.id for p in seeded.postings if Posting.get_or_none(Posting.id == p.id)][:3]
    Posting.update(canonical_url="https://jobs.lever.co/acme/moved").where(Posting.id == some[0]).execute()
    Posting.update(stage="ghosted").where(Posting.id == some[1]).execute()
    assert_kept_right()
    moved = Event.select().where((Event.posting == some[1]) & (Event.kind == "stage")).first()
    Event.update(posting=some[2]).where(Event.id == moved.id).execute()  # an event moved to another posting
    assert_kept_right()
    Event.update(kind="note").where(Event.posting == some[2]).execute()  # no longer a stage event
    assert_kept_right()
    Event.delete().where(Event.kind == "interview").execute()
    assert_kept_right()


def test_a_bulk_change_and_its_undo_count_at_once(seeded):
    ids = [p.id for p in seeded.postings[:12]]
    batch = bulk.apply("stage", ids, now=NOW, stage="ghosted", at=ago(0.5))
    assert_kept_right()
    bulk.undo(batch.token, NOW)
    assert_kept_right()
    batch = bulk.apply("delete", ids[:5], now=NOW)
    assert_kept_right()
    bulk.undo(batch.token, NOW)
    assert_kept_right()


def test_an_import_counts_at_once(seeded):
    data = transfer.export_data()
    before = insights.summary(now=NOW)
    for model in reversed(ALL_MODELS):  # emptied, as a new data dir is
        model.delete().execute()
    assert stories() == [] and tallies() == []
    transfer.import_data(data)
    assert_kept_right()
    assert insights.summary(now=NOW) == before


def test_waits_are_counted_to_the_microsecond(db, zone):
    """The median wait is read from whole microseconds in SQL: a fraction of a second near the
    next one (which SQLite's date functions round up) and none at all both count exactly."""
    from factories import make_posting

    for n, (applied, answered) in enumerate(((datetime(2026, 11, 2, 9, 0, 0, 999600), datetime(2026, 11, 3, 9)),
                                             (datetime(2026, 11, 2, 9), datetime(2026, 11, 4, 9, 0, 0, 1)),
                                             (datetime(2026, 11, 5, 9, 0, 0, 500000), datetime(2026, 11, 5, 8)))):
        posting = make_posting(url=f"https://jobs.lever.co/acme/{n}", now=datetime(2026, 11, 1))
        pipeline.change_stage(posting, "applied", at=applied, now=NOW)
        pipeline.change_stage(posting, "screening", at=answered, now=NOW)
    waits = [row[STORY_COLUMNS.index("wait_us")] for row in stories()]
    assert waits == [86_400_000_000 - 999_600, 2 * 86_400_000_000 + 1, None]  # an answer before applying: no wait
    assert_kept_right()
    days = [(86_400_000_000 - 999_600) / 10**6 / 86400, (2 * 86_400_000_000 + 1) / 10**6 / 86400]
    assert insights.summary(now=NOW)["median_days_to_response"] == (days[0] + days[1]) / 2


def _set_back(db) -> None:
    """The store as it was before the step: no story tables, no triggers filling them."""
    if is_sqlite():
        for name in _sqlite_story_triggers():
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for sql in _pg_story_triggers():
            if sql.startswith("DROP TRIGGER"):
                db.execute_sql(sql)
    db.execute_sql("DROP TABLE story_tally")
    db.execute_sql("DROP TABLE posting_story")
    db.execute_sql(f"UPDATE schema_version SET version = {BEFORE}")


def test_the_step_fills_the_stories_of_a_store_at_the_previous_version(seeded, db):
    """A store written by today's services, set back to the version before the step (data
    kept, story tables gone), then migrated: the stories and tallies are what the triggers
    kept, the other tables' values are untouched, and the triggers work from then on."""
    kept_stories, kept_tallies, figures = stories(), tallies(), insights.summary(now=NOW)
    other = {m._meta.table_name: list(m.select().order_by(*m._meta.get_primary_keys()).tuples()) for m in ALL_MODELS}
    _set_back(db.obj)
    # Writes while the store is at the old version (no triggers): the step reads them too.
    late = next(p for p in seeded.postings if p.stage == "applied")
    pipeline.change_stage(Posting.get_by_id(late.id), "screening", at=ago(0.2), now=NOW)
    migrate(db.obj)
    assert current_version(db.obj) > BEFORE
    assert len(stories()) == len(kept_stories) and stories() != kept_stories  # the late answer is in
    pipeline.delete_event(Event.select().where(Event.posting == late.id).order_by(Event.id.desc()).first(), now=NOW)
    assert stories() == kept_stories and tallies() == kept_tallies
    assert insights.summary(now=NOW) == figures
    for model in ALL_MODELS:
        rows = list(model.select().order_by(*model._meta.get_primary_keys()).tuples())
        if model not in (Event, Posting):  # the late change and its correction touched those two
            assert rows == other[model._meta.table_name], model
    assert_kept_right()
    if is_sqlite():
        assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []


def test_the_step_has_postgresql_read_stories_again_at_commit(seeded, db):
    """The step's PostgreSQL triggers wait for commit (deferred, under the data version's lock):
    read as each row changed, parallel bulk and single stage changes deadlocked on the story
    rows. The stories keep their values and stay right after a later change."""
    kept_stories, kept_tallies = stories(), tallies()
    db.execute_sql(f"UPDATE schema_version SET version = {BEFORE}")
    migrate(db.obj)
    assert current_version(db.obj) > BEFORE
    assert stories() == kept_stories and tallies() == kept_tallies
    if not is_sqlite():
        deferred = db.execute_sql("SELECT tgname FROM pg_trigger WHERE tgdeferrable AND tginitdeferred"
                                  " AND left(tgname, 14) = 'posting_story_'").fetchall()
        assert sorted(name for (name,) in deferred) == sorted(STORY_DEFERRED)
    posting = next(p for p in seeded.postings if p.stage == "applied")
    pipeline.change_stage(Posting.get_by_id(posting.id), "interviewing", at=ago(0.3), now=NOW)
    assert_kept_right()


def test_an_older_sqlite_store_gets_its_stories(tmp_path):
    """A store made by the first schema, with data written there as SQL, migrated all the way."""
    from test_migrations_db import assert_values_kept, store_values, v1_store

    db = v1_store(tmp_path / "old")
    try:
        migrate(db, target=BEFORE)
        before = store_values(db)
        migrate(db)
        assert_values_kept(before, store_values(db))
        rows = db.execute_sql(f"SELECT {', '.join(STORY_COLUMNS)} FROM posting_story ORDER BY posting_id").fetchall()
        fresh = db.execute_sql(f"SELECT * FROM ({_story_select(True)}) s ORDER BY 1").fetchall()
        assert rows and rows == fresh
        assert db.execute_sql("SELECT SUM(n) FROM story_tally").fetchone()[0] == len(rows)
    finally:
        db.close()


def test_many_random_writes_keep_the_tallies_right(seeded):
    """Stage changes drawn at random, back-dated or not, on random postings."""
    from jobloop.models import STAGES

    rng = random.Random(11)
    ids = [p.id for p in seeded.postings]
    for _ in range(30):
        posting = Posting.get_by_id(rng.choice(ids))
        pipeline.change_stage(posting, rng.choice(STAGES), at=ago(rng.uniform(0, 60)), now=NOW)
    assert_kept_right()
