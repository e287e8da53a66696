"""The table as a spreadsheet: its columns, which ones the user shows, and what each
row's derived cells hold (date applied, days waiting, next action, tags).

The chosen columns are a setting (`table.columns`, through services/settings.py), so
they are the same in every browser and the table's export ("download this view")
follows them. The cells of a page of rows are read in a fixed number of queries,
whatever the number of rows (tests/test_table_web.py counts them).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import FollowUp, Posting
from ..stages import IN_FLIGHT
from . import followups, pipeline, settings, tags
from .errors import ServiceError

# key -> (heading, the postings.SORTS key it sorts by, or None)
COLUMNS: dict[str, tuple[str, str | None]] = {
    "title": ("Title", "title"),
    "company": ("Company", "company"),
    "stage": ("Stage", "stage"),
    "applied": ("Applied on", "applied"),
    "waiting": ("Days waiting", "waiting"),
    "next": ("Next action", "next"),
    "salary": ("Salary", "salary"),
    "location": ("Location", "location"),
    "site": ("Site", "source"),
    "tags": ("Tags", None),
    "saved": ("Saved", "created"),
    "updated": ("Updated", "updated"),
}
ALWAYS = ("title",)  # a row needs its link
DEFAULT = ("title", "company", "stage", "applied", "waiting", "next", "salary", "location", "site", "tags")
KEY = "table.columns"


def chosen() -> list[str]:
    """The columns the user shows, in the table's order; a stored value that is not a
    list of known columns reads as the default."""
    stored = settings.get(KEY)
    if not isinstance(stored, list) or not stored or not all(isinstance(c, str) for c in stored):
        return list(DEFAULT)
    picked = {c for c in stored if c in COLUMNS} | set(ALWAYS)
    return [c for c in COLUMNS if c in picked]


def choose(columns: list[str]) -> list[str]:
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise ServiceError(f"no column called {unknown[0]!r}; expected some of {', '.join(COLUMNS)}",
                           code="unknown_column")
    picked = set(columns) | set(ALWAYS)
    settings.put(KEY, [c for c in COLUMNS if c in picked])
    return chosen()


@dataclass
class NextAction:
    label: str
    at: datetime


@dataclass
class Cells:
    """A page's derived cells, by posting id."""

    applied: dict[int, datetime]
    next: dict[int, NextAction]
    tags: dict[int, list[str]]

    def waiting(self, posting: Posting, now: datetime) -> int | None:
        return days_waiting(posting, now)


def days_waiting(posting: Posting, now: datetime) -> int | None:
    """Whole days since the application entered its stage, while it waits on the employer."""
    if posting.stage not in IN_FLIGHT or posting.stage_changed_at is None:
        return None
    return max(0, (now - posting.stage_changed_at).days)


def next_actions(posting_ids: list[int]) -> dict[int, NextAction]:
    """posting id -> its next open follow-up (soonest; a snoozed one at its snooze's end), in one query."""
    if not posting_ids:
        return {}
    found: dict[int, NextAction] = {}
    query = (FollowUp.select(FollowUp.posting, FollowUp.kind, FollowUp.due_at, FollowUp.snoozed_until)
             .where(FollowUp.posting.in_(posting_ids) & (FollowUp.status == "open")))
    for row in query:
        at = max(row.due_at, row.snoozed_until) if row.snoozed_until else row.due_at
        best = found.get(row.posting_id)
        if best is None or at < best.at:
            found[row.posting_id] = NextAction(followups.label(row), at)
    return found


def cells(rows: list[Posting]) -> Cells:
    ids = [p.id for p in rows]
    return Cells(applied=pipeline.applied_dates(ids), next=next_actions(ids), tags=tags.for_postings(ids))
