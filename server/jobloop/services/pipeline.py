"""Stages and events: a posting moves through stages by adding events, never by rewriting them."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from ..db import database
from ..models import STAGES, Event, Posting, utcnow
from . import ServiceError
from .bounds import check_date

# Other services (follow-ups, reflections) subscribe here to react to new events,
# so the pipeline needs no knowledge of them.
_listeners: list[Callable[[Event], None]] = []


def on_event(listener: Callable[[Event], None]) -> Callable[[Event], None]:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def _announce(event: Event) -> None:
    for listener in list(_listeners):
        listener(event)


def latest_stage_event(posting: Posting) -> Event | None:
    return (
        Event.select()
        .where((Event.posting == posting) & (Event.kind == "stage"))
        .order_by(Event.at.desc(), Event.id.desc())
        .first()
    )


def change_stage(posting: Posting, stage: str, *, at: datetime | None = None, note: str = "",
                 now: datetime | None = None) -> Event:
    """Record a stage change at `at` (back-dating allowed) and refresh the cached stage."""
    if stage not in STAGES:
        raise ServiceError(f"unknown stage {stage!r}; expected one of {', '.join(STAGES)}", code="invalid_stage")
    now = now or utcnow()
    at = check_date(at, "at") or now
    if at > now:
        raise ServiceError("a stage change cannot be dated in the future", code="future_date")
    with database.atomic():
        event = Event.create(posting=posting, kind="stage", from_stage=posting.stage, to_stage=stage,
                             at=at, note=note or "", created_at=now)
        # The current stage is the latest stage event by time, so a back-dated
        # change does not override a later one.
        current = latest_stage_event(posting)
        posting.stage = current.to_stage
        posting.stage_changed_at = current.at
        posting.updated_at = now
        posting.save()
    _announce(event)
    return event


def add_note(posting: Posting, note: str, *, at: datetime | None = None, kind: str = "note",
             details: dict | None = None, now: datetime | None = None) -> Event:
    if not (note or "").strip() and kind == "note":
        raise ServiceError("a note needs some text", code="empty_note")
    now = now or utcnow()
    event = Event.create(posting=posting, kind=kind, at=check_date(at, "at") or now, note=note or "",
                         details=details or {}, created_at=now)
    posting.updated_at = now
    posting.save()
    _announce(event)
    return event


def timeline(posting: Posting) -> list[Event]:
    return list(Event.select().where(Event.posting == posting).order_by(Event.at.desc(), Event.id.desc()))
