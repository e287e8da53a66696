"""Stages, their named groups, and the rule that reads a posting's current stage
from its timeline. Pure: no database, no Flask, so every layer (and, through
GET /api/stages, the extension) reads the same definitions.

The rule (docs/followups.md, "Which stage is current"):

- The forward stages are ordered: saved < applied < screening < interviewing
  < offer < accepted. The current stage is the furthest one the user reached,
  whatever the dates say: recording a past date never moves a posting back.
- The endings (rejected, withdrawn, ghosted) end the application; the latest
  one by date is the one that counts.
- A forward event dated after that ending reopens the application ("they
  called back"); the stage is then the furthest reached since the ending.
  "saved" never reopens (a clip is not news from the employer), and an ending
  and a forward event at the same time leave the application ended.
- With no stage event at all, a posting is saved.

The event that decides the stage is the first one that reached it (in the
current round); its date is the stage's date, and follow-ups are timed from it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, Protocol, TypeVar

FORWARD = ("saved", "applied", "screening", "interviewing", "offer", "accepted")
ENDINGS = ("rejected", "withdrawn", "ghosted")
STAGES = FORWARD + ENDINGS

# Named groups: every "which stages count as …" question is answered here.
IN_FLIGHT = ("applied", "screening", "interviewing", "offer")       # waiting on the employer
OPEN = FORWARD                                                       # not ended
ENDED = ENDINGS
# Reached "applied" (withdrawn is left out: one can withdraw before applying).
APPLIED = ("applied", "screening", "interviewing", "offer", "accepted", "rejected", "ghosted")
RESPONDED = ("screening", "interviewing", "offer", "accepted", "rejected")  # the employer answered
INTERVIEWED = ("interviewing", "offer", "accepted")
OFFERED = ("offer", "accepted")
TURNED_DOWN = ("rejected", "ghosted")   # a "no", spoken or silent: stood between the user and an offer
BEFORE_INTERVIEW = ("saved", "applied", "screening")
# Nothing more is expected from the employer: accepted, or ended. The board folds these into one column.
CLOSED = ("accepted",) + ENDINGS

GROUPS: dict[str, tuple[str, ...]] = {
    "forward": FORWARD, "endings": ENDINGS, "in_flight": IN_FLIGHT, "open": OPEN, "ended": ENDED,
    "applied": APPLIED, "responded": RESPONDED, "interviewed": INTERVIEWED, "offered": OFFERED,
    "turned_down": TURNED_DOWN, "before_interview": BEFORE_INTERVIEW, "closed": CLOSED,
}
ORDER = {stage: i for i, stage in enumerate(FORWARD)}


class StageEvent(Protocol):
    id: int
    to_stage: str
    at: datetime


E = TypeVar("E", bound=StageEvent)


def _when(event: StageEvent) -> tuple:
    return (event.at, event.id or 0)


def deciding_event(events: Iterable[E]) -> E | None:
    """The stage event that decides the current stage (see the module's rule), or None."""
    events = [e for e in events if e.to_stage in ORDER or e.to_stage in ENDINGS]
    endings = [e for e in events if e.to_stage in ENDINGS]
    forward = [e for e in events if e.to_stage in ORDER]
    if endings:
        last_end = max(endings, key=_when)
        forward = [e for e in forward if e.at > last_end.at and e.to_stage != "saved"]
        if not forward:
            return last_end
    if not forward:
        return None
    furthest = max(ORDER[e.to_stage] for e in forward)
    return min((e for e in forward if ORDER[e.to_stage] == furthest), key=_when)


def current(events: Iterable[StageEvent]) -> str:
    event = deciding_event(events)
    return event.to_stage if event is not None else "saved"


def reached_before_end(events: Iterable[StageEvent]) -> str | None:
    """The furthest forward stage before the latest ending: where an ended application got to."""
    events = list(events)
    endings = [e for e in events if e.to_stage in ENDINGS]
    cutoff = max(endings, key=_when) if endings else None
    before = [e for e in events if e.to_stage in ORDER and (cutoff is None or _when(e) < _when(cutoff))]
    return max((e.to_stage for e in before), key=ORDER.__getitem__, default=None)
