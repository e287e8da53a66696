"""posting.applied_at and posting.next_action_at, the table's date-applied and next-action sort
keys kept on the row by triggers (migrations.DERIVED_SORT_KEYS), stay equal to what the timeline
and the follow-ups say, whichever service writes; and the schema step fills them for a store
that had none."""
from __future__ import annotations

from datetime import datetime, timedelta

from factories import stored_posting
from jobloop.db import database
from jobloop.models import Event, FollowUp
from jobloop.services import followups, pipeline, postings
from jobloop.services.postings import Filters

NOW = datetime(2026, 11, 30, 12, 0)

_COMPUTED = """
SELECT p.id, p.applied_at, p.next_action_at,
       (SELECT MIN(at) FROM event WHERE posting_id = p.id AND kind = 'stage' AND to_stage = 'applied'),
       (SELECT MIN(CASE WHEN snoozed_until > due_at THEN snoozed_until ELSE due_at END) FROM follow_up
        WHERE posting_id = p.id AND status = 'open')
FROM posting AS p ORDER BY p.id"""


def kept_and_computed() -> tuple[list, list]:
    rows = database.execute_sql(_COMPUTED).fetchall()
    return [(r[0], r[1], r[2]) for r in rows], [(r[0], r[3], r[4]) for r in rows]


def assert_in_step():
    kept, computed = kept_and_computed()
    assert kept == computed


def test_the_sort_keys_follow_every_write(db):
    a = stored_posting("applied", at=NOW - timedelta(days=20))
    b = stored_posting("interviewing", stages=("applied", "screening"), at=NOW - timedelta(days=12),
                       step=timedelta(days=2))
    c = stored_posting(None, at=NOW - timedelta(days=3))
    assert_in_step()
    kept, _ = kept_and_computed()
    assert [row[1] is not None for row in kept] == [True, True, False]  # c was never applied for

    pipeline.change_stage(c, "applied", at=NOW - timedelta(days=1), now=NOW)  # a new applied event
    pipeline.set_applied_on(a, NOW - timedelta(days=25), now=NOW)  # an earlier date
    assert_in_step()
    applied = Event.get((Event.posting == b.id) & (Event.to_stage == "applied"))
    pipeline.edit_event(applied, at=NOW - timedelta(days=13), now=NOW)  # moved
    assert_in_step()

    check_in = FollowUp.select().where((FollowUp.posting == a.id) & (FollowUp.status == "open")).first()
    followups.snooze(check_in, NOW + timedelta(days=40), NOW)  # a snooze moves the next action
    assert_in_step()
    followups.dismiss(check_in, NOW)  # closed: the next open one, or none
    own = followups.create("call_back", NOW + timedelta(days=2), posting=c, now=NOW)
    assert_in_step()
    FollowUp.update(posting=b.id).where(FollowUp.id == own.id).execute()  # moved to another posting
    assert_in_step()
    FollowUp.delete().where(FollowUp.id == own.id).execute()
    Event.delete().where((Event.posting == c.id) & (Event.to_stage == "applied")).execute()
    assert_in_step()
    kept, _ = kept_and_computed()
    assert kept[2][1] is None


def test_the_table_sorts_by_the_kept_keys(db):
    early = stored_posting("applied", title="early", at=NOW - timedelta(days=30))
    late = stored_posting("applied", title="late", at=NOW - timedelta(days=5))
    stored_posting(None, title="never", at=NOW - timedelta(days=50))
    titles = lambda sort, down: [p.title for p in postings.table(Filters(), sort=sort, descending=down).rows]  # noqa: E731
    assert titles("applied", False) == ["early", "late", "never"]
    assert titles("applied", True) == ["late", "early", "never"]
    pipeline.set_applied_on(late, NOW - timedelta(days=40), now=NOW)
    assert titles("applied", False) == ["late", "early", "never"]
    assert titles("next", False)[-1] == "never"  # no open follow-up: last
    followups.create("call_back", NOW - timedelta(days=90), posting=early, now=NOW)
    assert titles("next", False)[0] == "early"
