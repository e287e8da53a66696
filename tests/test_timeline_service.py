"""Correcting a timeline: what was scheduled from an event follows it."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from jobloop.models import Event, FollowUp, Posting, Reflection
from jobloop.services import ServiceError, pipeline, reflection

T0 = datetime(2026, 3, 2, 10, 0)
NOW = T0 + timedelta(days=20)
_n = iter(range(1, 10**6))


def make(*stages_days) -> Posting:
    n = next(_n)
    posting = Posting.create(canonical_url=f"https://jobs.example.test/t{n}", url=f"https://jobs.example.test/t{n}",
                             created_at=T0, stage_changed_at=T0)
    for stage, day in stages_days:
        pipeline.change_stage(posting, stage, at=T0 + timedelta(days=day), now=NOW)
    return Posting.get_by_id(posting.id)


def stage_event(stage) -> Event:
    return Event.get((Event.kind == "stage") & (Event.to_stage == stage))


def test_moving_the_applied_event_moves_its_check_in(db):
    posting = make(("saved", 0), ("applied", 1))
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    assert check_in.due_at == T0 + timedelta(days=8)
    pipeline.set_applied_on(posting, T0 + timedelta(days=4), now=NOW)
    assert FollowUp.get_by_id(check_in.id).due_at == T0 + timedelta(days=11)
    assert Posting.get_by_id(posting.id).stage_changed_at == T0 + timedelta(days=4)


def test_moving_an_ending_re_times_its_empty_reflection(db):
    posting = make(("applied", 1), ("rejected", 5))
    before = Reflection.get(Reflection.posting == posting).due_at
    pipeline.edit_event(stage_event("rejected"), at=T0 + timedelta(days=8), now=NOW)
    after = Reflection.get(Reflection.posting == posting).due_at
    assert after - before == timedelta(days=3)
    assert after == reflection.cool_down_until(T0 + timedelta(days=8))


def test_removing_a_wrong_screening_brings_the_check_in_back(db):
    posting = make(("applied", 1), ("screening", 3))
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    assert check_in.status == "closed"
    pipeline.delete_event(stage_event("screening"), now=NOW)
    assert Posting.get_by_id(posting.id).stage == "applied"
    assert FollowUp.get_by_id(check_in.id).status == "open"


def test_a_done_check_in_stays_done_through_corrections(db):
    posting = make(("applied", 1))
    from jobloop.services import followups

    followups.complete(FollowUp.get(FollowUp.kind == "check_in"), now=NOW)
    pipeline.set_applied_on(posting, T0, now=NOW)
    assert [f.status for f in FollowUp.select().where(FollowUp.kind == "check_in")] == ["done"]


def test_removing_an_interview_removes_its_thank_you(db):
    posting = make(("applied", 1))
    interview = pipeline.log_interview(posting, T0 + timedelta(days=6), now=NOW)
    assert FollowUp.select().where(FollowUp.kind == "thank_you").count() == 1
    pipeline.delete_event(interview, now=NOW)
    assert FollowUp.select().where(FollowUp.kind == "thank_you").count() == 0


def test_a_stage_change_cannot_be_moved_into_the_future_and_nothing_changes(db):
    make(("applied", 1))
    event = stage_event("applied")
    with pytest.raises(ServiceError):
        pipeline.edit_event(event, at=NOW + timedelta(days=1), now=NOW)
    with pytest.raises(ServiceError):
        pipeline.edit_event(event, note="x", by="someone", now=NOW)
    assert Event.get_by_id(event.id).at == T0 + timedelta(days=1)
    assert FollowUp.get(FollowUp.kind == "check_in").due_at == T0 + timedelta(days=8)


def test_a_note_cannot_be_emptied(db):
    posting = make(("applied", 1))
    note = pipeline.add_note(posting, "Called Dana", now=NOW)
    with pytest.raises(ServiceError):
        pipeline.edit_event(note, note="   ", now=NOW)
    assert Event.get_by_id(note.id).note == "Called Dana"


def test_an_edit_that_changes_nothing_records_nothing(db):
    make(("applied", 1))
    event = stage_event("applied")
    pipeline.edit_event(event, at=event.at, note="", now=NOW)
    assert "edits" not in (Event.get_by_id(event.id).details or {})
