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

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..db import database, is_sqlite, marks, plain_sql, rows
from ..migrations import FEEDBACK_DATE, HAS_FEEDBACK, STORY_DEFERRED
from .. import stages
from ..clock import local_to_utc, local_today
from ..models import Contact, Event, Goal, PostingStory, utcnow
from ..parsing.job_site import site_name
from ..stages import ENDINGS, IN_FLIGHT
from . import settings
from .kept import kept

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


# ---- the figures: counted by the store as it is written, kept until it changes ------------
#
# Each posting's stage history is summed up in posting_story, and those rows counted in
# story_tally, by triggers on events and postings (migrations.py, "posting stories"): a write
# changes the rows of the postings it touches, so no view reads every event. What the tallies
# say (Story) is kept against the store's data version, which every write to postings, events,
# reflections, goals or contacts moves on (kept.py): a view after a write reads a few hundred
# tally rows and a few index ranges again. What depends on "now" (the weeks, the wins of the
# last 7 days) is counted on each view from posting_story's and event's date indexes.

def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _days(wait_us: int) -> float:
    # As (response_at - applied_at).total_seconds() / 86400 computes it: microseconds / 10**6 first.
    return wait_us / 10**6 / 86400


def _middle(hosts: list[str] | None, count: int) -> tuple[str, tuple]:
    """The middle one or two of the `count` waits of postings on `hosts` (all when None), read
    at the middle of the (host, wait_us) or (wait_us) index, not every wait."""
    where = "wait_us IS NOT NULL"
    if hosts is not None:
        where += f" AND host IN ({', '.join('?' for _ in hosts)})"
    return (plain_sql(f"SELECT wait_us FROM posting_story WHERE {where} ORDER BY wait_us LIMIT {2 - count % 2}"
                 f" OFFSET {(count - 1) // 2}"), tuple(hosts or ()))


def _median_wait(hosts: list[str] | None, count: int) -> float | None:
    """The median wait in days, as statistics.median takes it: the middle one, or the mean of the
    middle two."""
    if not count:
        return None
    days = [_days(w) for (w,) in database.execute_sql(*_middle(hosts, count)).fetchall()]
    return days[0] if count % 2 else (days[0] + days[1]) / 2


@dataclass(frozen=True)
class Story:
    """What the stage histories say, kept until the store's data version moves on."""
    counts: dict
    by_source: list
    median_days: float | None
    endings: dict
    interviews: int  # interviews had or planned: the events, and a move to interviewing without one
    wins: dict  # the other wins' all-time totals: {"feedback": n, "goals_done": n, "contacts": n}


def _read_story() -> Story:
    """The tallies, grouped by site and by ending (the definitions above are spelled in SQL in
    migrations._story_select); the medians from the wait index."""
    counts = {"saved": 0, "applied": 0, "response": 0, "interview": 0, "offer": 0, "responded": 0}
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # applied, responded, waited
    hosts: dict[str, list[str]] = defaultdict(list)
    reached: Counter = Counter()
    moved = 0
    for host, applied, response, interviewed, offered, is_moved, waited, stage, furthest, n in rows(
            "SELECT host, applied, response, interviewed, offered, moved, waited, stage, reached, n"
            " FROM story_tally WHERE n > 0"):
        counts["saved"] += n
        counts["applied"] += applied * n
        counts["response"] += response * n
        counts["responded"] += applied * response * n
        counts["interview"] += interviewed * n
        counts["offer"] += offered * n
        moved += is_moved * n
        if stage in ENDINGS:
            floor = 1 if stage in ("rejected", "ghosted") else 0  # nobody is rejected or ghosted without applying
            reached[(PROGRESS[max(floor, furthest)], stage)] += n
        if applied:
            group = groups[_site(host)]
            group[0] += n
            group[1] += response * n
            group[2] += waited * n
            if waited and host not in hosts[_site(host)]:
                hosts[_site(host)].append(host)
    by_source = sorted(({"source": source, "applied": n, "responded": responded,
                         "response_rate": _rate(responded, n), "median_days": _median_wait(hosts[source], waited)}
                        for source, (n, responded, waited) in groups.items()), key=lambda r: (-r["applied"], r["source"]))
    every = sum(waited for _, _, waited in groups.values())
    events = Event.select().where(Event.kind == "interview").count()
    return Story(counts=counts, by_source=by_source, median_days=_median_wait(None, every),
                 endings=_endings(reached), interviews=events + moved,
                 wins={"feedback": database.execute_sql(*_feedback()).fetchone()[0],
                       **{name: query.count() for name, (query, _) in _dated_wins().items()}})


def _tallies_current() -> None:
    """Read inside a writer's own transaction, PostgreSQL's stories and tallies first take in its
    changes, which they otherwise do at commit (migrations.STORY_DEFERRED)."""
    if database.in_transaction() and not is_sqlite():
        database.execute_sql(f"SET CONSTRAINTS {', '.join(STORY_DEFERRED)} IMMEDIATE")
        database.execute_sql(f"SET CONSTRAINTS {', '.join(STORY_DEFERRED)} DEFERRED")


def story() -> Story:
    """The history's figures, kept until any write moves the store's data version (kept.py)."""
    _tallies_current()
    return kept("insights", _read_story)


def _interviews_in(after: datetime | None, until: datetime | None) -> int:
    """Interviews (events, and moves to interviewing without one) dated in (after, until]."""
    def window(when):
        cond = when.is_null(False)
        if after is not None:
            cond &= when > after
        if until is not None:
            cond &= when <= until
        return cond

    return (Event.select().where((Event.kind == "interview") & window(Event.at)).count()
            + PostingStory.select().where(window(PostingStory.moved_at)).count())


def _applied_in(after: datetime, until: datetime) -> int:
    """Postings whose "applied at" falls in (after, until]."""
    at = PostingStory.applied_at
    return PostingStory.select().where((at > after) & (at <= until)).count()


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


def _endings(counts: Counter) -> dict:
    """{"rows": [{"reached", count per ending..., "total"}], "totals": {ending: n}}: for each ended
    posting, the furthest of saved → offer reached before its (latest) ending."""
    table = []
    for stage in PROGRESS:
        row = {"reached": stage, **{e: counts.get((stage, e), 0) for e in ENDINGS}}
        row["total"] = sum(row[e] for e in ENDINGS)
        table.append(row)
    return {"rows": table, "totals": {e: sum(r[e] for r in table) for e in ENDINGS},
            "total": sum(counts.values())}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(now: datetime, weeks: int = 12) -> list[dict]:
    # Weeks of the user's calendar: a Monday-morning application in Sydney is Sunday in UTC. Each
    # local Monday midnight is turned into its UTC moment once; each week is a range of the index.
    this_week = week_start(local_today(now))
    starts = [this_week - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    edges = [local_to_utc(datetime.combine(s, time.min)) for s in starts + [this_week + timedelta(weeks=1)]]
    # One statement, a count of the applied_at index's range per week.
    week = "(SELECT COUNT(*) FROM posting_story WHERE applied_at >= ? AND applied_at < ?)"
    counts = rows("SELECT " + ", ".join([week] * len(starts)),
                   [edge for i in range(len(starts)) for edge in (edges[i], edges[i + 1])])[0]
    return [{"week_start": s, "count": counts[i]} for i, s in enumerate(starts)]


def in_flight(target: int) -> dict:
    # From the tallies: counting the stage index walks ~50,000 entries at 100,000 postings.
    _tallies_current()
    count = rows(f"SELECT COALESCE(SUM(n), 0) FROM story_tally WHERE stage IN ({marks(IN_FLIGHT)})",
                  IN_FLIGHT)[0][0]
    below = count < target
    note = None
    if below:
        note = (f"{count} in flight against a target of {target}. A few more applications "
                f"keep any single answer from weighing too much.")
    return {"count": count, "target": target, "below": below, "note": note}


def _dated_wins() -> dict:
    """{win: (its rows, the date each counts on)} for goals and contacts (small tables)."""
    return {"goals_done": (Goal.select().where(Goal.done_at.is_null(False)), Goal.done_at),
            "contacts": (Contact.select().where(Contact.last_contact_at.is_null(False)), Contact.last_contact_at)}


def _feedback(since: datetime | None = None, until: datetime | None = None) -> tuple[str, tuple]:
    """Reflections whose feedback holds more than white space, dated when written (in (since,
    until] when given): a range of the reflection_feedback_dated index (migrations.py), which
    holds those apart, so only their rows are read."""
    sql = f"SELECT COUNT(*) FROM reflection WHERE ({HAS_FEEDBACK}) = TRUE"
    if since is None:
        return plain_sql(sql), ()
    return plain_sql(f"{sql} AND {FEEDBACK_DATE} > ? AND {FEEDBACK_DATE} <= ?"), (since, until)


def wins(told: Story, now: datetime) -> dict:
    """(in the last WINDOW_DAYS, all time) of each win: the totals kept with the story, the
    week's counted on each view from a date index."""
    since = now - timedelta(days=WINDOW_DAYS)
    week = {name: query.where((when > since) & (when <= now)).count() for name, (query, when) in _dated_wins().items()}
    week["feedback"] = database.execute_sql(*_feedback(since, now)).fetchone()[0]
    return {
        "applications": {"label": "Applications sent", "week": _applied_in(since, now),
                         "total": told.counts["applied"]},
        # A scheduled interview is not had yet: only those up to now (all but the few after it).
        "interviews": {"label": "Interviews had", "week": _interviews_in(since, now),
                       "total": told.interviews - _interviews_in(now, None)},
        "feedback": {"label": "Feedback received", "week": week["feedback"], "total": told.wins["feedback"]},
        "goals_done": {"label": "Goals done", "week": week["goals_done"], "total": told.wins["goals_done"]},
        "contacts": {"label": "Contacts kept warm", "week": week["contacts"], "total": told.wins["contacts"]},
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
        "weekly": weekly(now, weeks),
        "weekly_target": goal["weekly_target"],
        "in_flight": in_flight(goal["in_flight_target"]),
        "wins": wins(told, now),
    }
