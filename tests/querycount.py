"""How many SQL statements one request runs, and a store that grows to show an N+1.

Statements are counted from peewee's own query log (logger "peewee", one DEBUG record
per statement it executes), so the count is what the database really ran. A page that
reads each row's company, cadence or contact on its own runs more statements for more
rows; `grown_store_counts` asks every path at 10 postings and again at 50 so a test can
assert the counts are equal (each time after one view that fills what is kept between views).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Iterator

from factories import stored_posting
from jobloop.models import Reflection
from jobloop.services import goals, network, pipeline, profile

STAGE_CYCLE = ("applied", "screening", "interviewing", "offer", "rejected", "ghosted", "withdrawn", "saved")


class QueryLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0
        self.sql: list[str] = []
        self.statements: list[tuple] = []  # (sql, params), whole: for EXPLAIN or a column check

    def emit(self, record):
        self.count += 1
        self.sql.append(str(record.msg)[:200])
        if isinstance(record.msg, tuple):
            self.statements.append(record.msg)


@contextmanager
def counting() -> Iterator[QueryLog]:
    log = QueryLog()
    logger = logging.getLogger("peewee")
    level = logger.level
    logger.addHandler(log)
    logger.setLevel(logging.DEBUG)
    try:
        yield log
    finally:
        logger.removeHandler(log)
        logger.setLevel(level)


def statements(client, path: str, headers: dict | None = None) -> int:
    """The statements one GET of `path` ran; the answer must be a 200."""
    with counting() as log:
        response = client.get(path, headers=headers or {})
    assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
    return log.count


def grow(start: int, stop: int, now: datetime) -> None:
    """Postings start..stop-1 the way a user's search fills the store: each moved through
    stages (rules make follow-ups and reflections), interviews logged, every third with a
    contact, every ended one's reflection written, a goal and a skill each."""
    for i in range(start, stop):
        stage = STAGE_CYCLE[i % len(STAGE_CYCLE)]
        at = now - timedelta(days=20 - (i % 15), hours=i % 7)
        path = {"interviewing": ("applied", "screening"), "offer": ("applied", "screening", "interviewing"),
                "rejected": ("applied",), "ghosted": ("applied",)}.get(stage, ())
        posting = stored_posting(stage if stage != "saved" else None, stages=path, at=at, step=timedelta(days=1),
                                 title=f"Engineer {i}", company=f"Company {i % 7}", skills=["Python", f"Skill {i}"])
        if stage in ("interviewing", "offer"):
            pipeline.log_interview(posting, at + timedelta(days=2), with_=f"Interviewer {i}", now=now)
            pipeline.log_interview(posting, now + timedelta(days=3 + i % 5), with_=f"Panel {i}", now=now)
        pipeline.add_note(posting, f"note {i}", at=at, now=now)
        if i % 3 == 0:
            network.create(name=f"Recruiter {i}", email=f"r{i}@example.test", company=f"Company {i % 7}",
                           posting=posting, now=now - timedelta(days=100 + i))
        Reflection.update(written_at=now, feedback=f"feedback {i}", went_well="the talk").where(
            Reflection.posting == posting).execute()
        goals.create(f"Goal {i}", skill=f"Skill {i}", deadline=(now + timedelta(days=i)).date(), now=now)
        profile.set_skill(f"Own skill {i}", 3)


def grown_store_counts(client, paths: list[str], now: datetime, headers: dict | None = None
                       ) -> tuple[dict[str, int], dict[str, int]]:
    """Statements per path with 10 postings, then with 50 (the same store, grown)."""
    counts = []
    for start, stop in ((0, 10), (10, 50)):
        grow(start, stop, now)
        for path in paths:  # what a first view fills once (the search index check, insights kept
            statements(client, path, headers)  # against the data version) is not per row
        counts.append({path: statements(client, path, headers) for path in paths})
    return counts[0], counts[1]
