"""Companies in the real popup (Chromium, the unpacked extension, a real jobloop server):
"you were here before" with the fit before saving, and the same job clipped from LinkedIn
after it was tracked from Greenhouse.

Job pages are served from 127.0.0.1. The LinkedIn page is served at its real address by the
browser itself (Playwright answers the request; nothing leaves the machine), read by a copy
of the extension that may also read that host: the shipped one may only read loopback pages
without a click on its button, which a test cannot give.
"""
from __future__ import annotations

import json
import shutil
from datetime import timedelta

import pytest

from browser import ROOT, launch_chromium, screenshot, serve_pages
from factories import job_page, stored_posting
from jobloop.models import Contact, Reflection, utcnow
from jobloop.services import companies, network, profile
from test_extension_browser import api, message, open_job_tab, open_popup, postings_for, set_settings, wait_badge

pytestmark = pytest.mark.browser
DOCS_SHOT = ROOT / "docs" / "screenshots" / "popup-history.png"
GREENHOUSE = "https://boards.greenhouse.io/acme/jobs/4001"
LINKEDIN = "https://www.linkedin.com/jobs/view/4001234"
DESCRIPTION = "<p>You know Python, SQL, Kubernetes and Terraform.</p>"


@pytest.fixture
def chromium(tmp_path):
    # A copy of the extension that may also read www.linkedin.com (see the module's note).
    copy = tmp_path / "extension"
    shutil.copytree(ROOT / "extension", copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["host_permissions"].append("https://www.linkedin.com/*")
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with launch_chromium(tmp_path, extension=copy) as browser:
        yield browser


def _rejected_after_the_interview():
    posting = stored_posting("rejected", stages=("applied", "interviewing"), at=utcnow() - timedelta(days=80),
                             step=timedelta(days=9), company="Acme Robotics", title="Data Engineer",
                             skills=["Kubernetes", "SQL"])
    r = Reflection.get(Reflection.posting == posting)
    r.feedback, r.written_at = "Strong SQL; wanted more Kubernetes in production.", utcnow()
    r.save()
    network.create(name="Ada Lovelace", role="Recruiter", company="Acme Robotics", warmth="warm")
    Contact.update(last_contact_at=utcnow() - timedelta(days=40)).execute()


def test_popup_shows_the_earlier_outcome_feedback_and_contact_before_saving(chromium, live_server, token, db):
    _rejected_after_the_interview()
    profile.set_skill("Python", 4)
    profile.set_skill("sql", 3)
    companies.set_target("Acme Robotics", why="They build the robots I like", priority=1)
    set_settings(chromium, live_server.url, token)
    with serve_pages({"/jobs/platform": job_page(title="Platform Engineer", company="ACME Robotics Inc.",
                                                 description=DESCRIPTION)}) as pages:
        _, tab = open_job_tab(chromium, pages.url + "/jobs/platform")
        popup = open_popup(chromium, tab)
        popup.wait_for_selector("#preview:not([hidden])")
        popup.wait_for_selector("#clip-context:not([hidden])")
        history = popup.locator("#history").inner_text()
        assert "You were here before: Acme Robotics" in history
        assert "for Data Engineer — rejected after the interview." in history
        assert "Feedback: Strong SQL; wanted more Kubernetes in production." in history
        assert "Your contact: Ada Lovelace (recruiter), last in touch 40 days ago." in history
        assert popup.locator("#target").inner_text() == (
            "Acme Robotics is one of your target companies (high priority): They build the robots I like")
        fit = popup.locator("#fit").inner_text()
        assert fit.startswith("You have 2 of 4 asked. Missing: Kubernetes (asked in 1 of your rejections), Terraform")
        assert "%" not in fit and "score" not in fit.lower()  # no number pretending to precision
        head = companies.find("Acme Robotics")
        assert popup.get_attribute("#history a", "href") == f"{live_server.url}/companies/{head.id}"
        # Shown before the save button, and nothing saved yet.
        assert popup.evaluate("() => !!(document.getElementById('clip-context').compareDocumentPosition("
                              "document.getElementById('save')) & Node.DOCUMENT_POSITION_FOLLOWING)")
        assert postings_for(live_server.url, token, pages.url + "/jobs/platform") == []
        screenshot(popup, "popup-history", also=DOCS_SHOT)

        popup.click("#save")
        popup.wait_for_selector("#tracked:not([hidden])")
        [saved] = postings_for(live_server.url, token, pages.url + "/jobs/platform")
        assert companies.head_of(companies.find("ACME Robotics Inc.")).id == head.id  # one company


def test_a_linkedin_clip_of_a_job_tracked_from_greenhouse_is_attached_not_saved_twice(chromium, live_server, token, db):
    set_settings(chromium, live_server.url, token)
    tracked = api(live_server.url, token, "/api/captures", "POST", {"url": GREENHOUSE, "html": job_page(
        title="Senior Data Engineer", company="Acme Robotics", description=DESCRIPTION)})
    linkedin_page = job_page(title="Sr. Data Engineer", company="Acme Robotics, Inc.", description=DESCRIPTION)
    chromium.context.route("https://www.linkedin.com/**", lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body=linkedin_page))

    job_tab, tab = open_job_tab(chromium, LINKEDIN)
    popup = open_popup(chromium, tab)
    popup.wait_for_selector("#same-job")
    offer = popup.locator("#same-job").inner_text()
    assert "This looks like the job you track from Greenhouse: Senior Data Engineer (saved)." in offer
    screenshot(popup, "popup-same-job")
    popup.click("#attach-url")
    popup.wait_for_selector("#tracked:not([hidden])")
    assert message(popup).startswith("Attached to Senior Data Engineer")

    [posting] = postings_for(live_server.url, token, LINKEDIN)
    assert posting["id"] == tracked["id"]
    assert api(live_server.url, token, f"/api/postings/{tracked['id']}/urls")["urls"] == [GREENHOUSE, LINKEDIN]
    assert len(api(live_server.url, token, "/api/postings")["postings"]) == 1
    wait_badge(chromium, tab, "SAVE")  # the badge knows the LinkedIn address as the tracked posting
    # Reopened later, the LinkedIn page is the tracked posting; the badge's own lookup finds it too.
    popup = open_popup(chromium, tab)
    popup.wait_for_selector("#tracked:not([hidden])")
    assert "Already tracked" in message(popup)
    # The badge's own lookup (on load, cache emptied) recognizes the attached address.
    chromium.service_worker.evaluate("() => self.jobloop.badge.forgetAll()")
    chromium.service_worker.evaluate("(tabId) => chrome.action.setBadgeText({tabId, text: ''})", tab)
    wait_badge(chromium, tab, "")
    job_tab.reload()
    wait_badge(chromium, tab, "SAVE")
