"""The dates walk-through in real Chromium against a real server: clip today, set applied to
ten days ago, see the check-in once on Today, correct the date, remove a wrong "rejected" —
with the server process in UTC and in Australia/Sydney."""
from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timedelta

import pytest

from browser import arrived, screenshot
from factories import job_page
from jobloop.models import FollowUp, Posting

pytestmark = pytest.mark.browser


def clip(server, token) -> dict:
    request = urllib.request.Request(
        server.url + "/api/captures",
        data=json.dumps({"url": "https://boards.example-ats.test/acme/jobs/77",
                         "html": job_page(title="Field Geologist")}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.parametrize("zone", ("UTC", "Australia/Sydney"), indirect=True)  # two zones: a browser run is slow
def test_applied_date_check_in_and_a_removed_rejection(chromium, zone, live_server, token, db):
    posting_id = clip(live_server, token)["id"]
    today = datetime.now().date()  # the server's (= the user's) local day
    page = chromium.new_page(width=1280, height=900)
    try:
        page.goto(f"{live_server.url}/postings/{posting_id}")
        page.fill("#applied-on", (today - timedelta(days=10)).isoformat())
        page.click("form.applied-on button")
        arrived(page, ".fact-stage .badge:has-text('applied')")
        assert page.locator("#followups [data-kind='check_in']").count() == 1
        assert "overdue since" in page.locator("#followups [data-kind='check_in']").inner_text()

        page.goto(live_server.url + "/")
        today_card = page.locator("#today")
        assert today_card.locator("[data-kind='check_in']").count() == 1
        assert today_card.locator(".today-group-head").inner_text().startswith("Field Geologist")
        screenshot(page, f"today-applied-ten-days-ago-{zone.replace('/', '-')}")

        # Correct the applied date: the check-in moves into the future and leaves Today.
        page.goto(f"{live_server.url}/postings/{posting_id}")
        page.fill("#applied-on", (today - timedelta(days=2)).isoformat())
        page.click("form.applied-on button")
        arrived(page, ".flash:has-text('Applied date saved')")
        due = FollowUp.get(FollowUp.kind == "check_in").due_at
        assert due > datetime.utcnow()
        assert "from" in page.locator("#followups [data-kind='check_in'] .badge").inner_text()
        page.goto(live_server.url + "/")
        assert page.locator("#today [data-kind='check_in']").count() == 0

        # A "rejected" recorded by mistake, then removed through the timeline.
        page.goto(f"{live_server.url}/postings/{posting_id}")
        page.select_option("#stage-select", "rejected")
        page.click("text=Record the move")
        arrived(page, ".fact-stage .badge:has-text('rejected')")
        assert page.locator("#followups [data-kind='feedback_request']").count() == 1
        entry = page.locator(".timeline li.timeline-stage", has=page.locator(".badge:has-text('rejected')")).first
        entry.locator("summary:has-text('Correct')").click()
        entry.locator("button:has-text('Remove event')").click()
        # The confirmation box is required: the browser refuses the form without it.
        assert Posting.get_by_id(posting_id).stage == "rejected"
        entry.locator("input[name=confirm]").check()
        entry.locator("button:has-text('Remove event')").click()
        # Wait for the page after the removal (only it has the correction entry), not for a
        # badge the page before it may show too.
        arrived(page, ".timeline li.timeline-correction")
        assert "applied" in page.locator(".fact-stage .badge").inner_text()
        assert page.locator("#followups [data-kind='feedback_request']").count() == 0
        assert page.locator("#followups [data-kind='check_in']").count() == 1
        assert page.locator(".timeline li.timeline-correction").count() == 1
        assert Posting.get_by_id(posting_id).stage == "applied"
        screenshot(page, f"timeline-correction-{zone.replace('/', '-')}")
    finally:
        page.close()
