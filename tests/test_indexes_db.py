"""The filtered and sorted reads walk an index instead of sorting the store: checked with
SQLite's EXPLAIN QUERY PLAN (the plan names the index, and no temporary B-tree sorts the rows)."""
from __future__ import annotations

from datetime import datetime

import pytest

from factories import stored_posting
from jobloop.db import database
from jobloop.migrations import SCALE_INDEXES
from jobloop.services import calendar, followups, insights, postings, reflection
from jobloop.services.postings import Filters

pytestmark = pytest.mark.sqlite_only(reason="reads SQLite's query plans")
NOW = datetime(2026, 11, 30, 12, 0)


def plan(query) -> str:
    sql, params = query.sql() if hasattr(query, "sql") else query
    return "\n".join(row[-1] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())


@pytest.fixture
def some_postings(db):
    for i, stage in enumerate(("applied", "rejected", "saved", "interviewing") * 5):
        stored_posting(stage, title=f"Kubernetes engineer {i}")
    database.execute_sql("ANALYZE")  # what a store that has seen real use knows of its tables


def test_every_scale_index_exists(db):
    names = {row[0] for row in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {name for name, _, _ in SCALE_INDEXES} <= names


@pytest.mark.parametrize("filters", [Filters(stage="applied"), Filters(stage="applied", q="kubernetes")],
                         ids=["stage", "stage + search"])
def test_the_table_filtered_by_stage_walks_stage_then_updated(some_postings, filters):
    query = postings.ordered(postings.filtered(filters, columns=postings.LIST_COLUMNS), "updated").limit(50)
    found = plan(query)
    assert "posting_stage_updated_at" in found, found
    assert "TEMP B-TREE" not in found, found


def test_the_api_search_with_a_stage_walks_the_same_index(some_postings):
    found = plan(postings.search_ids(stage="applied", q="kubernetes", limit=50))
    assert "posting_stage_updated_at" in found and "TEMP B-TREE" not in found, found


def test_a_postings_story_is_read_from_the_history_index(some_postings):
    """The triggers read one posting's events again on each write: by its part of event_history."""
    from jobloop.migrations import _story_select

    found = plan((_story_select(True, "1"), ()))
    assert "event_history" in found and "SCAN e" not in found and "SCAN event" not in found, found


def test_insights_count_weeks_and_read_medians_from_indexes(some_postings):
    """The weeks are ranges of posting_story's applied_at index; a median is read at the middle
    of the (host, wait_us) or the wait_us index, with no sort of the waits."""
    from querycount import counting

    with counting() as log:
        insights.weekly(NOW)
        insights._applied_in(NOW, NOW)
    assert len(log.statements) == 2
    for statement in log.statements:
        found = plan(statement)
        assert "USING COVERING INDEX posting_story_applied_at" in found and "SCAN posting_story" not in found, found
    for hosts in (["jobs.example.test"], None):
        found = plan(insights._middle(hosts, 3))
        assert "wait_us" in found and "TEMP B-TREE" not in found, found


def test_the_calendar_window_reads_its_ranges_from_indexes(some_postings):
    assert "event_kind_at" in plan(calendar.window_interviews(NOW))
    assert "follow_up_status_due_at" in plan(calendar.window_followups(NOW))


def test_a_postings_interviews_are_read_by_its_own_index(db):
    """The posting page lists its interviews: walking every interview in the store by (kind, at)
    cost 65 ms at 100,000 postings."""
    import querycount
    from jobloop.services import followups, pipeline

    others = [stored_posting("interviewing", title=f"Other {i}") for i in range(5)]
    for i, other in enumerate(others * 4):
        pipeline.log_interview(other, datetime(2026, 11, 1 + i), now=NOW)
    mine = stored_posting("interviewing", title="Mine")
    pipeline.log_interview(mine, datetime(2026, 11, 20, 15), now=NOW)
    pipeline.log_interview(mine, datetime(2026, 11, 10, 9), now=NOW)
    # No ANALYZE: the stores people have were never analyzed, and SQLite's own guess is what failed.
    with querycount.counting() as log:
        found = followups.interviews(posting=mine)
    assert [e.at for e in found] == [datetime(2026, 11, 10, 9), datetime(2026, 11, 20, 15)]
    assert all(e.posting.title == "Mine" for e in found)
    plans = [plan((sql, params)) for sql, params in log.statements]
    assert plans and all("event_kind_at" not in p and "SCAN" not in p for p in plans), plans


def test_feedback_received_is_counted_from_its_index_alone(db):
    """The wins' feedback, all time and in the week: a range of the reflection_feedback_dated index
    (the reflections with feedback), not a pass over every reflection."""
    for query in (insights._feedback(), insights._feedback(NOW, NOW)):
        found = plan(query)
        assert "USING INDEX reflection_feedback_dated (<expr>=?" in found and "SCAN" not in found, found


@pytest.mark.parametrize("count, expected", [
    (lambda: postings.counts_by_stage(archived=False)["saved"], 5),
    (lambda: postings.table(Filters()).total, 20),
    (lambda: postings.table(Filters(stage="saved")).total, 5),
    (lambda: postings.table(Filters(stage="saved", remote="remote", source="example.test")).total, 0),
], ids=["board column", "table", "table by stage", "table by stage, remote and site"])
def test_counting_postings_that_are_not_archived_reads_indexes_only(some_postings, count, expected):
    """Telling archived postings apart by their column read every counted row (archived_at sits
    after the long texts, past their overflow pages): 1 s for the board's column counts at
    100,000 postings. The archived ids come from their index; the rest is checked by id."""
    import querycount
    from jobloop.services import archive

    archive.archive([stored_posting("saved", title="Put away").id], now=NOW)
    with querycount.counting() as log:
        assert count() == expected
    counts = [plan((sql, params)) for sql, params in log.statements if "COUNT(" in sql]
    assert counts, log.sql
    for found in counts:
        reads = [line for line in found.splitlines() if line.lstrip().startswith(("SCAN", "SEARCH"))
                 and "INTEGER PRIMARY KEY" not in line]
        assert reads and all("COVERING INDEX" in line for line in reads), found


def _statements(call) -> list[tuple]:
    import querycount

    with querycount.counting() as log:
        call()
    return log.statements


@pytest.fixture
def some_reflections(db):
    from jobloop.models import Reflection

    for i in range(20):
        posting = stored_posting("rejected", title=f"Ended {i}")
        Reflection.create(posting=posting, due_at=datetime(2026, 11, 1 + i, 9), stage_reached="applied",
                          written_at=datetime(2026, 11, 2 + i) if i % 2 else None)
    database.execute_sql("ANALYZE")


@pytest.mark.parametrize("read, index", [
    (lambda: reflection.search(limit=5), "reflection_due_at"),
    (lambda: reflection.due(NOW, limit=5), "reflection_written_due"),
    (lambda: reflection.count_due(NOW), "reflection_written_due"),
], ids=["every reflection, latest first", "due ones, soonest first", "how many are due"])
def test_reflections_are_read_in_order_from_an_index(some_reflections, read, index):
    """Sorting every reflection joined to its posting read each ended posting whole: 142 ms for
    the API's list at 100,000 postings."""
    plans = [plan(s) for s in _statements(read)]
    assert plans and index in plans[0] and "TEMP B-TREE" not in plans[0], plans


def test_the_snoozed_count_reads_an_index(db):
    plans = [plan(s) for s in _statements(lambda: followups.count_snoozed(NOW))]
    assert "COVERING INDEX follow_up_status_snoozed" in plans[0], plans


@pytest.mark.parametrize("sort", ["updated", "title", "company", "waiting", "salary", "source", "applied", "next"])
def test_a_sorted_table_page_reads_only_its_own_rows(some_postings, sort):
    """The order is found from indexes over ids; whole rows are read for the page alone (by id).
    Sorting whole rows read every posting past its long texts: 0.5-1.3 s at 100,000 postings."""
    for i in range(8):
        stored_posting("applied", title=f"Lever {i}", url=f"https://jobs.lever.co/acme/{i}", salary_min=1000 * i,
                       salary_period="month")
    database.execute_sql("ANALYZE")
    rows = postings.table(Filters(), sort=sort, page=2, per_page=5).rows
    assert len(rows) == 5
    for sql, params in _statements(lambda: postings.table(Filters(), sort=sort, page=2, per_page=5)):
        found = plan((sql, params))
        # Every scan reads an index alone, or walks one in the page's order (no sort) and stops.
        in_order = "TEMP B-TREE" not in found
        whole_rows = [line for line in found.splitlines() if line.lstrip().startswith("SCAN")
                      and " t2" not in line  # t2: the company, by name
                      and "COVERING INDEX" not in line and not ("USING INDEX" in line and in_order)]
        assert not whole_rows, found


@pytest.mark.parametrize("descending", [True, False])
def test_the_table_sorted_by_salary_walks_its_expression_index(some_postings, descending):
    """Salaries per year from the index on that expression (models.SALARY_PER_YEAR), in order,
    both ways (empty salaries last): sorting every posting's took 105-210 ms at 100,000."""
    for i, period in enumerate(("hour", "month", "year", None)):
        stored_posting("applied", title=f"Paid {i}", salary_max=10 * (i + 1), salary_period=period)
    database.execute_sql("ANALYZE")
    page = postings.table(Filters(), sort="salary", descending=descending, per_page=4)
    per_year = ["Paid 2", "Paid 3", "Paid 1", "Paid 0"]  # 30, 40 (no period: as given), 240, 20,800
    assert [p.title for p in page.rows] == (per_year[::-1] if descending else per_year)
    narrow = [s for s in _statements(lambda: postings.table(Filters(), sort="salary", descending=descending))
              if "ORDER BY" in s[0]]
    found = plan(narrow[0])
    assert "posting_salary_per_year" in found and "TEMP B-TREE" not in found, found


@pytest.mark.parametrize("sort", ["applied", "next"])
def test_the_table_sorted_by_a_kept_key_walks_its_index(some_postings, sort):
    """Date applied and next action are kept on the posting (migrations.DERIVED_SORT_KEYS):
    asking every posting's timeline or follow-ups for them took 145-195 ms at 100,000."""
    narrow = [s for s in _statements(lambda: postings.table(Filters(), sort=sort, page=2, per_page=5))
              if "ORDER BY" in s[0]]
    found = plan(narrow[0])
    assert f"posting_{sort}" in found and "TEMP B-TREE" not in found, found


def test_the_due_count_reads_the_follow_ups_from_an_index(db):
    """Counting the follow-ups to act on read every open one's row: 31 ms at 100,000 postings
    (5,000 open follow-ups), 10 ms from this index."""
    from jobloop.services import pipeline

    for i in range(6):
        pipeline.log_interview(stored_posting("interviewing", title=f"Talked {i}"), datetime(2026, 11, 1 + i), now=NOW)
    # No ANALYZE: the stores people have were never analyzed (a handful of rows analyzed scans them).
    assert followups.count_due(NOW) >= 6
    plans = [plan(s) for s in _statements(lambda: followups.count_due(NOW))]
    reads = [line for line in plans[0].splitlines() if line.lstrip().startswith(("SCAN t1", "SEARCH t1"))]
    assert reads and all("COVERING INDEX follow_up_open_steps" in line for line in reads), plans


@pytest.mark.parametrize("column", ["applied_at", "next_action_at"])
def test_a_sort_key_trigger_reads_only_its_postings_rows(db, column):
    """The triggers that keep a posting's sort keys (migrations.DERIVED_SORT_KEYS) read that
    posting's own events or follow-ups by an index that starts with posting_id: answered by
    status alone, each follow-up written walked every open follow-up, and a 50,000-row import
    went from 11 s to 61 s."""
    from jobloop.migrations import DERIVED_SORT_KEYS

    table, value, _, _ = DERIVED_SORT_KEYS[column]
    found = plan((value.format(id="?"), [1]))
    assert "(posting_id=?" in found and "SCAN" not in found, found
