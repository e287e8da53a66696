"""The development plan: dated goals, usually made from a skill gap in one click.

A goal made from a gap is titled "Learn <skill>" and is due DEFAULT_WEEKS (8)
weeks from today unless the user picks a date: long enough for a course or a
small project, short enough to still matter for this search. Progress notes are
appended with their date; finishing a goal can add its skill to the profile.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from ..clock import TimeInputError, local_today, parse_date
from ..models import Goal, utcnow
from . import NotFound, ServiceError, profile

DEFAULT_WEEKS = 8
DUE_SOON_DAYS = 7  # "due" on the dashboard: overdue, or due within a week
LEVEL_WHEN_DONE = 2  # the profile level a finished goal gives its skill


def get(goal_id: int) -> Goal:
    goal = Goal.get_or_none(Goal.id == goal_id)
    if goal is None:
        raise NotFound(f"no goal with id {goal_id}")
    return goal


def default_deadline(now: datetime | None = None) -> date:
    return local_today(now or utcnow()) + timedelta(weeks=DEFAULT_WEEKS)


def _deadline(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    try:  # one parser for every date a person types (jobloop/clock.py), window included
        return parse_date(value.isoformat() if isinstance(value, date) else str(value), "deadline")
    except TimeInputError as err:
        raise ServiceError(f"deadline: {err.reason}; a date like 2027-03-01", code="invalid_date") from None


def _title(value: str | None) -> str:
    title = " ".join((value or "").split())
    if not title:
        raise ServiceError("a goal needs a title", code="empty_title")
    if len(title) > 255:
        raise ServiceError("a goal title is at most 255 characters", code="invalid_title")
    return title


def create(title: str | None = None, *, skill: str | None = None, deadline=None,
           now: datetime | None = None) -> Goal:
    """A goal; with only a skill it becomes "Learn <skill>" due in eight weeks."""
    now = now or utcnow()
    skill = " ".join((skill or "").split()) or None
    if not title and skill:
        title = f"Learn {skill}"
    due = _deadline(deadline) if deadline not in (None, "") else default_deadline(now)
    return Goal.create(title=_title(title), skill=skill, deadline=due, created_at=now)


def from_gap(skill: str, *, deadline=None, now: datetime | None = None) -> Goal:
    """One click: the open goal for this skill, made if there is none yet."""
    k = profile.key(skill)
    if not k:
        raise ServiceError("which skill? the gap had no name", code="empty_skill")
    for goal in Goal.select().where(Goal.done_at.is_null() & Goal.skill.is_null(False)):
        if profile.key(goal.skill) == k:
            return goal
    return create(skill=skill, deadline=deadline, now=now)


def update(goal: Goal, *, title: str | None = None, deadline=None, skill: str | None = None) -> Goal:
    if title is not None:
        goal.title = _title(title)
    if deadline is not None:
        goal.deadline = _deadline(deadline)
    if skill is not None:
        goal.skill = " ".join(skill.split()) or None
    goal.save()
    return goal


def add_progress(goal: Goal, note: str, *, now: datetime | None = None) -> Goal:
    """Append a dated line to the goal's progress notes."""
    note = " ".join((note or "").split())
    if not note:
        raise ServiceError("a progress note needs some text", code="empty_note")
    line = f"{local_today(now or utcnow()).isoformat()}: {note}"
    goal.progress = f"{goal.progress}\n{line}" if goal.progress else line
    goal.save()
    return goal


def complete(goal: Goal, *, add_to_profile: bool = True, now: datetime | None = None) -> Goal:
    """Mark done. With add_to_profile, the goal's skill joins the profile (at
    LEVEL_WHEN_DONE, unless the profile already has it higher)."""
    goal.done_at = goal.done_at or (now or utcnow())
    goal.save()
    if add_to_profile and goal.skill:
        existing = profile.find(goal.skill)
        if existing is None or existing.level < LEVEL_WHEN_DONE:
            profile.set_skill(goal.skill, LEVEL_WHEN_DONE)
    return goal


def reopen(goal: Goal) -> Goal:
    goal.done_at = None
    goal.save()
    return goal


def delete(goal: Goal) -> None:
    goal.delete_instance()


def open_goals() -> list[Goal]:
    # Goals without a deadline sort last.
    goals = list(Goal.select().where(Goal.done_at.is_null()))
    return sorted(goals, key=lambda g: (g.deadline is None, g.deadline or date.max, g.id))


def done_goals() -> list[Goal]:
    return list(Goal.select().where(Goal.done_at.is_null(False)).order_by(Goal.done_at.desc()))


def due(now: datetime | None = None, *, among: list[Goal] | None = None) -> list[Goal]:
    """Open goals that are overdue or due within DUE_SOON_DAYS (`among`: the open
    goals when the caller has already read them)."""
    limit = local_today(now or utcnow()) + timedelta(days=DUE_SOON_DAYS)
    return [g for g in (open_goals() if among is None else among) if g.deadline is not None and g.deadline <= limit]


def status(goal: Goal, now: datetime | None = None) -> str:
    if goal.done_at:
        return "done"
    if goal.deadline is None:
        return "open"
    today = local_today(now or utcnow())  # the user's day, not the UTC one
    if goal.deadline < today:
        return "overdue"
    return "due soon" if goal.deadline <= today + timedelta(days=DUE_SOON_DAYS) else "open"


def to_dict(goal: Goal, now: datetime | None = None) -> dict:
    return {"id": goal.id, "title": goal.title, "skill": goal.skill,
            "deadline": goal.deadline.isoformat() if goal.deadline else None,
            "progress": goal.progress, "done_at": goal.done_at, "created_at": goal.created_at,
            "status": status(goal, now)}
