"""Reflections: once an application ends and the sting has passed, a few honest questions.

An ending (rejected, withdrawn, ghosted) makes one Reflection row, due after a
cool-down: by default 09:00 local time on the next day — the user sleeps on it
first. Undoing the ending (the stage moves back to an open one) removes the
reflection again if nothing was written in it yet. The pipeline calls
`reconcile` after every change to a posting's timeline.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from peewee import JOIN, fn

from .. import stages
from ..clock import local_to_utc, utc_to_local
from ..models import POSTING_LIST_COLUMNS, Company, Event, Posting, Reflection
from ..stages import ENDINGS
from . import NotFound, ServiceError, followups
from .bounds import MAX_TEXT

REACHABLE = stages.FORWARD


def cool_down_until(ended_at: datetime, *, days: int | None = None, hour: int | None = None) -> datetime:
    """`days` later at `hour` o'clock local time, as naive UTC."""
    if days is None or hour is None:
        r = followups.rules()
        days = r["reflection_days"] if days is None else days
        hour = r["reflection_hour"] if hour is None else hour
    local_day = utc_to_local(ended_at).date() + timedelta(days=days)
    due = local_to_utc(datetime.combine(local_day, time(hour)))
    return max(due, ended_at)  # days=0 with a morning hour already past: due at once


def stage_reached(posting: Posting) -> str | None:
    """The furthest forward stage before the ending: where the application got to."""
    return stages.reached_before_end(Event.select().where((Event.posting == posting) & (Event.kind == "stage")))


def get(reflection_id: int) -> Reflection:
    found = Reflection.get_or_none(Reflection.id == reflection_id)
    if found is None:
        raise NotFound(f"no reflection with id {reflection_id}")
    return found


def _query():
    # The posting's list columns, not its description: a list of 100 reflections read 100 of those.
    return (Reflection.select(Reflection, *POSTING_LIST_COLUMNS, Company).join(Posting)
            .join(Company, JOIN.LEFT_OUTER))


def due(now: datetime, limit: int | None = None, *, q: str | None = None) -> list[Reflection]:
    """Reflections whose cool-down is over and that are not written yet (matching `q`, if given)."""
    query = (_matching(_query(), q).where(Reflection.written_at.is_null() & (Reflection.due_at <= now))
             .order_by(Reflection.due_at, Reflection.id))
    return list(query.limit(limit) if limit else query)


def count_due(now: datetime) -> int:
    return Reflection.select().where(Reflection.written_at.is_null() & (Reflection.due_at <= now)).count()


def search(q: str | None = None, *, written: bool | None = None, limit: int = 100) -> list[Reflection]:
    query = _query()
    if written is True:
        query = query.where(Reflection.written_at.is_null(False))
    elif written is False:
        query = query.where(Reflection.written_at.is_null())
    query = _matching(query, q)
    return list(query.order_by(Reflection.due_at.desc(), Reflection.id.desc()).limit(limit))


def _matching(query, q: str | None):
    """Narrow a _query() to reflections whose answers, posting title or company contain q."""
    if not q or not q.strip():
        return query
    needle = q.strip().lower()
    return query.where(
        fn.LOWER(Reflection.went_well).contains(needle) | fn.LOWER(Reflection.to_improve).contains(needle)
        | fn.LOWER(Reflection.feedback).contains(needle) | fn.LOWER(Posting.title).contains(needle)
        | fn.LOWER(Company.name).contains(needle))


def for_posting(posting: Posting) -> list[Reflection]:
    return list(Reflection.select().where(Reflection.posting == posting).order_by(Reflection.due_at.desc()))


def update(reflection: Reflection, changes: dict[str, Any], now: datetime) -> Reflection:
    """Save answers. The first answer marks it written; feedback can come later and changes nothing else."""
    allowed = {"stage_reached", "went_well", "to_improve", "feedback", "confidence"}
    unknown = set(changes) - allowed
    if unknown:
        raise ServiceError(f"these fields cannot be edited: {', '.join(sorted(unknown))}", code="not_editable")
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "confidence":
            if value in (None, ""):
                clean[name] = None
                continue
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ServiceError("confidence: a whole number from 1 to 5", code="invalid") from None
            if not 1 <= number <= 5:
                raise ServiceError("confidence: a whole number from 1 to 5", code="invalid")
            clean[name] = number
        elif name == "stage_reached":
            if value and value not in REACHABLE:
                raise ServiceError(f"stage_reached: one of {', '.join(REACHABLE)}", code="invalid")
            clean[name] = value or None
        else:
            text = (value or "").replace("\r\n", "\n").strip()
            if len(text) > MAX_TEXT:
                raise ServiceError(f"{name}: at most {MAX_TEXT} characters", code="too_long")
            clean[name] = text
    for name, value in clean.items():
        setattr(reflection, name, value)
    answered = reflection.went_well or reflection.to_improve or reflection.confidence is not None
    if reflection.written_at is None and answered:
        reflection.written_at = now
    reflection.save()
    return reflection


def to_dict(reflection: Reflection, now: datetime) -> dict[str, Any]:
    posting = reflection.posting
    return {
        "id": reflection.id,
        "posting_id": reflection.posting_id,
        "posting_title": posting.title,
        "company": posting.company.name if posting.company_id else None,
        "ending": posting.stage if posting.stage in ENDINGS else None,
        "due_at": reflection.due_at,
        "is_due": reflection.written_at is None and reflection.due_at <= now,
        "stage_reached": reflection.stage_reached,
        "went_well": reflection.went_well,
        "to_improve": reflection.to_improve,
        "feedback": reflection.feedback,
        "confidence": reflection.confidence,
        "written_at": reflection.written_at,
        "created_at": reflection.created_at,
    }


def reconcile(posting: Posting, decider: Event | None, now: datetime, *, retime: bool = False) -> None:
    """One reflection per ended application, due after the cool-down from the ending;
    an empty one goes when the ending is undone. `retime`: the ending's date was corrected."""
    if posting.stage in ENDINGS and decider is not None:
        found = Reflection.get_or_none(Reflection.posting == posting)
        if found is None:
            Reflection.create(posting=posting, due_at=cool_down_until(decider.at), created_at=now,
                              stage_reached=stage_reached(posting))
        elif retime and found.written_at is None:
            found.due_at = cool_down_until(decider.at)
            found.save()
    else:
        # The ending was undone: an empty reflection is moot; a written one is kept.
        Reflection.delete().where((Reflection.posting == posting) & Reflection.written_at.is_null()).execute()


def planned(current: dict | None, stage: str, decider, stage_events, now: datetime, r: dict[str, int]) -> dict | None:
    """reconcile() for a posting being created in bulk (a spreadsheet import): the reflection
    it has after a stage change (`current`: the one it had before; nothing is written yet)."""
    if stage in ENDINGS and decider is not None:
        return current or {"due_at": cool_down_until(decider.at, days=r["reflection_days"], hour=r["reflection_hour"]),
                           "created_at": now, "stage_reached": stages.reached_before_end(stage_events)}
    return None  # an ending undone: an empty reflection is moot
