"""End to end in real Chromium: a rejection marked from the extension popup becomes, the next
morning, a feedback request on the dashboard (mailto with the company's name) and a reflection prompt."""
from __future__ import annotations

import json
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest

from browser import launch_chromium, screenshot, serve_pages
from factories import Clock, job_page
from jobloop.models import Company, Posting, Reflection, utcnow
from jobloop.services import pipeline, reflection

pytestmark = pytest.mark.browser


@pytest.fixture
def clock():
    return Clock()


def api(server_url, token, path, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(server_url + path, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


def test_rejected_in_the_popup_then_next_morning_the_dashboard_asks_for_feedback_and_a_reflection(
        tmp_path, live_server, token, clock, db):
    # Something else on the list, so the dashboard looks like a real morning.
    earlier = utcnow() - timedelta(days=9)
    other = Posting.create(canonical_url="https://jobs.example.test/other", url="https://jobs.example.test/other",
                           title="Site Reliability Engineer", company=Company.get_or_create(name="Globex")[0],
                           created_at=earlier, stage_changed_at=earlier)
    pipeline.change_stage(other, "applied", at=earlier, now=earlier)

    with serve_pages({"/jobs/ml-engineer": job_page(title="ML Engineer", company="Lumen Labs")}) as pages, \
            launch_chromium(tmp_path, extension=True) as browser:
        url = pages.url + "/jobs/ml-engineer"
        api(live_server.url, token, "/api/captures", "POST",
            {"url": url, "html": job_page(title="ML Engineer", company="Lumen Labs"), "stage": "interviewing"})
        browser.service_worker.evaluate(
            "([serverUrl, token]) => chrome.storage.local.set({settings: {serverUrl, token}})",
            [live_server.url, token])
        job = browser.new_page(url)
        job.wait_for_load_state("load")
        tab = browser.service_worker.evaluate(
            "async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id ?? null", url)

        popup = browser.new_page(browser.extension_url(f"popup/popup.html?tab={tab}"), width=360, height=560)
        popup.wait_for_selector("#tracked:not([hidden])")
        popup.click("#outcomes button[data-stage=rejected]")
        popup.wait_for_function("() => document.getElementById('tracked-stage').textContent === 'rejected'")
        posting_id = api(live_server.url, token, "/api/postings?url=" + urllib.parse.quote(url, safe=""))["postings"][0]["id"]
        rejected_at = Posting.get_by_id(posting_id).stage_changed_at

        # The popup's count: reopened, it says what is due (the check-in and the feedback request).
        popup.close()
        popup = browser.new_page(browser.extension_url(f"popup/popup.html?tab={tab}"), width=360, height=560)
        popup.wait_for_selector("#followups-due:not([hidden])")
        assert popup.locator("#followups-due").inner_text() == "2 follow-ups due"

        # The next morning, a little after the reflection's cool-down.
        row = Reflection.get(Reflection.posting == posting_id)
        assert row.due_at == reflection.cool_down_until(rejected_at)
        clock.now = row.due_at + timedelta(minutes=30)
        assert clock.now - rejected_at < timedelta(days=2)  # still inside the feedback request's window

        dash = browser.new_page(live_server.url + "/", width=1100, height=900)
        today = dash.locator("#today")
        feedback = today.locator(".followup[data-kind=feedback_request]")
        assert feedback.count() == 1
        assert "Lumen Labs" in feedback.inner_text() and "ask for feedback" in feedback.inner_text()
        mailto = feedback.locator("a.mailto").get_attribute("href")
        assert mailto.startswith("mailto:") and "Lumen Labs" in urllib.parse.unquote(mailto)
        prompt = today.locator(".reflection-prompt")
        assert prompt.count() == 1 and "ML Engineer" in prompt.inner_text()
        assert today.locator(".followup[data-kind=check_in]").count() == 1  # Globex, applied 9 days ago
        screenshot(dash, "dashboard-today")

        # The Copy button puts the message on the clipboard (the page's own module script ran).
        browser.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        feedback.locator("summary").click()
        feedback.locator("button[data-copy]").click()
        dash.wait_for_function("() => document.querySelector('.followup[data-kind=feedback_request] button[data-copy]').textContent === 'Copied'")
        copied = dash.evaluate("() => navigator.clipboard.readText()")
        assert "Lumen Labs" in copied and "feedback" in copied

        # Write the reflection: it leaves the dashboard and shows on the posting.
        prompt.locator("a").click()
        dash.wait_for_selector("form.reflection-form")
        assert dash.locator("#stage_reached").input_value() == "interviewing"
        dash.fill("#went_well", "The system design round")
        dash.fill("#to_improve", "Practise ML case questions")
        dash.check("input[name=confidence][value='4']")
        dash.click("form.reflection-form button")
        dash.wait_for_load_state("load")
        dash.goto(live_server.url + "/")
        assert dash.locator("#today .reflection-prompt").count() == 0
        dash.goto(f"{live_server.url}/postings/{posting_id}")
        assert "Practise ML case questions" in dash.locator("#followups").inner_text()
        screenshot(dash, "posting-followups")
