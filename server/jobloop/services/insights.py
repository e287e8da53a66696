"""Insights: the funnel, response by source, where applications end, the weekly
pace, what is in flight, and the wins the user controls. All read from history
(stage events), not from the current stage alone, so a posting that reached an
interview and was then rejected still counts as interviewed.

Definitions (the tests check each one against hand-counted data):

- saved: every tracked posting (each one starts as saved).
- applied: the posting's history has a stage event to applied or any later
  stage (screening, interviewing, offer, accepted, rejected, ghosted): nobody
  is rejected or ghosted without applying. Withdrawn alone does not count (the
  user may withdraw before applying). "Applied at" is the first event to
  applied, or, without one, the first event to any of those stages.
- response: the employer answered: a stage event to screening, interviewing,
  offer, accepted or **rejected**. A rejection is a response (the user heard
  back); ghosted and withdrawn are not. "First response at" is the first such
  event.
- days to first response: from "applied at" to "first response at", in days
  (fractions kept). Only postings with an explicit applied event count: without
  one the application date is unknown.
- interview: a stage event to interviewing, offer or accepted, or an event of
  kind "interview". offer: a stage event to offer or accepted.
- conversion at a funnel step: its count over the previous step's count (None
  when the previous step is 0).
- where applications end: for each posting whose current stage is an ending
  (rejected, withdrawn, ghosted), the furthest stage of saved → applied →
  screening → interviewing → offer reached before the ending (at least
  "applied" for rejected and ghosted).
- applications per week: "applied at" dates per Monday-to-Sunday week.
- in flight: current stage applied, screening, interviewing or offer.
- wins (inputs, in the last 7 days and all time): applications sent (applied
  at), interviews had (each "interview" event dated up to now, plus one for
  a move to interviewing on a posting with no interview events), feedback received
  (reflections with non-empty feedback, dated when written), goals done, and
  contacts kept warm (contacts whose last contact falls in the period).
"""
from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import fn

from ..db import database, is_sqlite
from .. import stages
from ..clock import local_to_utc, local_today
from ..models import Contact, Goal, Posting, Reflection, utcnow
from ..parsing.job_site import site_name
from ..stages import ENDINGS, IN_FLIGHT
from . import settings
from .kept import kept

APPLIED = set(stages.APPLIED)
RESPONSE = set(stages.RESPONDED)
INTERVIEW = set(stages.INTERVIEWED)
OFFER = set(stages.OFFERED)
PROGRESS = stages.FORWARD[:-1]  # the funnel's steps up to an offer
FUNNEL = (("saved", "Saved"), ("applied", "Applied"), ("response", "Any response"),
          ("interview", "Interview"), ("offer", "Offer"))
TARGETS = {"weekly_target": 10, "in_flight_target": 5}
TARGET_LIMITS = {"weekly_target": (1, 500), "in_flight_target": (1, 200)}
WINDOW_DAYS = 7


# ---- targets ----------------------------------------------------------------------

TARGET_SETTINGS = settings.Numbers("target", TARGETS, TARGET_LIMITS, prefix="insights.")


def targets() -> dict[str, int]:
    return TARGET_SETTINGS.read()


def set_targets(**values) -> dict[str, int]:
    """Validate every value first, then save: a bad one changes nothing."""
    return TARGET_SETTINGS.save(values)


# ---- the figures: the history summed up by the store, kept until it changes -----------
#
# HISTORY sums up each posting's stage and interview events in SQL (GROUP BY posting,
# read from the covering index event_history), so Python receives one short row per
# posting instead of every event. What the history says (Story) is kept against the
# store's data version, which every write to postings, events, reflections, goals or
# contacts moves on (triggers, migrations.install_data_version): a page view after a
# write reads it again, every other view costs a few small queries. What depends on
# "now" (the weeks, the wins of the last 7 days) is counted on each view from the kept,
# sorted dates.

def _names(values) -> str:
    # Stage names are this module's constants (stages.py), never user input.
    return ", ".join(f"'{v}'" for v in values)


_STAGE = "e.kind = 'stage' AND e.to_stage"
HISTORY = f"""
SELECT e.posting_id AS posting_id,
  MIN(CASE WHEN {_STAGE} = 'applied' THEN e.at END) AS explicit_at,
  MIN(CASE WHEN {_STAGE} IN ({_names(APPLIED)}) THEN e.at END) AS any_applied_at,
  MIN(CASE WHEN {_STAGE} IN ({_names(RESPONSE)}) THEN e.at END) AS response_at,
  MAX(CASE WHEN ({_STAGE} IN ({_names(INTERVIEW)})) OR e.kind = 'interview' THEN 1 ELSE 0 END) AS interviewed,
  MAX(CASE WHEN {_STAGE} IN ({_names(OFFER)}) THEN 1 ELSE 0 END) AS offered,
  MIN(CASE WHEN {_STAGE} = 'interviewing' THEN e.at END) AS interviewing_at,
  SUM(CASE WHEN e.kind = 'interview' THEN 1 ELSE 0 END) AS interviews
FROM event e WHERE e.kind IN ('stage', 'interview') GROUP BY e.posting_id"""
# Each posting's history with "applied at": the first explicit applied event, else the first
# event to any stage that implies applying.
APPLIED_HISTORY = f"SELECT h.*, COALESCE(h.explicit_at, h.any_applied_at) AS applied_at FROM ({HISTORY}) h"


def _sql(sql: str) -> str:
    return sql.replace("?", database.param) if not is_sqlite() else sql


def _rows(sql: str, params=()) -> list[tuple]:
    return database.execute_sql(_sql(sql), tuple(params)).fetchall()


def _when(value) -> datetime | None:
    # SQLite hands back text ("2026-01-05 10:00:00[.ffffff]"), PostgreSQL a datetime.
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _host_sql() -> str:
    """The host part of p.canonical_url, in SQL: the site is named from it (job_site.py)."""
    if is_sqlite():
        rest = "substr(p.canonical_url, instr(p.canonical_url, '://') + 3)"
        return (f"CASE WHEN instr(p.canonical_url, '://') = 0 THEN NULL WHEN instr({rest}, '/') > 0"
                f" THEN substr({rest}, 1, instr({rest}, '/') - 1) ELSE {rest} END")
    return ("CASE WHEN strpos(p.canonical_url, '://') = 0 THEN NULL"
            " ELSE split_part(substr(p.canonical_url, strpos(p.canonical_url, '://') + 3), '/', 1) END")


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _days(applied_at: datetime, response_at: datetime) -> float | None:
    days = (response_at - applied_at).total_seconds() / 86400
    return days if days >= 0 else None


@dataclass(frozen=True)
class Story:
    """What the stage history says, kept until the store's data version moves on."""
    counts: dict
    by_source: list
    median_days: float | None
    endings: dict
    applied: list  # every "applied at", sorted
    interviews: list  # every interview had or planned, sorted: the events, and a move to interviewing without one


def _read_story() -> Story:
    """One pass over the per-posting history (with each posting's host), plus the endings and
    the interview events."""
    counts = {"saved": Posting.select().count(), "applied": 0, "response": 0, "interview": 0, "offer": 0,
              "responded": 0}
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    days: dict[str, list[float]] = defaultdict(list)
    every: list[float] = []
    applied: list[datetime] = []
    moved: list[datetime] = []
    sql = f"""SELECT {_host_sql()}, h.explicit_at, h.applied_at, h.response_at, h.interviewed, h.offered,
      h.interviewing_at, h.interviews FROM ({APPLIED_HISTORY}) h JOIN posting p ON p.id = h.posting_id"""
    # Walked on the cursor, not fetched whole: one posting's row at a time in memory.
    for host, explicit_at, applied_at, response_at, interviewed, offered, interviewing_at, interviews in \
            database.execute_sql(_sql(sql)):
        counts["interview"] += interviewed
        counts["offer"] += offered
        if response_at is not None:
            counts["response"] += 1
        if interviewing_at is not None and not interviews:
            moved.append(_when(interviewing_at))
        if applied_at is None:
            continue
        applied.append(_when(applied_at))
        source = _site(host)
        groups[source][0] += 1
        if response_at is not None:
            counts["responded"] += 1
            groups[source][1] += 1
            if explicit_at is not None:  # days to a first response: only where the application date is known
                d = _days(_when(explicit_at), _when(response_at))
                if d is not None:
                    days[source].append(d)
                    every.append(d)
    counts["applied"] = len(applied)
    by_source = sorted(({"source": source, "applied": n, "responded": responded,
                         "response_rate": _rate(responded, n), "median_days": _median(days.get(source, []))}
                        for source, (n, responded) in groups.items()), key=lambda r: (-r["applied"], r["source"]))
    events = [_when(at) for (at,) in _rows("SELECT at FROM event WHERE kind = 'interview'")]
    return Story(counts=counts, by_source=by_source, median_days=_median(every), endings=endings(),
                 applied=sorted(applied), interviews=sorted(events + moved))


def story() -> Story:
    """The history's figures, kept until any write moves the store's data version (kept.py)."""
    return kept("insights", _read_story)


def _between(times: list, after: datetime | None, until: datetime) -> int:
    """How many of the sorted `times` fall in (after, until]."""
    return bisect_right(times, until) - (bisect_right(times, after) if after is not None else 0)


def funnel(counts: dict) -> list[dict]:
    steps, previous = [], None
    for key, label in FUNNEL:
        steps.append({"step": key, "label": label, "count": counts[key],
                      "conversion": None if previous is None else _rate(counts[key], previous)})
        previous = counts[key]
    return steps


def _site(host: str | None) -> str:
    # The job site it was found on, not the parser's adapter ("generic" for most). `host` is
    # what follows "://" up to the first "/": site_name cuts it further at "?", "#" and "\\".
    return (site_name(f"https://{host}/") if host is not None else "") or "unknown"


def endings() -> dict:
    """{"rows": [{"reached", count per ending..., "total"}], "totals": {ending: n}}: for each ended
    posting, the furthest of saved → offer reached before its (latest) ending."""
    order = " ".join(f"WHEN '{stage}' THEN {i}" for i, stage in enumerate(PROGRESS))
    per_posting = f"""SELECT ends.stage AS stage, MAX(CASE e.to_stage {order} END) AS reached
      FROM (SELECT p.id AS id, p.stage AS stage, MAX(e.at) AS ending_at FROM posting p
            LEFT JOIN event e ON e.posting_id = p.id AND e.kind = 'stage' AND e.to_stage = p.stage
            WHERE p.stage IN ({_names(ENDINGS)}) GROUP BY p.id, p.stage) ends
      LEFT JOIN event e ON e.posting_id = ends.id AND e.kind = 'stage' AND e.to_stage IN ({_names(PROGRESS)})
        AND (ends.ending_at IS NULL OR e.at <= ends.ending_at)
      GROUP BY ends.id, ends.stage"""
    counts: Counter = Counter()
    for stage, reached, n in _rows(f"SELECT stage, reached, COUNT(*) FROM ({per_posting}) r GROUP BY stage, reached"):
        floor = 1 if stage in ("rejected", "ghosted") else 0  # nobody is rejected or ghosted without applying
        counts[(PROGRESS[max(floor, floor if reached is None else reached)], stage)] += n
    rows = []
    for stage in PROGRESS:
        row = {"reached": stage, **{e: counts.get((stage, e), 0) for e in ENDINGS}}
        row["total"] = sum(row[e] for e in ENDINGS)
        rows.append(row)
    return {"rows": rows, "totals": {e: sum(r[e] for r in rows) for e in ENDINGS},
            "total": sum(counts.values())}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(applied: list, now: datetime, weeks: int = 12) -> list[dict]:
    # Weeks of the user's calendar: a Monday-morning application in Sydney is Sunday in UTC. Each
    # local Monday midnight is turned into its UTC moment once; the sorted dates are then cut there.
    this_week = week_start(local_today(now))
    starts = [this_week - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    edges = [bisect_left(applied, local_to_utc(datetime.combine(s, time.min)))
             for s in starts + [this_week + timedelta(weeks=1)]]
    return [{"week_start": s, "count": edges[i + 1] - edges[i]} for i, s in enumerate(starts)]


def in_flight(target: int) -> dict:
    count = Posting.select().where(Posting.stage.in_(IN_FLIGHT)).count()
    below = count < target
    note = None
    if below:
        note = (f"{count} in flight against a target of {target}. A few more applications "
                f"keep any single answer from weighing too much.")
    return {"count": count, "target": target, "below": below, "note": note}


def wins(told: Story, now: datetime) -> dict:
    since = now - timedelta(days=WINDOW_DAYS)

    def both(query, when):
        """(in the last WINDOW_DAYS, all time) for rows of `query` dated by `when`."""
        total = query.count()
        return query.where((when > since) & (when <= now)).count(), total

    # Feedback: reflections whose feedback holds more than white space, dated when written.
    has_feedback = fn.TRIM(fn.REPLACE(fn.REPLACE(fn.REPLACE(Reflection.feedback, "\n", " "), "\r", " "), "\t", " ")) != ""
    feedback = both(Reflection.select().where(has_feedback), fn.COALESCE(Reflection.written_at, Reflection.created_at))
    done = both(Goal.select().where(Goal.done_at.is_null(False)), Goal.done_at)
    touched = both(Contact.select().where(Contact.last_contact_at.is_null(False)), Contact.last_contact_at)
    return {
        "applications": {"label": "Applications sent", "week": _between(told.applied, since, now),
                         "total": len(told.applied)},
        # A scheduled interview is not had yet: only those up to now.
        "interviews": {"label": "Interviews had", "week": _between(told.interviews, since, now),
                       "total": _between(told.interviews, None, now)},
        "feedback": {"label": "Feedback received", "week": feedback[0], "total": feedback[1]},
        "goals_done": {"label": "Goals done", "week": done[0], "total": done[1]},
        "contacts": {"label": "Contacts kept warm", "week": touched[0], "total": touched[1]},
    }


def summary(now: datetime | None = None, weeks: int = 12) -> dict:
    now = now or utcnow()
    goal = targets()
    told = story()
    counts = told.counts
    return {
        "now": now,
        "funnel": funnel(counts),
        "response_rate": _rate(counts["responded"], counts["applied"]),
        "median_days_to_response": told.median_days,
        "by_source": told.by_source,
        "endings": told.endings,
        "weekly": weekly(told.applied, now, weeks),
        "weekly_target": goal["weekly_target"],
        "in_flight": in_flight(goal["in_flight_target"]),
        "wins": wins(told, now),
    }
