"""The Today card: one next step per application, grouped by posting, several at once,
and labels that match the state (snoozed is not overdue)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from factories import Clock
from jobloop.models import Company, FollowUp, Posting
from jobloop.services import followups, pipeline

T0 = datetime(2026, 3, 2, 10, 0)
_n = iter(range(1, 10**6))


@pytest.fixture
def clock():
    return Clock(T0)


def csrf(client) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/settings").text).group(1)


def make_posting(title: str, stage="applied", at=T0) -> Posting:
    n = next(_n)
    posting = Posting.create(canonical_url=f"https://jobs.example.test/d{n}", url=f"https://jobs.example.test/d{n}",
                             title=title, company=Company.get_or_create(name="Initech")[0], created_at=at,
                             stage_changed_at=at)
    pipeline.change_stage(posting, stage, at=at, now=at)
    return Posting.get_by_id(posting.id)


def today_card(client) -> str:
    html = client.get("/").text
    return html[html.index('id="today"'):html.index("</section>", html.index('id="today"'))]


def test_grouped_by_posting_with_each_step_once(client, db, clock):
    a = make_posting("Archivist")
    make_posting("Botanist")
    pipeline.log_interview(a, T0 + timedelta(days=2), now=T0 + timedelta(days=2))  # a thank-you for a
    clock.now = T0 + timedelta(days=31)
    card = today_card(client)
    assert card.count('class="today-group"') == 2
    heads = re.findall(r'class="today-group-head"><a [^>]+>([^<]+)</a>', card)
    assert sorted(heads) == ["Archivist", "Botanist"]
    assert card.count('data-kind="check_in"') == 1  # a's check-in closed when it reached interviewing
    assert 'data-kind="suggest_ghosted"' not in card  # never beside the open check-in


def test_bulk_done_and_snooze_a_week(client, db, clock):
    for title in ("Archivist", "Botanist", "Chemist"):
        make_posting(title)
    clock.now = T0 + timedelta(days=8)
    ids = [f.id for f in FollowUp.select().order_by(FollowUp.id)]
    card = today_card(client)
    assert all(f'name="ids" value="{i}"' in card for i in ids)
    token = csrf(client)
    r = client.post("/followups/bulk", data={"csrf_token": token, "action": "snooze_week", "ids": ids[:2]})
    assert r.status_code == 303
    assert [FollowUp.get_by_id(i).snoozed_until for i in ids[:2]] == [clock.now + timedelta(days=7)] * 2
    card = today_card(client)
    assert card.count('data-kind="check_in"') == 1 and "2 snoozed, hidden until then." in card
    r = client.post("/followups/bulk", data={"csrf_token": token, "action": "done", "ids": [ids[2], ids[2]]})
    assert FollowUp.get_by_id(ids[2]).status == "done"
    # Done on a closed one is skipped, not an error; the ghosted suggestion now follows the check-in.
    r = client.post("/followups/bulk", data={"csrf_token": token, "action": "done", "ids": [ids[2]]})
    assert r.status_code == 303
    assert FollowUp.select().where(FollowUp.kind == "suggest_ghosted").count() == 1


@pytest.mark.parametrize("data, message", [
    ({"action": "done"}, "tick at least one"),
    ({"action": "explode", "ids": ["1"]}, "choose Done"),
    ({"action": "done", "ids": ["x"]}, "not ids"),
    ({"action": "done", "ids": [str(i) for i in range(1, 202)]}, "at most 200"),
])
def test_bulk_refuses_bad_input(client, db, clock, data, message):
    make_posting("Archivist")
    r = client.post("/followups/bulk", data={"csrf_token": csrf(client), **data})
    assert r.status_code == 422 and message in r.text
    assert FollowUp.get(FollowUp.kind == "check_in").status == "open"


def test_bulk_needs_the_csrf_token(client, db, clock):
    make_posting("Archivist")
    fu = FollowUp.get(FollowUp.kind == "check_in")
    client.get("/")
    assert client.post("/followups/bulk", data={"action": "done", "ids": [fu.id]}).status_code == 403
    assert FollowUp.get_by_id(fu.id).status == "open"


def test_a_snoozed_follow_up_reads_snoozed_not_overdue(client, db, clock):
    posting = make_posting("Archivist")
    fu = FollowUp.get(FollowUp.kind == "check_in")
    clock.now = T0 + timedelta(days=9)
    followups.snooze(fu, clock.now + timedelta(days=2), now=clock.now)
    page = client.get(f"/postings/{posting.id}").text
    assert "snoozed until" in page and "overdue since" not in page
    data = followups.to_dict(FollowUp.get_by_id(fu.id), clock.now)
    assert data["snoozed"] and not data["overdue"]
    clock.now += timedelta(days=3)  # the snooze is over and the due date long past
    page = client.get(f"/postings/{posting.id}").text
    assert "overdue since" in page and "snoozed until" not in page
