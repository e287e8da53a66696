"""The .ics feed at its secret URL: parses with icalendar, holds the due items, 404s on a wrong secret."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import partial
import re

import pytest
from icalendar import Calendar

from factories import Clock, stored_posting
from jobloop.models import Goal
from jobloop.services import calendar, followups, pipeline  # noqa: F401

T0 = datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def clock():
    return Clock(T0 + timedelta(days=1))


make_posting = partial(stored_posting, at=T0, title="SRE", company="Stark Industries")


def feed_url(client) -> str:
    html = client.get("/followups/settings").text
    found = re.search(r'id="feed-url"[^>]*value="([^"]+)"', html) or re.search(r'value="([^"]+)"[^>]*id="feed-url"', html)
    assert found, "the settings page shows the feed address"
    return found.group(1)


def events_of(body: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(body)
    return {str(ev["uid"]): ev for ev in cal.walk("VEVENT")}


def test_feed_holds_followups_interviews_and_goals(client, db):
    applied = make_posting("applied", title="SRE")
    interviewing = make_posting("screening", title="Staff-Engineer", company="Wayne Enterprises")
    interview = pipeline.log_interview(interviewing, datetime(2026, 3, 5, 15, 0), kind="onsite", with_="Lucius",
                                       duration_minutes=90, now=T0)
    Goal.create(title="Finish the Kubernetes course", deadline=date(2026, 4, 1))
    Goal.create(title="Done already", deadline=date(2026, 3, 10), done_at=T0)

    url = feed_url(client)
    assert url.startswith("http://localhost/calendar/") and url.endswith(".ics")
    response = client.get(url.replace("http://localhost", ""))  # no token: calendar apps cannot send one
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    events = events_of(response.data)

    check_in = [e for uid, e in events.items() if uid.startswith("followup-") and "Check in" in str(e["summary"])]
    assert len(check_in) == 1
    assert "SRE at Stark Industries" in str(check_in[0]["summary"])
    # An all-day task on its due date, not an appointment at the minute of the click.
    assert check_in[0].decoded("dtstart") == date(2026, 3, 9)
    assert check_in[0].decoded("dtend") == date(2026, 3, 10)
    assert str(check_in[0]["description"]) == "Message: Following up on my application — SRE"

    iv = events[f"interview-{interview.id}@jobloop"]
    assert iv.decoded("dtstart") == datetime(2026, 3, 5, 15, 0, tzinfo=timezone.utc)
    assert iv.decoded("dtend") - iv.decoded("dtstart") == timedelta(minutes=90)
    assert "Lucius" in str(iv["summary"]) and "Wayne Enterprises" in str(iv["summary"])
    assert f"/postings/{interviewing.id}" in str(iv["url"])

    goals = [str(e["summary"]) for uid, e in events.items() if uid.startswith("goal-")]
    assert goals == ["Goal deadline: Finish the Kubernetes course"]

    # The thank-you for the interview is in too, and nothing that is closed.
    kinds = sorted(str(e["summary"]).split(":")[0] for uid, e in events.items() if uid.startswith("followup-"))
    assert kinds == ["Check in", "Send a thank-you note"]  # the ghosted suggestion waits for the check-in
    assert applied.id  # the applied posting's follow-ups are the check-in and the ghosted suggestion


def test_wrong_or_missing_secret_is_404(client, db):
    real = calendar.secret()
    assert len(real) >= 43  # 32 random bytes, base64url
    assert client.get(f"/calendar/{real}.ics").status_code == 200
    assert client.get(f"/calendar/{real[:-1]}x.ics").status_code == 404
    assert client.get("/calendar/.ics").status_code == 404
    assert client.get("/calendar/guess.ics").status_code == 404


def test_regenerating_breaks_the_old_address(client, db):
    old = feed_url(client).replace("http://localhost", "")
    html = client.get("/followups/settings").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    # Without the form's CSRF token the address stays.
    assert client.post("/followups/calendar/regenerate").status_code == 403
    assert client.get(old).status_code == 200
    r = client.post("/followups/calendar/regenerate", data={"csrf_token": token})
    assert r.status_code == 303
    new = feed_url(client).replace("http://localhost", "")
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_feed_answers_only_loopback_hosts(client, db):
    url = f"/calendar/{calendar.secret()}.ics"
    assert client.get(url, headers={"Host": "evil.example"}).status_code == 403
    assert client.get(url, headers={"Host": "127.0.0.1:8765"}).status_code == 200


def test_follow_ups_fall_on_the_local_day_and_interviews_keep_their_zone(client, db, zone):
    from zoneinfo import ZoneInfo

    from jobloop.clock import utc_to_local

    make_posting("applied", title="Analyst")
    interviewing = make_posting("screening", title="Auditor")
    interview = pipeline.log_interview(interviewing, datetime(2026, 3, 5, 23, 30), with_="Ada", now=T0)
    Goal.create(title="Ship the portfolio", deadline=date(2026, 4, 1))
    events = events_of(client.get(feed_url(client).replace("http://localhost", "")).data)
    check_in = next(e for uid, e in events.items() if "Check in" in str(e["summary"]))
    assert check_in.decoded("dtstart") == utc_to_local(T0 + timedelta(days=7)).date()
    iv = events[f"interview-{interview.id}@jobloop"]
    # In the machine's zone, by name (UTC is written as UTC: "…Z", no TZID).
    assert iv["dtstart"].params.get("TZID") == (None if zone == "UTC" else zone)
    assert iv.decoded("dtstart") == datetime(2026, 3, 5, 23, 30, tzinfo=timezone.utc)
    assert iv.decoded("dtstart").utcoffset() == datetime(2026, 3, 5, 23, 30, tzinfo=ZoneInfo(zone)).utcoffset()
    goal = next(e for uid, e in events.items() if uid.startswith("goal-"))
    assert goal.decoded("dtstart") == date(2026, 4, 1)
    cal = Calendar.from_ical(client.get(feed_url(client).replace("http://localhost", "")).data)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ([] if zone == "UTC" else [zone])


def test_a_moved_follow_up_keeps_its_uid(client, db):
    posting = make_posting("applied", title="Geologist")
    url = feed_url(client).replace("http://localhost", "")
    before = {uid for uid in events_of(client.get(url).data) if uid.startswith("followup-")}
    pipeline.set_applied_on(posting, T0 - timedelta(days=2), now=T0 + timedelta(days=1))
    after = events_of(client.get(url).data)
    assert {uid for uid in after if uid.startswith("followup-")} == before
    (uid,) = before
    assert after[uid].decoded("dtstart") == date(2026, 3, 7)


def test_far_future_dates_do_not_break_the_feed(client, auth, db, zone):
    from jobloop.models import Event, FollowUp

    posting = make_posting("offer", title="Astronaut")
    offer_reply = followups.for_posting(posting)[0]
    # Rows written before dates had bounds (input refuses them now): the feed must still read them.
    far = datetime(9999, 12, 31, 23, 50)
    FollowUp.update(snoozed_until=far).where(FollowUp.id == offer_reply.id).execute()
    Event.create(posting=posting, kind="interview", at=far, details={"kind": "video", "duration_minutes": 60})
    Goal.create(title="Retire", deadline=date(9999, 12, 31))
    response = client.get(feed_url(client).replace("http://localhost", ""))
    assert response.status_code == 200
    events = events_of(response.data)
    goal = next(e for uid, e in events.items() if uid.startswith("goal-"))
    assert goal.decoded("dtstart") == date(9999, 12, 31) and "DTEND" not in goal
    assert client.get(f"/postings/{posting.id}").status_code == 200


def test_a_zone_without_a_name_writes_utc_times(client, db, monkeypatch):
    import time

    from jobloop.clock import local_zone

    monkeypatch.setenv("TZ", "XYZ-3")  # a POSIX zone string: an offset, no IANA name
    time.tzset()
    try:
        assert local_zone() is None
        posting = make_posting("screening", title="Pilot")
        interview = pipeline.log_interview(posting, datetime(2026, 3, 5, 9, 0), now=T0)
        events = events_of(client.get(feed_url(client).replace("http://localhost", "")).data)
        iv = events[f"interview-{interview.id}@jobloop"]
        assert iv.decoded("dtstart") == datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)
        assert "TZID" not in iv["dtstart"].params
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_feed_is_a_window_of_thirty_days_back_and_half_a_year_ahead(client, db, monkeypatch):
    from jobloop.models import Event, FollowUp

    posting = make_posting("applied", title="Welder")
    now = T0 + timedelta(days=1)  # the clock
    rows = {}
    for name, due in (("long overdue", now - timedelta(days=40)), ("overdue", now - timedelta(days=20)),
                      ("soon", now + timedelta(days=100)), ("next year", now + timedelta(days=200))):
        rows[name] = followups.create("check_in", due, posting=posting, message=name, now=T0).id
    snoozed = followups.create("check_in", now - timedelta(days=60), posting=posting, now=T0)
    FollowUp.update(snoozed_until=now + timedelta(days=5)).where(FollowUp.id == snoozed.id).execute()
    old = Event.create(posting=posting, kind="interview", at=now - timedelta(days=31), details={})
    ahead = Event.create(posting=posting, kind="interview", at=now + timedelta(days=170), details={})
    uids = set(events_of(client.get(f"/calendar/{calendar.secret()}.ics").data))
    assert {f"followup-{rows['overdue']}@jobloop", f"followup-{rows['soon']}@jobloop",
            f"followup-{snoozed.id}@jobloop", f"interview-{ahead.id}@jobloop"} <= uids
    assert not {f"followup-{rows['long overdue']}@jobloop", f"followup-{rows['next year']}@jobloop",
                f"interview-{old.id}@jobloop"} & uids

    # And at most so many of each, the soonest first.
    monkeypatch.setattr(calendar, "MAX_FOLLOWUPS", 2)
    kept = [uid for uid in events_of(client.get(f"/calendar/{calendar.secret()}.ics").data) if uid.startswith("followup-")]
    assert len(kept) == 2 and f"followup-{rows['soon']}@jobloop" not in kept
