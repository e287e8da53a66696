"""Archiving postings: out of the board and the default table, never out of history.

An archived posting keeps its stage, timeline and follow-ups; it stays in text search,
in insights, in the dashboard's counts and in exports. The board and the table (unless
asked to show archived postings) leave it out. Archiving is `posting.archived_at`, a
time, so "archived on" can be shown and undone exactly.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from ..db import database
from ..models import Posting
from . import postings, settings

STALE = settings.Numbers(what="archive setting", defaults={"stale_weeks": 4}, bounds={"stale_weeks": (1, 104)},
                         prefix="archive.", label="{}")


def stale_weeks() -> int:
    """After how many weeks untouched a saved posting counts as stale (the board's offer)."""
    return STALE.read()["stale_weeks"]


def save_stale_weeks(value) -> int:
    return STALE.save({"stale_weeks": value})["stale_weeks"]


def archive(posting_ids: list[int], now: datetime) -> int:
    """Archive the given postings not archived yet; returns how many were."""
    if not posting_ids:
        return 0
    with database.atomic():
        return (Posting.update(archived_at=now)
                .where(Posting.id.in_(posting_ids) & Posting.archived_at.is_null()).execute())


def unarchive(posting_ids: list[int]) -> int:
    if not posting_ids:
        return 0
    with database.atomic():
        return (Posting.update(archived_at=None)
                .where(Posting.id.in_(posting_ids) & Posting.archived_at.is_null(False)).execute())


def stale_saved(now: datetime, weeks: int | None = None):
    """Saved, never applied, not archived, and untouched (no edit, note or stage change) for
    `weeks` weeks: the postings the board offers to archive. A query of ids."""
    weeks = stale_weeks() if weeks is None else weeks
    cutoff = now - timedelta(weeks=weeks)
    return (Posting.select(Posting.id)
            .where((Posting.stage == "saved") & postings.not_archived() & (Posting.updated_at < cutoff))
            .order_by(Posting.id))
