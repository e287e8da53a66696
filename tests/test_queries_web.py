"""Tracker pages read what they show in a fixed number of SQL statements: the same at 10
postings as at 50 (tests/querycount.py), so an N+1 cannot come back unnoticed."""
from __future__ import annotations

from datetime import datetime

import pytest

from factories import Clock
from jobloop.services import calendar
from querycount import grown_store_counts

NOW = datetime(2026, 11, 30, 12, 0)

PAGES = ["/", "/board", "/table", "/table?stage=applied", "/table?q=engineer", "/table?sort=company&dir=asc",
         "/followups", "/reflections", "/insights", "/network", "/settings", "/followups/settings"]


@pytest.fixture
def clock():
    return Clock(NOW)


def test_tracker_pages_do_not_query_per_row(client, db):
    feed = f"/calendar/{calendar.secret()}.ics"
    few, many = grown_store_counts(client, PAGES + [feed], NOW)
    grew = {path: (few[path], many[path]) for path in few if many[path] != few[path]}
    assert not grew, f"statements per request grew with the rows (10 postings -> 50): {grew}"
