"""One local time: with the machine in Sydney, Los Angeles or UTC, a day the user picks is
their day, and pages show their dates (the store keeps naive UTC)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from factories import Clock
from jobloop.models import Contact, Event, FollowUp, Posting
from jobloop.services import network, pipeline

# 22:00 UTC on 30 November = 09:00 on 1 December in Sydney = 14:00 on 30 November in Los Angeles.
NOW = datetime(2026, 11, 30, 22, 0)
LOCAL_TODAY = {"UTC": "2026-11-30", "Australia/Sydney": "2026-12-01", "America/Los_Angeles": "2026-11-30"}
LOCAL_TOMORROW = {"UTC": "2026-12-01", "Australia/Sydney": "2026-12-02", "America/Los_Angeles": "2026-12-01"}


@pytest.fixture
def clock():
    return Clock(NOW)


def csrf(client) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/settings").text).group(1)


def test_a_touch_dated_today_is_today_in_every_zone(client, db, zone):
    contact = network.create(name="Ana Ruiz", now=NOW - timedelta(days=40))
    page = client.get(f"/contacts/{contact.id}").text
    assert f'value="{LOCAL_TODAY[zone]}" max="{LOCAL_TODAY[zone]}"' in page
    r = client.post(f"/contacts/{contact.id}/touch", data={"csrf_token": csrf(client), "date": LOCAL_TODAY[zone]})
    assert r.status_code in (302, 303), r.text
    assert Contact.get_by_id(contact.id).last_contact_at == NOW
    r = client.post(f"/contacts/{contact.id}/touch", data={"csrf_token": csrf(client), "date": LOCAL_TOMORROW[zone]})
    assert r.status_code == 422 and "future" in r.text


def test_an_earlier_day_is_its_local_noon(client, db, zone):
    contact = network.create(name="Bo Chen", now=NOW - timedelta(days=40))
    client.post(f"/contacts/{contact.id}/touch", data={"csrf_token": csrf(client), "date": "2026-11-20"})
    last = Contact.get_by_id(contact.id).last_contact_at
    assert last.replace(tzinfo=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M") == "2026-11-20 12:00"
    assert "2026-11-20" in client.get(f"/contacts/{contact.id}").text


def test_applied_today_and_the_today_card_in_every_zone(client, db, zone):
    posting = Posting.create(canonical_url="https://jobs.example.test/z", url="https://jobs.example.test/z",
                             title="Navigator", created_at=NOW, stage_changed_at=NOW)
    pipeline.change_stage(posting, "saved", at=NOW, now=NOW)
    r = client.post(f"/postings/{posting.id}/applied", data={"csrf_token": csrf(client), "applied_on": LOCAL_TODAY[zone]})
    assert r.status_code == 302
    assert Event.get(Event.to_stage == "applied").at == NOW
    day = (datetime.fromisoformat(LOCAL_TODAY[zone]) - timedelta(days=10)).date().isoformat()
    client.post(f"/postings/{posting.id}/applied", data={"csrf_token": csrf(client), "applied_on": day})
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    html = client.get("/").text
    today = html[html.index('id="today"'):]
    assert today.count('data-kind="check_in"') == 1
    # Shown in local time: the check-in fell due at local noon three days ago.
    due_local = (datetime.fromisoformat(LOCAL_TODAY[zone]) - timedelta(days=3)).date()
    assert f"{due_local.day} {due_local:%b}, 12:00" in today
    assert check_in.due_at < NOW
    page = client.get(f"/postings/{posting.id}").text
    assert f'name="applied_on" required max="{LOCAL_TODAY[zone]}" value="{day}"' in page


def test_goal_status_and_weekly_counts_use_the_local_day(db, zone):
    from jobloop.models import Goal
    from jobloop.services import goals, insights

    goal = Goal.create(title="Finish the course", deadline=datetime(2026, 11, 30).date())
    # At 09:00 on 1 December in Sydney, a deadline of 30 November has passed.
    assert goals.status(goal, NOW) == ("overdue" if zone == "Australia/Sydney" else "due soon")

    posting = Posting.create(canonical_url="https://jobs.example.test/w", url="https://jobs.example.test/w",
                             created_at=NOW - timedelta(days=3), stage_changed_at=NOW - timedelta(days=3))
    monday_morning_sydney = datetime(2026, 11, 29, 21, 0)  # 08:00 Monday 30 Nov in Sydney; Sunday in UTC
    pipeline.change_stage(posting, "applied", at=monday_morning_sydney, now=NOW)
    weeks = insights.summary(now=NOW)["weekly"]
    counted = {w["week_start"].isoformat(): w["count"] for w in weeks if w["count"]}
    assert counted == ({"2026-11-30": 1} if zone == "Australia/Sydney" else {"2026-11-23": 1})


@pytest.mark.parametrize("deadline", ["9999-12-31", "1900-01-01", "next week"])
def test_goal_deadlines_go_through_the_one_date_parser(db, deadline):
    from datetime import date

    from jobloop.services import ServiceError, goals

    with pytest.raises(ServiceError) as err:
        goals.create("Learn Go", deadline=deadline)
    assert err.value.code == "invalid_date"
    with pytest.raises(ServiceError):
        goals.create("Learn Go", deadline=date(9999, 12, 31))


@pytest.mark.parametrize("query", ["from=9999-12-31", "to=9999-12-31", "from=0001-01-01"])
def test_table_filters_outside_the_date_window_say_so(client, db, query):
    r = client.get("/table?" + query)
    assert r.status_code == 200 and "between 1970 and 2200" in r.text
