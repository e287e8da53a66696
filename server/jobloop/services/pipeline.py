"""Stages and events: a posting moves through stages by adding events.

The current stage is read from the stage events by the rule in jobloop/stages.py
(furthest forward stage; endings end it; a later forward event reopens it) and
cached on the posting for fast listing. After every change to the timeline the
pipeline calls the rules that depend on it, explicitly and in this order:
follow-ups (services/followups.py), then reflections (services/reflection.py).

Events can be corrected: a date or note edit is recorded on the event (who,
when, what it was), and a deletion leaves a "correction" event on the timeline.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from peewee import fn

from .. import stages
from ..clock import utcnow
from ..db import database, is_sqlite
from ..models import Event, FollowUp, Posting
from . import NotFound, ServiceError, followups, reflection
from .bounds import check_date

EDITORS = ("tracker", "api")  # who made an edit: the tracker's forms or the API (extension, scripts)
MAX_NOTE = 20_000


def stage_events(posting: Posting) -> list[Event]:
    return list(Event.select().where((Event.posting == posting) & (Event.kind == "stage"))
                .order_by(Event.at, Event.id))


def deciding_event(posting: Posting) -> Event | None:
    """The stage event that decides the current stage (jobloop/stages.py)."""
    return stages.deciding_event(stage_events(posting))


def applied_event(posting: Posting) -> Event | None:
    """The event that says when the user applied: the first "applied" on the timeline."""
    return (Event.select().where((Event.posting == posting) & (Event.kind == "stage") & (Event.to_stage == "applied"))
            .order_by(Event.at, Event.id).first())


def applied_dates(posting_ids: list[int]) -> dict[int, datetime]:
    """posting id -> when the user applied, for a page of postings in one query."""
    if not posting_ids:
        return {}
    rows = (Event.select(Event.posting, fn.MIN(Event.at).alias("applied_at"))
            .where(Event.posting.in_(posting_ids) & (Event.kind == "stage") & (Event.to_stage == "applied"))
            .group_by(Event.posting).tuples())
    return {posting_id: _as_datetime(at) for posting_id, at in rows}


def _as_datetime(value) -> datetime:
    # An aggregate comes back as the stored text on SQLite (MIN() loses the column's type).
    return value if isinstance(value, datetime) else Event.at.python_value(value)


def _hold(posting: Posting) -> None:
    """One timeline writer per posting at a time, until the transaction ends. SQLite's
    transactions already take the write lock first; PostgreSQL locks the posting's row, so a
    writer reads the timeline only after the one before it has committed."""
    if not is_sqlite():
        # NO KEY UPDATE: writers queue behind each other, but not behind the key-share lock an
        # event insert takes on its posting (FOR UPDATE would deadlock two such writers).
        list(Posting.select(Posting.id).where(Posting.id == posting.id).for_update("FOR NO KEY UPDATE"))


def _touch(posting: Posting, now: datetime) -> None:
    """A note-like change: only `updated_at` is written. Saving the whole row would write back
    the stage this request read, over one a parallel request has settled since."""
    posting.updated_at = now
    posting.save(only=[Posting.updated_at])


def _settle(posting: Posting, now: datetime, *, retimed: Event | None = None) -> None:
    """Refresh the cached stage, then let the rules catch up with the timeline."""
    _hold(posting)  # the stage is read from the whole timeline, others' events included
    decider = deciding_event(posting)
    posting.stage = decider.to_stage if decider else "saved"
    posting.stage_changed_at = decider.at if decider else posting.created_at
    posting.updated_at = now
    # Only what settling decides: the whole row would write back whatever this request read
    # before it held the posting (an archive or edit made in between would be undone).
    posting.save(only=[Posting.stage, Posting.stage_changed_at, Posting.updated_at])
    followups.reconcile(posting, decider, now)
    reflection.reconcile(posting, decider, now, retime=retimed is not None and retimed == decider)


def _check_at(kind: str, at: datetime, now: datetime) -> None:
    # A scheduled interview may lie ahead; a stage change or a touch-point has happened.
    if kind != "interview" and at > now:
        raise ServiceError("an event cannot be dated in the future", code="future_date")


def change_stage(posting: Posting, stage: str, *, at: datetime | None = None, note: str = "",
                 now: datetime | None = None) -> Event:
    """Record a stage change at `at` (back-dating allowed) and refresh the current stage."""
    if stage not in stages.STAGES:
        raise ServiceError(f"unknown stage {stage!r}; expected one of {', '.join(stages.STAGES)}",
                           code="invalid_stage")
    now = now or utcnow()
    at = check_date(at, "at") or now
    if at > now:
        raise ServiceError("a stage change cannot be dated in the future", code="future_date")
    with database.atomic():
        # The stage it moves from is the store's now, under the timeline's hold: the one this
        # request read may be older than a change written while it queued.
        _hold(posting)
        posting.stage = Posting.select(Posting.stage).where(Posting.id == posting.id).scalar() or posting.stage
        event = Event.create(posting=posting, kind="stage", from_stage=posting.stage, to_stage=stage,
                             at=at, note=note or "", created_at=now)
        _settle(posting, now)
    return event


def start(posting: Posting, *, at: datetime, note: str, now: datetime) -> Event:
    """The first stage event of a posting inserted in this same transaction, as "saved" from
    `at`. Its timeline is this one event, so settling needs nothing read back: the stage it
    was inserted with stands, no follow-up rule schedules from "saved" and none of its rule-made
    follow-ups can exist yet, and "saved" is no ending (no reflection). change_stage() reaches
    the same rows with seven more statements; it still runs should a rule for "saved" appear."""
    if followups.STAGE_RULES.get("saved") or "saved" in stages.ENDINGS \
            or (posting.stage, posting.stage_changed_at) != ("saved", at):
        return change_stage(posting, "saved", at=at, now=now, note=note)
    return Event.create(posting=posting, kind="stage", from_stage="saved", to_stage="saved", at=at,
                        note=note or "", created_at=now)


def add_note(posting: Posting, note: str, *, at: datetime | None = None, kind: str = "note",
             details: dict | None = None, now: datetime | None = None) -> Event:
    if not (note or "").strip() and kind == "note":
        raise ServiceError("a note needs some text", code="empty_note")
    now = now or utcnow()
    event = Event.create(posting=posting, kind=kind, at=check_date(at, "at") or now, note=note or "",
                         details=details or {}, created_at=now)
    _touch(posting, now)
    return event


def log_interview(posting: Posting, at: datetime, *, kind: str = "video", with_: str = "", note: str = "",
                  duration_minutes: int = 60, now: datetime | None = None) -> Event:
    """An interview event (past or scheduled): a thank-you follows it, and the stage moves
    on to interviewing if it was earlier (dated no later than now: a stage change has happened)."""
    now = now or utcnow()
    check_date(at, "at")
    if kind not in followups.INTERVIEW_KINDS:
        raise ServiceError(f"kind: one of {', '.join(followups.INTERVIEW_KINDS)}", code="invalid_kind")
    if not 5 <= int(duration_minutes) <= 24 * 60:
        raise ServiceError("duration_minutes: between 5 and 1440", code="invalid_duration")
    with_ = (with_ or "").strip()[:200]
    details = {"kind": kind, "with": with_, "duration_minutes": int(duration_minutes)}
    text = (note or "").strip() or f"{kind.capitalize()} interview" + (f" with {with_}" if with_ else "")
    with database.atomic():
        event = add_note(posting, text, at=at, kind="interview", details=details, now=now)
        followups.after_interview(posting, event, now)
        if posting.stage in stages.BEFORE_INTERVIEW:
            change_stage(posting, "interviewing", at=min(at, now), now=now, note="interview logged")
    return event


def confirm_ghosted(followup: FollowUp, now: datetime) -> Event:
    """The user agrees the silence means "ghosted": mark the follow-up done, then the stage."""
    if followup.kind != "suggest_ghosted" or followup.posting_id is None:
        raise ServiceError("only a ghosted suggestion can mark a posting ghosted", code="invalid_followup")
    with database.atomic():
        followups.complete(followup, now)
        return change_stage(followup.posting, "ghosted", at=now, now=now, note="no answer; marked ghosted")


def set_applied_on(posting: Posting, at: datetime, *, by: str = "tracker", now: datetime | None = None) -> Event:
    """"Applied on": moves the applied event (re-timing what was scheduled from it), or
    records one at that date when the posting has none."""
    now = now or utcnow()
    with database.atomic():
        _hold(posting)  # two requests at once must not both find no applied event and record two
        event = applied_event(posting)
        if event is None:
            return change_stage(posting, "applied", at=at, now=now, note="")
        return edit_event(event, at=at, by=by, now=now)


# ---- corrections --------------------------------------------------------------------------------

def get_event(posting: Posting, event_id: int) -> Event:
    event = Event.get_or_none((Event.id == event_id) & (Event.posting == posting))
    if event is None:
        raise NotFound(f"posting {posting.id} has no event {event_id}")
    return event


def edit_event(event: Event, *, at: datetime | None = None, note: str | None = None, by: str = "tracker",
               now: datetime | None = None) -> Event:
    """Correct an event's date or note. The edit is recorded on the event (details["edits"]),
    follow-ups made from it move by the same amount, and the stage is read again."""
    now = now or utcnow()
    if by not in EDITORS:
        raise ServiceError(f"by: one of {', '.join(EDITORS)}", code="invalid")
    change: dict[str, Any] = {}
    if at is not None and at != event.at:
        _check_at(event.kind, at, now)
        change["at"] = [event.at.isoformat(), at.isoformat()]
    if note is not None:
        note = note.replace("\r\n", "\n").strip()
        if len(note) > MAX_NOTE:
            raise ServiceError(f"note: at most {MAX_NOTE} characters", code="too_long")
        if not note and event.kind == "note":
            raise ServiceError("a note needs some text", code="empty_note")
        if note != event.note:
            change["note"] = [event.note, note]
    if not change:
        return event
    posting = Posting.get_by_id(event.posting_id)
    with database.atomic():
        if "at" in change:
            _move_followups(event, at - event.at)
            event.at = at
        if "note" in change:
            event.note = note
        details = dict(event.details or {})
        details["edits"] = [*details.get("edits", []), {"on": now.isoformat(), "by": by, **change}]
        event.details = details
        event.save()
        if event.kind == "stage":
            _settle(posting, now, retimed=event if "at" in change else None)
        else:
            _touch(posting, now)
    return event


def _move_followups(event: Event, delta: timedelta) -> None:
    for row in FollowUp.select().where((FollowUp.source_event == event) & (FollowUp.status == "open")):
        row.due_at = row.due_at + delta
        row.save()


def delete_event(event: Event, *, by: str = "tracker", now: datetime | None = None) -> Event:
    """Remove a wrongly recorded event. Open follow-ups made from it go with it; the
    timeline keeps a "correction" event saying what was removed, when and by whom."""
    now = now or utcnow()
    if by not in EDITORS:
        raise ServiceError(f"by: one of {', '.join(EDITORS)}", code="invalid")
    posting = Posting.get_by_id(event.posting_id)
    what = f"“{event.to_stage}”" if event.kind == "stage" else f"{event.kind} “{event.note[:80]}”"
    with database.atomic():
        FollowUp.delete().where((FollowUp.source_event == event) & (FollowUp.status == "open")).execute()
        removed = {"id": event.id, "kind": event.kind, "to_stage": event.to_stage, "at": event.at.isoformat(),
                   "note": event.note}
        event.delete_instance()
        correction = Event.create(posting=posting, kind="correction", at=now, created_at=now,
                                  note=f"Removed {what}",
                                  details={"by": by, "removed": removed})
        if event.kind == "stage":
            _settle(posting, now)
        else:
            _touch(posting, now)
    return correction


def timeline(posting: Posting) -> list[Event]:
    return list(Event.select().where(Event.posting == posting).order_by(Event.at.desc(), Event.id.desc()))
