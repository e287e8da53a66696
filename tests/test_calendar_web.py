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
    interview = followups.log_interview(interviewing, datetime(2026, 3, 5, 15, 0), kind="onsite", with_="Lucius",
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
    assert check_in[0].decoded("dtstart") == datetime(2026, 3, 9, 10, 0, tzinfo=timezone.utc)
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
    assert kinds == ["Check in", "No answer for a while — mark it ghosted?", "Send a thank-you note"]
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
