"""The Insights figures as they were first computed: every stage event read into Python.

Kept only as the reference the SQL computation (services/insights.py) is compared with on
seeded stores (tests/test_insights_service.py): slow, but simple enough to check by eye.
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from jobloop.db import database
from jobloop import stages
from jobloop.clock import local_today, utc_to_local
from jobloop.models import Contact, Event, Goal, Posting, Reflection, utcnow
from jobloop.parsing.job_site import site_name
from jobloop.stages import ENDINGS
from jobloop.services.insights import in_flight, targets

APPLIED = set(stages.APPLIED)
RESPONSE = set(stages.RESPONDED)
INTERVIEW = set(stages.INTERVIEWED)
OFFER = set(stages.OFFERED)
PROGRESS = stages.FORWARD[:-1]  # the funnel's steps up to an offer
WINDOW_DAYS = 7
FUNNEL = (("saved", "Saved"), ("applied", "Applied"), ("response", "Any response"),
          ("interview", "Interview"), ("offer", "Offer"))
# ---- one posting's history --------------------------------------------------------

class PostingRow(NamedTuple):
    """The three columns the figures read: whole postings (descriptions included)
    cost most of the time at 10,000 postings."""
    id: int
    stage: str
    canonical_url: str | None


class EventRow(NamedTuple):
    posting_id: int
    kind: str
    to_stage: str | None
    at: datetime


@dataclass
class History:
    posting: PostingRow
    applied_at: datetime | None = None
    explicit_applied: bool = False
    first_response_at: datetime | None = None
    interviewed: bool = False
    offered: bool = False
    interview_events: list = None  # datetimes of "interview" events
    entered_interviewing_at: datetime | None = None
    reached: str = "saved"  # furthest progress stage before the current ending

    @property
    def days_to_response(self) -> float | None:
        if not (self.explicit_applied and self.first_response_at):
            return None
        days = (self.first_response_at - self.applied_at).total_seconds() / 86400
        return days if days >= 0 else None


def _when(value) -> datetime:
    # SQLite hands back text ("2026-01-05 10:00:00[.ffffff]"), PostgreSQL a datetime.
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def histories() -> list[History]:
    # Raw cursor rows, not peewee's row wrappers: at 10,000 postings and ~17,000
    # events the per-row conversion was most of the Insights page's time.
    events = defaultdict(list)
    query = (Event.select(Event.posting, Event.kind, Event.to_stage, Event.at)
             .where(Event.kind.in_(["stage", "interview"])).order_by(Event.at, Event.id))
    for posting_id, kind, to_stage, at in database.execute(query):
        events[posting_id].append(EventRow(posting_id, kind, to_stage, _when(at)))
    rows = database.execute(Posting.select(Posting.id, Posting.stage, Posting.canonical_url).order_by(Posting.id))
    return [_history(p, events[p.id]) for p in map(PostingRow._make, rows)]


def _history(posting: Posting, events: list) -> History:
    h = History(posting=posting, interview_events=[])
    first_any_applied = None
    for e in events:
        if e.kind == "interview":
            h.interview_events.append(e.at)
            h.interviewed = True
            continue
        stage = e.to_stage
        if stage == "applied" and not h.explicit_applied:
            h.applied_at, h.explicit_applied = e.at, True
        if stage in APPLIED and first_any_applied is None:
            first_any_applied = e.at
        if stage in RESPONSE and h.first_response_at is None:
            h.first_response_at = e.at
        if stage in INTERVIEW:
            h.interviewed = True
        if stage == "interviewing" and h.entered_interviewing_at is None:
            h.entered_interviewing_at = e.at
        if stage in OFFER:
            h.offered = True
    if not h.explicit_applied:
        h.applied_at = first_any_applied
    if posting.stage in ENDINGS:
        ending_at = max((e.at for e in events if e.kind == "stage" and e.to_stage == posting.stage), default=None)
        reached = [PROGRESS.index(e.to_stage) for e in events
                   if e.kind == "stage" and e.to_stage in PROGRESS and (ending_at is None or e.at <= ending_at)]
        floor = 1 if posting.stage in ("rejected", "ghosted") else 0
        h.reached = PROGRESS[max(reached + [floor])]
    return h


# ---- the figures ------------------------------------------------------------------

def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def funnel(hs: list[History]) -> list[dict]:
    counts = {
        "saved": len(hs),
        "applied": sum(1 for h in hs if h.applied_at),
        "response": sum(1 for h in hs if h.first_response_at),
        "interview": sum(1 for h in hs if h.interviewed),
        "offer": sum(1 for h in hs if h.offered),
    }
    steps, previous = [], None
    for key, label in FUNNEL:
        steps.append({"step": key, "label": label, "count": counts[key],
                      "conversion": None if previous is None else _rate(counts[key], previous)})
        previous = counts[key]
    return steps


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def by_source(hs: list[History]) -> list[dict]:
    groups = defaultdict(list)
    for h in hs:
        if h.applied_at:
            # The job site it was found on, not the parser's adapter ("generic" for most).
            groups[site_name(h.posting.canonical_url) or "unknown"].append(h)
    rows = []
    for source, items in groups.items():
        responded = sum(1 for h in items if h.first_response_at)
        days = [h.days_to_response for h in items if h.days_to_response is not None]
        rows.append({"source": source, "applied": len(items), "responded": responded,
                     "response_rate": _rate(responded, len(items)), "median_days": _median(days)})
    return sorted(rows, key=lambda r: (-r["applied"], r["source"]))


def endings(hs: list[History]) -> dict:
    """{"rows": [{"reached", count per ending..., "total"}], "totals": {ending: n}}."""
    counts = Counter((h.reached, h.posting.stage) for h in hs if h.posting.stage in ENDINGS)
    rows = []
    for stage in PROGRESS:
        row = {"reached": stage, **{e: counts.get((stage, e), 0) for e in ENDINGS}}
        row["total"] = sum(row[e] for e in ENDINGS)
        rows.append(row)
    return {"rows": rows, "totals": {e: sum(r[e] for r in rows) for e in ENDINGS},
            "total": sum(counts.values())}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(hs: list[History], now: datetime, weeks: int = 12) -> list[dict]:
    # Weeks of the user's calendar: a Monday-morning application in Sydney is Sunday in UTC.
    this_week = week_start(local_today(now))
    starts = [this_week - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    counts = Counter(week_start(utc_to_local(h.applied_at).date()) for h in hs if h.applied_at)
    return [{"week_start": s, "count": counts.get(s, 0)} for s in starts]


def wins(hs: list[History], now: datetime) -> dict:
    since = now - timedelta(days=WINDOW_DAYS)

    def period(dt):
        return dt is not None and since < dt <= now

    def interviews(test):
        n = 0
        for h in hs:
            n += sum(1 for at in h.interview_events if test(at))
            if not h.interview_events and h.entered_interviewing_at and test(h.entered_interviewing_at):
                n += 1
        return n

    feedback = [r.written_at or r.created_at for r in Reflection.select() if (r.feedback or "").strip()]
    done = [g.done_at for g in Goal.select().where(Goal.done_at.is_null(False))]
    touched = [c.last_contact_at for c in Contact.select().where(Contact.last_contact_at.is_null(False))]
    applied = [h.applied_at for h in hs if h.applied_at]
    always = lambda dt: dt <= now  # noqa: E731  (a scheduled interview is not had yet)
    rows = [("applications", "Applications sent", applied), ("feedback", "Feedback received", feedback),
            ("goals_done", "Goals done", done), ("contacts", "Contacts kept warm", touched)]
    out = {key: {"label": label, "week": sum(1 for dt in dts if period(dt)), "total": len(dts)}
           for key, label, dts in rows}
    out["interviews"] = {"label": "Interviews had", "week": interviews(period), "total": interviews(always)}
    order = ("applications", "interviews", "feedback", "goals_done", "contacts")
    return {k: out[k] for k in order}


def summary(now: datetime | None = None, weeks: int = 12) -> dict:
    now = now or utcnow()
    hs = histories()
    goal = targets()
    applied = [h for h in hs if h.applied_at]
    days = [h.days_to_response for h in hs if h.days_to_response is not None]
    responded = sum(1 for h in applied if h.first_response_at)
    return {
        "now": now,
        "funnel": funnel(hs),
        "response_rate": _rate(responded, len(applied)),
        "median_days_to_response": _median(days),
        "by_source": by_source(hs),
        "endings": endings(hs),
        "weekly": weekly(hs, now, weeks),
        "weekly_target": goal["weekly_target"],
        "in_flight": in_flight(goal["in_flight_target"]),
        "wins": wins(hs, now),
    }
