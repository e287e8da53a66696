"""List endpoints read a page of rows in a fixed number of SQL statements, however many rows there are.

Statements are counted from peewee's own query log (logger "peewee", one DEBUG record per
statement it executes), so the count is what the database really ran.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import querycount
from factories import Clock, make_posting
from jobloop.services import goals, network, profile

NOW = datetime(2026, 11, 30, 12, 0)
ENDED = NOW - timedelta(days=20)   # long enough ago that each ending's reflection is due

LIST_ENDPOINTS = [
    "/api/postings",
    "/api/postings?stage=applied&q=engineer",
    "/api/followups?scope=upcoming&days=60",
    "/api/insights",
    "/api/followups",
    "/api/reflections",
    "/api/reflections?status=due",
    "/api/reflections?status=due&q=engineer",   # re-ran the search once per due row: 4 -> 31 statements
    "/api/reflections?status=written",
    "/api/reflections?q=acme",
    "/api/profile/skills",
    "/api/gaps",
    "/api/goals",
    "/api/contacts",                            # cadence and links read per contact: 7 -> 61
    "/api/contacts/due",
]


@pytest.fixture
def clock():
    return Clock(NOW)


def statements(client, auth, path: str) -> int:
    return querycount.statements(client, path, auth)


def seed(n: int, start: int) -> None:
    for i in range(start, start + n):
        make_posting(stage="rejected", at=ENDED, now=ENDED, title=f"Engineer {i}", company="Acme Robotics")
        network.create(name=f"Recruiter {i}", email=f"r{i}@example.test", now=NOW - timedelta(days=200))
        goals.create(f"Goal {i}", deadline=(NOW + timedelta(days=i)).date(), now=NOW)
        profile.set_skill(f"Skill {i}", 3)


def test_list_endpoints_do_not_query_per_row(client, auth, db):
    seed(3, 0)
    for path in LIST_ENDPOINTS:  # a first request fills what is remembered once (the search index check)
        statements(client, auth, path)
    few = {path: statements(client, auth, path) for path in LIST_ENDPOINTS}
    seed(27, 3)
    for path in LIST_ENDPOINTS:  # insights are kept until the store changes: read them again first
        statements(client, auth, path)
    many = {path: statements(client, auth, path) for path in LIST_ENDPOINTS}
    grew = {path: (few[path], many[path]) for path in LIST_ENDPOINTS if many[path] != few[path]}
    assert not grew, f"statements per request grew with the rows (3 rows -> 30 rows): {grew}"


def test_due_reflections_with_a_search_are_one_query_for_thirty_rows(client, auth, db):
    seed(30, 0)
    due = client.get("/api/reflections?status=due&q=engineer", headers=auth).get_json()["reflections"]
    assert len(due) == 30
    # The reflections list itself: one SELECT joined to posting and company (was 31 for 30 due rows).
    assert statements(client, auth, "/api/reflections?status=due&q=engineer") <= 3


def test_list_endpoints_cost_the_same_at_10_and_50_postings_with_their_history(client, auth, db):
    """The realistic store (tests/querycount.py): interviews, contacts, written reflections."""
    few, many = querycount.grown_store_counts(client, LIST_ENDPOINTS, NOW, auth)
    grew = {path: (few[path], many[path]) for path in few if many[path] != few[path]}
    assert not grew, f"statements per request grew with the rows (10 postings -> 50): {grew}"
