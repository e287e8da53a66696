"""Goals: one click from a gap, default deadline, progress, done → profile, due list."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from jobloop.services import ServiceError, goals, profile

NOW = datetime(2026, 11, 30, 12, 0)


def test_from_gap_defaults_to_eight_weeks_and_is_idempotent(db):
    goal = goals.from_gap("Kubernetes", now=NOW)
    assert goal.title == "Learn Kubernetes" and goal.skill == "Kubernetes"
    assert goal.deadline == date(2027, 1, 25)  # 56 days after 2026-11-30
    again = goals.from_gap("kubernetes", now=NOW)  # a second click does not make a twin
    assert again.id == goal.id
    assert goals.from_gap("AWS", deadline="2027-03-01", now=NOW).deadline == date(2027, 3, 1)


def test_create_validates(db):
    with pytest.raises(ServiceError):
        goals.create("  ", now=NOW)
    with pytest.raises(ServiceError) as err:
        goals.create("Course", deadline="next week", now=NOW)
    assert err.value.code == "invalid_date"
    with pytest.raises(ServiceError):
        goals.from_gap("", now=NOW)


def test_progress_notes_are_dated_and_appended(db):
    goal = goals.create("Kubernetes course", skill="Kubernetes", now=NOW)
    goals.add_progress(goal, "Module 1 done", now=NOW)
    goals.add_progress(goal, "Built a cluster", now=datetime(2026, 12, 7, 9))
    assert goal.progress == "2026-11-30: Module 1 done\n2026-12-07: Built a cluster"
    with pytest.raises(ServiceError):
        goals.add_progress(goal, "   ", now=NOW)


def test_done_adds_the_skill_to_the_profile_and_a_new_gap_goal_can_follow(db):
    goal = goals.from_gap("Terraform", now=NOW)
    goals.complete(goal, add_to_profile=True, now=NOW)
    assert goal.done_at == NOW
    assert profile.find("terraform").level == 2
    # a done goal does not block a new one for the same skill
    assert goals.from_gap("Terraform", now=NOW).id != goal.id


def test_done_without_adding_and_never_lowers_a_level(db):
    profile.set_skill("Go", 4)
    goals.complete(goals.from_gap("Go", now=NOW), add_to_profile=True, now=NOW)
    assert profile.find("go").level == 4
    goals.complete(goals.from_gap("Rust", now=NOW), add_to_profile=False, now=NOW)
    assert profile.find("rust") is None


def test_due_lists_overdue_and_this_week(db):
    overdue = goals.create("Overdue", deadline="2026-11-20", now=NOW)
    soon = goals.create("Soon", deadline="2026-12-07", now=NOW)
    goals.create("Later", deadline="2026-12-08", now=NOW)
    goals.create("Someday", now=NOW)  # 8 weeks out
    done = goals.create("Done", deadline="2026-11-29", now=NOW)
    goals.complete(done, now=NOW)
    assert [g.id for g in goals.due(NOW)] == [overdue.id, soon.id]
    assert goals.status(overdue, NOW) == "overdue" and goals.status(soon, NOW) == "due soon"
    goals.reopen(done)
    assert done.id in [g.id for g in goals.due(NOW)]


def test_open_goals_with_a_deadline_are_in_the_calendar_feed(db):
    from jobloop.services import calendar

    goal = goals.from_gap("Kubernetes", now=NOW)
    done = goals.create("Old course", deadline="2026-12-01", now=NOW)
    goals.complete(done, add_to_profile=False, now=NOW)
    feed = calendar.feed(NOW).decode()
    assert f"goal-{goal.id}@jobloop" in feed and "Goal deadline: Learn Kubernetes" in feed
    assert "DTSTART;VALUE=DATE:20270125" in feed
    assert "Old course" not in feed
