"""The tracker in real Chromium: drag on the board, search, edit in place, hostile clips.
(Every page's screenshots: test_screenshots_browser.py.)"""
from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

import pytest

from factories import job_page, make_posting
from jobloop.models import Event, Posting, utcnow

pytestmark = pytest.mark.browser


def api_capture(server, token, url, html):
    """A capture through the real HTTP API, as the extension sends it."""
    request = urllib.request.Request(
        server.url + "/api/captures", data=json.dumps({"url": url, "html": html}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_dragging_a_card_changes_its_stage(page, live_server, db):
    posting = make_posting(title="Drag Me", company="Acme Robotics")
    page.goto(live_server.url + "/board")
    card = page.locator(f"#card-{posting.id}")
    target = page.locator('.board-column[data-stage="interviewing"]')
    card.drag_to(target)
    page.wait_for_function("() => document.querySelector('.board-status').textContent.includes('Moved')")
    assert target.locator(f"#card-{posting.id}").count() == 1
    fresh = Posting.get_by_id(posting.id)
    assert fresh.stage == "interviewing"
    event = Event.select().where(Event.posting == posting, Event.to_stage == "interviewing").get()
    assert abs((event.at - utcnow()).total_seconds()) < 60  # an event with a time
    page.reload()
    assert page.locator(f'.board-column[data-stage="interviewing"] #card-{posting.id}').count() == 1
    assert page.locator('.board-column[data-stage="interviewing"] [data-count]').inner_text() == "1"


def test_moving_a_card_with_the_keyboard(page, live_server, db):
    posting = make_posting(title="Keyboard Card")
    page.goto(live_server.url + "/board")
    page.locator(f"#card-{posting.id} .card-menu summary").focus()
    page.keyboard.press("Enter")  # opens the card's menu
    page.keyboard.press("Tab")  # the first stage offered
    assert page.evaluate("document.activeElement.value") == "applied"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.board-status').textContent.includes('Moved')")
    assert Posting.get_by_id(posting.id).stage == "applied"
    assert page.locator(f'.board-column[data-stage="applied"] #card-{posting.id}').count() == 1


def test_search_finds_a_posting_by_a_word_of_its_description(page, live_server, db):
    make_posting(title="Data Engineer", description="<p>Streaming with Flink and Kafka.</p>")
    make_posting(title="Product Designer", description="<p>Prototypes in Figma.</p>")
    make_posting(title="Support Lead", description="<p>Zendesk and empathy.</p>")
    page.goto(live_server.url + "/table")
    page.fill("#q", "figma")
    page.press("#q", "Enter")
    page.wait_for_url("**/table?*q=figma*")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1
    assert "Product Designer" in rows.first.inner_text()
    # The header search box does the same from any page.
    page.goto(live_server.url + "/")
    page.fill("#nav-q", "kafka")
    page.press("#nav-q", "Enter")
    page.wait_for_url("**/table?q=kafka")
    assert page.locator("table.data tbody tr").count() == 1
    assert "Data Engineer" in page.locator("table.data tbody").inner_text()


def test_in_place_edit_persists_and_survives_a_recapture(page, live_server, token, db):
    url = "https://boards.example-ats.test/acme/jobs/4242"
    created = api_capture(live_server, token, url, job_page(title="Parsed Title", company="Acme Robotics"))
    page.goto(f"{live_server.url}/postings/{created['id']}")
    title = page.locator("#f-title")
    title.fill("My Own Title")
    page.press("#f-title", "Enter")
    page.wait_for_function("() => document.querySelector('#err-title').textContent === 'Saved.'")
    assert page.locator('form[data-field="title"] .field-mark').inner_text() == "yours"
    page.reload()
    assert page.locator("#f-title").input_value() == "My Own Title"
    # A select saves as soon as it changes.
    page.select_option("#f-remote", "hybrid")
    page.wait_for_function("() => document.querySelector('#err-remote').textContent === 'Saved.'")

    api_capture(live_server, token, url, job_page(title="Parsed Again", company="Acme Robotics GmbH"))
    page.reload()
    assert page.locator("#f-title").input_value() == "My Own Title"
    assert page.locator("#f-remote").input_value() == "hybrid"
    assert page.locator("#f-company").input_value() == "Acme Robotics GmbH"  # not edited: refreshed


def test_a_bad_in_place_edit_keeps_the_text_and_says_why(page, live_server, db):
    posting = make_posting(title="Currency Test")
    page.goto(f"{live_server.url}/postings/{posting.id}")
    page.fill("#f-salary_currency", "e1")
    page.press("#f-salary_currency", "Enter")
    page.wait_for_function("() => document.querySelector('#err-salary_currency').textContent.includes('three-letter')")
    assert page.locator("#f-salary_currency").input_value() == "e1"
    assert page.locator("#f-salary_currency").get_attribute("aria-invalid") == "true"
    assert "salary_currency" not in (Posting.get_by_id(posting.id).user_edited or [])


HOSTILE = """<!doctype html><html><head><title>Evil Corp - Engineer</title>
<meta http-equiv="refresh" content="5;url=javascript:alert('refresh')">
<link rel="stylesheet" href="https://evil.example/x.css">
<script>alert('head script')</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"JobPosting",
"title":"Engineer <img src=x onerror=alert('title')>","hiringOrganization":{"@type":"Organization","name":"Evil Corp"},
"description":"<p>Join us.</p><script>alert('ld')</script><img src='https://evil.example/pixel.gif' onerror=\\"alert('img')\\"><a href='javascript:alert(1)'>apply here</a><iframe src='https://evil.example/frame'></iframe><svg onload=\\"alert('svg')\\"></svg><p onmouseover=\\"alert('hover')\\">Hover me</p>",
"datePosted":"2026-11-01","url":"javascript:alert('url')"}</script>
</head><body onload="alert('body')"><main><h1>Engineer</h1>
<p>Join us. <a href="javascript:alert('main link')">Apply now</a></p>
<p onmouseover="alert('hover')">We build things.</p><img src="x" onerror="alert('main img')">
<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">
<img src="https://evil.example/tracker.gif"></main><form action="https://evil.example/steal"><button>Go</button></form>
<script src="https://evil.example/evil.js"></script></body></html>"""


def test_a_posting_clipped_from_a_hostile_page_runs_nothing(page, live_server, token, db):
    created = api_capture(live_server, token, "https://evil.example/jobs/1", HOSTILE)
    dialogs, requests = [], []

    def outside(request):
        host = urlsplit(request.url).hostname
        return host not in (None, "127.0.0.1") and not request.url.startswith("data:")

    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r) if outside(r) else None)
    page.goto(f"{live_server.url}/postings/{created['id']}")
    page.wait_for_load_state("networkidle")
    assert page.locator('a[href^="javascript"], [onerror], [onload], [onmouseover]').count() == 0
    for link in page.locator(".description a").all():
        link.hover()
    page.locator("article.posting").hover()
    page.wait_for_timeout(300)
    assert dialogs == []
    assert [r.url for r in requests] == []  # the posting page does not even try

    # The saved copy of the page is sandboxed: its scripts stay dead, and what it
    # tries to load from elsewhere is stopped inside the browser by its CSP.
    page.goto(f"{live_server.url}/postings/{created['id']}/snapshot")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert dialogs == []
    assert "Engineer" in page.locator("h1").inner_text()
    assert [(r.url, r.failure) for r in requests if r.failure != "csp"] == []
