"""The issue's "done when", on a seeded history of 50 applications: the top three gaps,
one made a goal, who to get back in touch with this week, in flight against the target."""
from __future__ import annotations

from datetime import datetime

from jobloop.models import Posting
from jobloop.services import gaps, goals, insights, network

from factories.history import GAP_HEAVY, seed_history

NOW = datetime(2026, 11, 30, 12, 0)


def test_seeded_history_answers_the_four_questions(db):
    seeded = seed_history(50, now=NOW)
    assert Posting.select().count() == 50
    # every posting's story is in the past
    assert all(p.stage_changed_at <= NOW for p in seeded.postings)

    top = gaps.rank(limit=3)
    assert {g.skill for g in top} == set(GAP_HEAVY)  # the seed makes rejected postings ask for these
    assert all(g.rejected >= 5 for g in top)

    goal = goals.from_gap(top[0].skill, now=NOW)
    assert goal.deadline.isoformat() == "2027-01-25" and gaps.rank(limit=1)[0].goal_id == goal.id

    due = [c.name for c, _ in network.due(NOW)]
    assert due == ["Priya Raman", "Dana Whitfield"]  # close 35 d ago (30-day cadence), warm 58 d ago (60)

    flight = insights.summary(now=NOW)["in_flight"]
    expected = sum(1 for p in seeded.postings if p.stage in ("applied", "screening", "interviewing", "offer"))
    assert flight["count"] == expected > 0 and flight["target"] == 5
    funnel = {f["step"]: f["count"] for f in insights.summary(now=NOW)["funnel"]}
    assert funnel["offer"] >= 1 and funnel["saved"] == 50 > funnel["applied"] > funnel["response"] > funnel["interview"]
