"""Reflections: due the next morning after an ending, prefilled, searchable, undone with the ending."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
import time

import pytest

from factories import stored_posting
from jobloop.models import Reflection
from jobloop.services import ServiceError, pipeline, reflection

T0 = datetime(2026, 3, 2, 10, 0)

make_posting = partial(stored_posting, stages=("applied",), at=T0, step=timedelta(hours=1),
                       title="Data Engineer", company="Initech")


@pytest.fixture
def berlin(monkeypatch):
    """Run in a time zone that is not UTC, so "the next morning" has to mean local time."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_cool_down_is_nine_oclock_local_the_next_day(berlin):
    # 22:30 UTC = 23:30 in Berlin (winter): the next local morning is 09:00 CET = 08:00 UTC.
    assert reflection.cool_down_until(datetime(2026, 3, 10, 22, 30), days=1, hour=9) == datetime(2026, 3, 11, 8, 0)
    # 23:30 UTC is already the 11th in Berlin: the next morning is the 12th.
    assert reflection.cool_down_until(datetime(2026, 3, 10, 23, 30), days=1, hour=9) == datetime(2026, 3, 12, 8, 0)
    # Summer time: 09:00 CEST = 07:00 UTC.
    assert reflection.cool_down_until(datetime(2026, 7, 1, 12, 0), days=1, hour=9) == datetime(2026, 7, 2, 7, 0)


def test_rejection_makes_a_reflection_due_next_morning_with_the_stage_reached(db):
    posting = make_posting(stages=("applied", "screening", "interviewing"))
    ended = T0 + timedelta(days=3)
    pipeline.change_stage(posting, "rejected", at=ended, now=ended)
    row = Reflection.get(Reflection.posting == posting)
    assert row.stage_reached == "interviewing"
    assert row.due_at == reflection.cool_down_until(ended)
    assert row.due_at > ended and row.due_at - ended <= timedelta(days=2)
    assert reflection.due(ended) == []
    assert [r.id for r in reflection.due(row.due_at)] == [row.id]


@pytest.mark.parametrize("ending", ["withdrawn", "ghosted"])
def test_every_ending_asks_for_a_reflection(db, ending):
    posting = make_posting()
    pipeline.change_stage(posting, ending, at=T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    assert Reflection.select().where(Reflection.posting == posting).count() == 1


def test_writing_it_takes_it_off_the_due_list_and_feedback_can_come_later(db):
    posting = make_posting(stages=("applied", "interviewing"))
    pipeline.change_stage(posting, "rejected", at=T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    row = Reflection.get(Reflection.posting == posting)
    later = row.due_at + timedelta(hours=1)
    reflection.update(row, {"went_well": "Clear system design story", "to_improve": "SQL window functions",
                            "confidence": "3"}, now=later)
    assert reflection.due(later) == []
    saved = Reflection.get_by_id(row.id)
    assert saved.written_at == later and saved.confidence == 3
    reflection.update(saved, {"feedback": "They wanted more Spark experience"}, now=later + timedelta(days=5))
    saved = Reflection.get_by_id(row.id)
    assert saved.feedback.startswith("They wanted") and saved.written_at == later
    assert [r.id for r in reflection.search("spark")] == [row.id]
    assert [r.id for r in reflection.search("window functions")] == [row.id]
    assert [r.id for r in reflection.search("initech")] == [row.id]
    assert reflection.search("kubernetes") == []


@pytest.mark.parametrize("bad", [{"confidence": 6}, {"confidence": "high"}, {"stage_reached": "rejected"},
                                 {"written_at": "2026-01-01"}])
def test_bad_answers_are_refused_and_change_nothing(db, bad):
    posting = make_posting()
    pipeline.change_stage(posting, "rejected", at=T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    row = Reflection.get(Reflection.posting == posting)
    with pytest.raises(ServiceError):
        reflection.update(row, {"went_well": "kept", **bad}, now=T0 + timedelta(days=2))
    assert Reflection.get_by_id(row.id).went_well == ""


def test_undoing_the_ending_removes_an_empty_reflection_but_keeps_a_written_one(db):
    posting = make_posting()
    pipeline.change_stage(posting, "rejected", at=T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    pipeline.change_stage(posting, "applied", at=T0 + timedelta(days=2), now=T0 + timedelta(days=2))
    assert Reflection.select().count() == 0
    pipeline.change_stage(posting, "rejected", at=T0 + timedelta(days=3), now=T0 + timedelta(days=3))
    row = Reflection.get()
    reflection.update(row, {"went_well": "Good"}, now=T0 + timedelta(days=4))
    pipeline.change_stage(posting, "applied", at=T0 + timedelta(days=5), now=T0 + timedelta(days=5))
    assert Reflection.select().count() == 1
