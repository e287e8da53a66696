"""The extension in real Chromium, against the real jobloop server.

Pages are served from 127.0.0.1 (headless Chromium only lets extensions read
loopback pages); the popup is opened as a tab with ?tab=<id> pointing at the page.
"""
from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from browser import ROOT, launch_chromium, screenshot, serve_pages
from factories import job_page

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extension"
DOCS_SHOT = ROOT / "docs" / "screenshots" / "popup.png"


# ---- helpers -----------------------------------------------------------------------

def api(server_url: str, token: str, path: str, method: str = "GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(server_url + path, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


def postings_for(server_url, token, url):
    return api(server_url, token, "/api/postings?url=" + urllib.parse.quote(url, safe=""))["postings"]


def set_settings(browser, server_url, token):
    browser.service_worker.evaluate(
        "([serverUrl, token]) => chrome.storage.local.set({settings: {serverUrl, token}})", [server_url, token])


def tab_id(browser, url):
    return browser.service_worker.evaluate(
        "async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id ?? null", url)


def badge_text(browser, tab):
    return browser.service_worker.evaluate("(tabId) => chrome.action.getBadgeText({tabId})", tab)


def wait_badge(browser, tab, expected, timeout=8.0):
    deadline = time.monotonic() + timeout
    text = None
    while time.monotonic() < deadline:
        text = badge_text(browser, tab)
        if text == expected:
            return text
        time.sleep(0.1)
    raise AssertionError(f"badge is {text!r}, expected {expected!r}")


def open_job_tab(browser, url):
    page = browser.new_page(url)
    page.wait_for_load_state("load")
    tab = tab_id(browser, url)
    assert tab is not None, f"no tab for {url}"
    return page, tab


def open_popup(browser, tab, *, settled=True):
    popup = browser.new_page(browser.extension_url(f"popup/popup.html?tab={tab}"), width=360, height=560)
    if settled:
        popup.wait_for_function("() => document.getElementById('message').textContent !== 'Reading this page…'")
    return popup


def message(popup) -> str:
    return popup.locator("#message").inner_text()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerAt:
    """The same jobloop app on a fixed port, so it can be stopped and started again."""

    def __init__(self, app, port):
        self.app, self.port, self.url = app, port, f"http://127.0.0.1:{port}"
        self._server = None

    def start(self):
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None


@pytest.fixture
def chromium(tmp_path):
    with launch_chromium(tmp_path, extension=True) as browser:
        yield browser


@pytest.fixture
def pages():
    article = (FIXTURES / "article.html").read_text(encoding="utf-8")
    with serve_pages({
        "/jobs/platform-engineer": job_page(title="Platform Engineer", company="Lumen Labs", location="Lisbon, Portugal",
                                            salary={"@type": "MonetaryAmount", "currency": "EUR",
                                                    "value": {"@type": "QuantitativeValue", "minValue": 60000,
                                                              "maxValue": 75000, "unitText": "YEAR"}}),
        "/jobs/data-analyst": job_page(title="Data Analyst", company="Northwind"),
        "/blog/interview-tips": article,
    }) as server:
        yield server


# ---- pairing ---------------------------------------------------------------------

def test_options_page_pairs_by_paste_and_says_exactly_what_is_wrong(chromium, live_server, token, pages):
    options = chromium.new_page(chromium.extension_url("options/options.html"))
    options.click("#paste summary")
    status = options.locator("#status")

    def attempt(url, tok, button="#test"):
        options.fill("#server-url", url)
        options.fill("#token", tok)
        options.evaluate("() => { document.getElementById('status').textContent = ''; }")
        options.click(button)
        options.wait_for_function("() => { const t = document.getElementById('status').textContent; return t && !t.startsWith('Testing'); }")
        text = status.inner_text()
        assert "`" not in text  # plain text, no Markdown
        return text

    # Nothing listens on this port: typed without http://, and the message names that address.
    port = free_port()
    text = attempt(f"localhost:{port}", token)
    assert text.startswith(f"No jobloop server answers at http://localhost:{port}.")
    assert f"jobloop serve --port {port}" in text and "Test connection" in text
    assert options.input_value("#server-url") == f"http://localhost:{port}"
    # Save while it is down: the failure comes first, never "Saved." before it.
    text = attempt(f"127.0.0.1:{port}", token, button="#save")
    assert text.startswith(f"No jobloop server answers at http://127.0.0.1:{port}.") and not text.startswith("Saved")
    # Something answers, but it is not jobloop (the test page server: 404 on /api/health).
    assert "not a jobloop server" in attempt(pages.url, token)
    # jobloop, wrong token: what to do on this page.
    text = attempt(live_server.url, "not-the-right-token-123")
    assert "refused this token" in text and "Pair with jobloop" in text and f"{live_server.url}/settings" in text
    # A non-loopback address is refused, nothing saved, and what was typed stays for fixing.
    text = attempt("jobs.example.com:8765", token, button="#save")
    assert text.startswith("Not saved: jobs.example.com is not this computer")
    assert options.input_value("#server-url") == "jobs.example.com:8765"
    # [::1] is this computer too: refused nowhere, and a server there is reached.
    assert attempt(f"[::1]:{port}", token).startswith(f"No jobloop server answers at http://[::1]:{port}.")
    ipv6 = make_server("::1", 0, live_server.app, threaded=True)
    threading.Thread(target=ipv6.serve_forever, daemon=True).start()
    try:
        assert attempt(f"[::1]:{ipv6.server_port}", token).startswith("Connected to jobloop")
    finally:
        ipv6.shutdown()
        ipv6.server_close()
    # The right pair, through Save, typed without the scheme.
    text = attempt(live_server.url.removeprefix("http://"), token, button="#save")
    assert text.startswith("Saved. Connected to jobloop")
    stored = chromium.service_worker.evaluate("async () => (await chrome.storage.local.get('settings')).settings")
    assert stored == {"serverUrl": live_server.url, "token": token}
    screenshot(options, "options-connected")


def test_one_click_pairing_gets_the_token_after_the_user_confirms(chromium, live_server, token):
    """A new user: types the address, clicks Pair, confirms on the tracker page. No copy and paste."""
    options = chromium.new_page(chromium.extension_url("options/options.html"))
    options.wait_for_function("() => document.getElementById('status').textContent.includes('not paired')")
    options.fill("#server-url", live_server.url.removeprefix("http://"))
    with chromium.context.expect_page() as opened:
        options.click("#pair")
    tracker = opened.value
    tracker.wait_for_selector("#pair-confirm")
    assert tracker.url.startswith(live_server.url + "/pair/")
    code = tracker.locator("#pair-code").inner_text()
    options.wait_for_function("() => document.getElementById('status').textContent.includes('Confirm on the jobloop page')")
    assert code in options.locator("#status").inner_text()  # the same code on both sides
    time.sleep(1.5)  # the extension is polling: nothing is handed over before the confirmation
    assert chromium.service_worker.evaluate("async () => (await chrome.storage.local.get('settings')).settings") is None
    screenshot(tracker, "tracker-pairing")

    tracker.click("#pair-confirm")
    tracker.wait_for_selector("#pair-done")
    options.wait_for_function("() => document.getElementById('status').className === 'ok'", timeout=10_000)
    assert options.locator("#status").inner_text() == f"Paired with jobloop at {live_server.url}. You can clip job postings now."
    stored = chromium.service_worker.evaluate("async () => (await chrome.storage.local.get('settings')).settings")
    assert stored == {"serverUrl": live_server.url, "token": token}
    assert options.input_value("#token") == token
    # The tracker's settings page says so.
    settings = chromium.new_page(live_server.url + "/settings")
    assert "Chrome: paired" in " ".join(settings.locator("#browsers").inner_text().split())


def test_a_web_page_cannot_obtain_the_token(chromium, live_server, token, pages):
    """A page the user happens to visit (here on another loopback port, the closest a page can
    get) can neither start a pairing, nor redeem one, nor read the settings page's token."""
    page = chromium.new_page(pages.url + "/jobs/data-analyst")
    results = page.evaluate("""async (server) => {
        const out = {};
        const attempt = async (name, path, init) => {
            try {
                const res = await fetch(server + path, init);
                out[name] = 'read ' + res.status + ' ' + (await res.text()).slice(0, 200);
            } catch (err) { out[name] = 'blocked'; }
        };
        const json = {method: 'POST', headers: {'Content-Type': 'application/json'}};
        await attempt('start', '/api/pairings', {...json, body: JSON.stringify({challenge: 'a'.repeat(64)})});
        await attempt('redeem', '/api/pairings/redeem', {...json, body: JSON.stringify({id: 'x', secret: 'y'.repeat(20)})});
        await attempt('settings', '/settings', {});
        // A "simple" request needs no preflight, but the server wants JSON and the answer stays opaque.
        const res = await fetch(server + '/api/pairings', {method: 'POST', mode: 'no-cors', body: 'challenge=' + 'a'.repeat(64)});
        out.simple = res.type;
        return out;
    }""", live_server.url)
    assert results == {"start": "blocked", "redeem": "blocked", "settings": "blocked", "simple": "opaque"}


def test_stored_settings_are_validated_on_read(chromium):
    chromium.service_worker.evaluate(
        "() => chrome.storage.local.set({settings: {serverUrl: 'javascript:alert(1)', token: 'a b <script>'}})")
    options = chromium.new_page(chromium.extension_url("options/options.html"))
    options.wait_for_function("() => document.getElementById('server-url').value !== ''")
    assert options.input_value("#server-url") == "http://127.0.0.1:8765"
    assert options.input_value("#token") == ""


# ---- clipping through the popup ------------------------------------------------------

def test_popup_previews_edits_and_saves_a_posting(chromium, live_server, token, pages):
    set_settings(chromium, live_server.url, token)
    url = pages.url + "/jobs/platform-engineer"
    _, tab = open_job_tab(chromium, url)
    popup = open_popup(chromium, tab)
    popup.wait_for_selector("#preview:not([hidden])")
    assert popup.input_value("#f-title") == "Platform Engineer"
    assert popup.input_value("#f-company") == "Lumen Labs"
    assert "Lisbon" in popup.input_value("#f-location")
    assert popup.input_value("#f-salary-min") == "60000"
    assert popup.input_value("#f-salary-currency") == "EUR"
    screenshot(popup, "popup-preview")

    # The user corrects the title, picks "applied" and writes a note — with the keyboard.
    popup.fill("#f-title", "Senior Platform Engineer")
    popup.select_option("#f-stage", "applied")
    popup.select_option("#f-remote", "hybrid")
    popup.fill("#f-recruiter-name", "Dana Recruiter")
    popup.fill("#f-recruiter-email", "dana@example.test")
    popup.fill("#f-note", "Referred by Ana")
    popup.focus("#f-note")
    popup.keyboard.press("Tab")
    popup.keyboard.press("Enter")  # focus is on Save
    popup.wait_for_selector("#tracked:not([hidden])")
    assert "Saved to jobloop" in message(popup)

    found = postings_for(live_server.url, token, url)
    assert len(found) == 1
    posting = found[0]
    assert posting["title"] == "Senior Platform Engineer"
    assert posting["company"] == "Lumen Labs"
    assert posting["remote"] == "hybrid"
    assert posting["stage"] == "applied"
    assert set(posting["user_edited"]) >= {"title", "remote"}
    events = api(live_server.url, token, f"/api/postings/{posting['id']}")["events"]
    assert any(e["kind"] == "note" and e["note"] == "Referred by Ana" for e in events)
    assert popup.locator("#tracked-stage").inner_text() == "applied"
    wait_badge(chromium, tab, "APPL")
    # The recruiter typed in the preview is attached right after the save.
    popup.wait_for_function("() => document.getElementById('contact-status').className === 'ok'")
    assert popup.locator("#contacts").inner_text() == "Dana Recruiter (Recruiter) · dana@example.test"
    [contact] = api(live_server.url, token, f"/api/postings/{posting['id']}/contacts")["contacts"]
    assert (contact["name"], contact["email"]) == ("Dana Recruiter", "dana@example.test")


def test_the_save_after_a_preview_sends_no_page_and_resends_it_when_asked(chromium, live_server, app, token, pages,
                                                                          monkeypatch):
    """One parse per clip: the popup saves with the preview's page_hash, not the page; when
    the server no longer holds the preview (here: as after a restart) it sends the page once."""
    from jobloop.services.draft_cache import DraftCache

    set_settings(chromium, live_server.url, token)

    def captures_sent(popup):
        sent = []
        popup.on("request", lambda r: sent.append(json.loads(r.post_data))
                 if r.method == "POST" and r.url.endswith("/api/captures") else None)
        return sent

    url = pages.url + "/jobs/data-analyst"
    _, tab = open_job_tab(chromium, url)
    popup = open_popup(chromium, tab)
    sent = captures_sent(popup)
    popup.wait_for_selector("#preview:not([hidden])")
    popup.fill("#f-title", "Senior Data Analyst")
    popup.click("#save")
    popup.wait_for_selector("#tracked:not([hidden])")
    assert len(sent) == 1 and "html" not in sent[0] and len(sent[0]["page_hash"]) == 64
    assert sent[0]["fields"]["title"] == "Senior Data Analyst"
    [posting] = postings_for(live_server.url, token, url)
    assert (posting["title"], posting["company"]) == ("Senior Data Analyst", "Northwind")

    url = pages.url + "/jobs/platform-engineer"
    _, tab = open_job_tab(chromium, url)
    popup = open_popup(chromium, tab)
    sent = captures_sent(popup)
    popup.wait_for_selector("#preview:not([hidden])")
    monkeypatch.setitem(app.extensions, "jobloop_drafts", DraftCache())  # the server forgot every preview
    popup.click("#save")
    popup.wait_for_selector("#tracked:not([hidden])")
    assert "Saved to jobloop" in message(popup)
    assert [("page_hash" in body, "html" in body) for body in sent] == [(True, False), (False, True)]
    [posting] = postings_for(live_server.url, token, url)
    assert posting["title"] == "Platform Engineer"


def test_outcome_buttons_and_note_on_a_tracked_page(chromium, live_server, token, pages):
    set_settings(chromium, live_server.url, token)
    url = pages.url + "/jobs/data-analyst"
    api(live_server.url, token, "/api/captures", "POST", {"url": url, "html": job_page(title="Data Analyst", company="Northwind")})
    _, tab = open_job_tab(chromium, url)
    popup = open_popup(chromium, tab)
    popup.wait_for_selector("#tracked:not([hidden])")
    assert "Already tracked" in message(popup)
    assert popup.locator("#tracked-stage").inner_text() == "saved"
    tracker = popup.get_attribute("#tracker-link", "href")
    posting_id = postings_for(live_server.url, token, url)[0]["id"]
    assert tracker == f"{live_server.url}/postings/{posting_id}"

    # Applied takes a day (today unless changed): the user applied three days ago.
    assert popup.input_value("#applied-on") == popup.evaluate("() => document.getElementById('applied-on').max")
    applied_day = popup.evaluate("() => { const d = new Date(Date.now() - 3 * 86400e3); "
                                 "return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; }")
    popup.fill("#applied-on", applied_day)
    popup.click("#outcomes button[data-stage=applied]")
    popup.wait_for_function("() => document.getElementById('message').textContent === 'Marked as applied.'")
    # A back-dated "applied" on a posting clipped today makes it applied (the stage rule).
    assert api(live_server.url, token, f"/api/postings/{posting_id}")["stage"] == "applied"
    for stage in ("interviewing",):
        popup.click(f"#outcomes button[data-stage={stage}]")
        popup.wait_for_function(f"() => document.getElementById('tracked-stage').textContent === '{stage}'")
        assert api(live_server.url, token, f"/api/postings/{posting_id}")["stage"] == stage
    assert popup.get_attribute("#outcomes button[data-stage=interviewing]", "aria-pressed") == "true"
    assert "saved → applied" in popup.locator("#events").inner_text()
    events = api(live_server.url, token, f"/api/postings/{posting_id}")["events"]
    [applied] = [e for e in events if e["kind"] == "stage" and e["to_stage"] == "applied"]
    assert popup.evaluate("(at) => { const d = new Date(at.endsWith('Z') || at.includes('+') ? at : at + 'Z'); "
                          "return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; }",
                          applied["at"]) == applied_day
    wait_badge(chromium, tab, "INTV")

    popup.fill("#note-text", "Second round with the CTO on Monday")
    popup.click("#note-form button")
    popup.wait_for_function("() => document.getElementById('message').textContent === 'Note added.'")
    assert "Second round with the CTO" in popup.locator("#events li").first.inner_text()  # newest first
    screenshot(popup, "popup-tracked", also=DOCS_SHOT)

    # An ending, too.
    popup.click("#outcomes button[data-stage=rejected]")
    popup.wait_for_function("() => document.getElementById('tracked-stage').textContent === 'rejected'")
    assert api(live_server.url, token, f"/api/postings/{posting_id}")["stage"] == "rejected"


def test_popup_attaches_a_recruiter_to_a_tracked_posting(chromium, app, token, pages):
    server = ServerAt(app, free_port()).start()  # stopped near the end: the "server down" case
    try:
        set_settings(chromium, server.url, token)
        url = pages.url + "/jobs/data-analyst"
        posting_id = api(server.url, token, "/api/captures", "POST",
                         {"url": url, "html": job_page(title="Data Analyst", company="Northwind")})["id"]
        _, tab = open_job_tab(chromium, url)
        popup = open_popup(chromium, tab)
        popup.wait_for_selector("#recruiter:visible")
        popup.wait_for_function("() => document.getElementById('contacts').textContent === 'Nobody linked yet.'")
        assert popup.input_value("#c-role") == "Recruiter"
        status = popup.locator("#contact-status")

        # An empty name is stopped in the popup; nothing reaches the server.
        popup.fill("#c-email", "dana@example.test")
        popup.click("#c-attach")
        assert status.inner_text() == "Type the recruiter's name first."
        assert popup.evaluate("() => document.activeElement.id") == "c-name"
        assert api(server.url, token, f"/api/postings/{posting_id}/contacts")["contacts"] == []

        # A bad email is the server's call (422): its reason is shown and the typing is kept.
        popup.fill("#c-name", "Dana Recruiter")
        popup.fill("#c-email", "dana-at-example")
        popup.click("#c-attach")
        popup.wait_for_function("() => document.getElementById('contact-status').className === 'error'")
        assert "one address like name@example.com" in status.inner_text().lower() and "422" in status.inner_text()
        assert popup.input_value("#c-name") == "Dana Recruiter"
        assert popup.input_value("#c-email") == "dana-at-example"
        assert api(server.url, token, f"/api/postings/{posting_id}/contacts")["contacts"] == []

        # Fixed, and sent with the keyboard (Enter in the email field submits the form).
        popup.fill("#c-email", "dana@example.test")
        popup.focus("#c-email")
        popup.keyboard.press("Enter")
        popup.wait_for_function("() => document.getElementById('contact-status').className === 'ok'")
        assert status.inner_text() == "Dana Recruiter is linked to this posting."
        assert popup.locator("#contacts").inner_text() == "Dana Recruiter (Recruiter) · dana@example.test"
        assert popup.input_value("#c-name") == ""  # ready for the next one
        [contact] = api(server.url, token, f"/api/postings/{posting_id}/contacts")["contacts"]
        assert (contact["name"], contact["email"], contact["role"]) == ("Dana Recruiter", "dana@example.test", "Recruiter")
        assert contact["postings"] == [posting_id]
        screenshot(popup, "popup-recruiter")

        # Reopened, the popup lists who is linked.
        popup = open_popup(chromium, tab)
        popup.wait_for_function("() => document.getElementById('contacts').textContent.includes('Dana Recruiter')")
        status = popup.locator("#contact-status")

        # Server gone: a clear sentence, and what was typed is still there.
        server.stop()
        popup.fill("#c-name", "Sam Sourcer")
        popup.fill("#c-role", "Sourcer")
        popup.click("#c-attach")
        popup.wait_for_function("() => document.getElementById('contact-status').className === 'error'")
        assert "No jobloop server answers at" in status.inner_text()
        assert (popup.input_value("#c-name"), popup.input_value("#c-role")) == ("Sam Sourcer", "Sourcer")
    finally:
        server.stop()


def test_a_page_that_is_not_a_posting_is_said_to_be_one_and_can_still_be_saved(chromium, live_server, token, pages):
    set_settings(chromium, live_server.url, token)
    url = pages.url + "/blog/interview-tips"
    _, tab = open_job_tab(chromium, url)
    popup = open_popup(chromium, tab)
    popup.wait_for_selector("#preview:not([hidden])")
    assert "does not look like a job posting" in message(popup)
    assert popup.locator("body").inner_text().count("does not look like a job posting") == 1  # said once
    screenshot(popup, "popup-not-a-posting")
    popup.fill("#f-company", "The Career Blog")
    popup.click("#save")
    popup.wait_for_selector("#tracked:not([hidden])")
    [posting] = postings_for(live_server.url, token, url)
    assert posting["is_posting"] is False
    assert posting["company"] == "The Career Blog"


def test_unpaired_popup_offers_pairing_instead_of_a_form(chromium, pages):
    _, tab = open_job_tab(chromium, pages.url + "/jobs/data-analyst")
    popup = open_popup(chromium, tab)
    assert message(popup) == "This browser is not paired with jobloop yet."
    assert popup.locator("#pair").is_visible() and popup.locator("#pair").inner_text() == "Pair with jobloop"
    assert popup.locator("#preview").is_hidden()  # no empty form, no save into the queue
    screenshot(popup, "popup-not-paired")
    # No server on the default port here: pairing says so, naming the address it tried.
    popup.click("#pair")
    popup.wait_for_function("() => document.getElementById('message').className === 'error'")
    assert "No jobloop server answers at http://127.0.0.1:8765" in message(popup)



def test_unpaired_popup_pairs_in_place(chromium, live_server, token, pages):
    set_settings(chromium, live_server.url, "")  # the address is known, no token yet
    _, tab = open_job_tab(chromium, pages.url + "/jobs/data-analyst")
    popup = open_popup(chromium, tab)
    with chromium.context.expect_page() as opened:
        popup.click("#pair")
    tracker = opened.value
    tracker.click("#pair-confirm")
    tracker.wait_for_selector("#pair-done")
    chromium.service_worker.evaluate("""async () => {
        for (let i = 0; i < 100; i++) {
            if ((await chrome.storage.local.get('settings')).settings?.token) return;
            await new Promise((r) => setTimeout(r, 100));
        }
    }""")
    popup = open_popup(chromium, tab)
    popup.wait_for_selector("#preview:not([hidden])")
    assert popup.input_value("#f-title") == "Data Analyst"


# ---- badge, context menu / shortcut --------------------------------------------------

def test_badge_marks_tracked_pages_and_clip_without_popup(chromium, live_server, token, pages):
    set_settings(chromium, live_server.url, token)
    tracked = pages.url + "/jobs/data-analyst"
    api(live_server.url, token, "/api/captures", "POST", {"url": tracked, "html": job_page(), "stage": "applied"})
    page, tab = open_job_tab(chromium, tracked)
    wait_badge(chromium, tab, "APPL")  # from the tab's load, no popup involved
    other, other_tab = open_job_tab(chromium, pages.url + "/jobs/platform-engineer")
    time.sleep(0.8)  # past the debounce: an untracked page gets no badge
    assert badge_text(chromium, other_tab) == ""

    # What the context menu item and the keyboard command run: clip the tab, confirm with the badge.
    result = chromium.service_worker.evaluate("(tabId) => self.jobloop.clipTab(tabId)", other_tab)
    assert result["ok"] and result["posting"]["title"] == "Platform Engineer"
    wait_badge(chromium, other_tab, "SAVE")
    assert len(postings_for(live_server.url, token, pages.url + "/jobs/platform-engineer")) == 1
    menus = chromium.service_worker.evaluate("() => chrome.runtime.getManifest().commands")
    assert "clip-page" in menus


# ---- never lose a clip ---------------------------------------------------------------

def test_clip_queued_while_server_is_down_lands_exactly_once(chromium, app, token, pages):
    server = ServerAt(app, free_port())  # not started yet
    set_settings(chromium, server.url, token)
    url = pages.url + "/jobs/platform-engineer"
    _, tab = open_job_tab(chromium, url)
    popup = open_popup(chromium, tab)
    assert "No jobloop server answers at" in message(popup)
    popup.fill("#f-note", "clipped on the train")
    popup.click("#save")
    popup.wait_for_selector("#queue-status:not([hidden])")
    assert "Waiting for jobloop — will save when it is back (1 waiting)" in message(popup)
    assert popup.locator("#queue-count").inner_text() == "1 clip waiting to be sent."
    assert popup.locator("#preview").is_hidden()  # no second click queueing it twice
    wait_badge(chromium, tab, "WAIT")
    screenshot(popup, "popup-queued")
    # Reopened on that page: it says it waits, offers Retry now, and no save form.
    popup = open_popup(chromium, tab)
    assert message(popup) == "Waiting for jobloop — will save when it is back."
    assert popup.locator("#retry-page").is_visible() and popup.locator("#preview").is_hidden()
    popup.click("#retry-page")  # still down: still waiting, still once
    popup.wait_for_function("() => document.getElementById('message').textContent.startsWith('Still waiting')")
    assert chromium.service_worker.evaluate("() => self.jobloop.queue.status()")["waiting"] == 1
    alarm = chromium.service_worker.evaluate("() => chrome.alarms.get('jobloop-retry-queue')")
    assert alarm and alarm["periodInMinutes"] == 1
    # A retry while still down keeps it.
    chromium.service_worker.evaluate("() => self.jobloop.flushQueue()")
    assert chromium.service_worker.evaluate("() => self.jobloop.queue.status()")["waiting"] == 1

    server.start()
    try:
        # "Retry now" runs what the alarm runs (the real alarm first fires after 30 s, too slow here).
        popup.click("#retry-page")
        popup.wait_for_selector("#tracked:not([hidden])")
        assert popup.locator("#queue-status").is_hidden() and popup.locator("#queued").is_hidden()
        wait_badge(chromium, tab, "SAVE")
        status = chromium.service_worker.evaluate("() => self.jobloop.queue.status()")
        assert status["waiting"] == 0
        assert chromium.service_worker.evaluate("() => chrome.alarms.get('jobloop-retry-queue')") is None
        [posting] = postings_for(server.url, token, url)
        assert posting["title"] == "Platform Engineer"

        # The worker died after the POST landed but before the queue was written: the same
        # capture is sent again. The server is idempotent by canonical URL: still one posting.
        chromium.service_worker.evaluate("""async ([url, html]) => {
            await chrome.storage.local.set({queue: [{id: 'again', capture: {url, html, title: 'x'}, attempts: 1, lastError: ''}]});
            return self.jobloop.flushQueue();
        }""", [url + "?utm_source=newsletter", job_page(title="Platform Engineer", company="Lumen Labs")])
        assert len(api(server.url, token, "/api/postings")["postings"]) == 1
        # The popup, reopened, has nothing waiting and shows the posting as tracked.
        popup = open_popup(chromium, tab)
        popup.wait_for_selector("#tracked:not([hidden])")
        assert popup.locator("#queue-status").is_hidden()
    finally:
        server.stop()


def test_a_refused_capture_does_not_loop_and_is_shown(chromium, live_server, token, pages):
    set_settings(chromium, live_server.url, token)
    chromium.service_worker.evaluate("""([url]) => self.jobloop.queue.enqueue({url, html: '<p>x</p>', stage: 'hired'})""",
                                     [pages.url + "/jobs/data-analyst"])
    result = chromium.service_worker.evaluate("() => self.jobloop.flushQueue()")
    assert result["waiting"] == 0 and result["failed"] == 1
    assert chromium.service_worker.evaluate("() => chrome.alarms.get('jobloop-retry-queue')") is None
    _, tab = open_job_tab(chromium, pages.url + "/jobs/data-analyst")
    popup = open_popup(chromium, tab)
    popup.wait_for_selector("#failed:not([hidden])")
    assert "stage" in popup.locator("#failed").inner_text()
    popup.click("#failed button")
    popup.wait_for_selector("#failed", state="hidden")


def test_the_real_toolbar_popup_reads_the_active_tab(chromium, live_server, token, pages):
    """No ?tab= here: the popup opened from the toolbar finds the active tab itself."""
    set_settings(chromium, live_server.url, token)
    helper = chromium.new_page(chromium.extension_url("options/options.html"))
    page, _ = open_job_tab(chromium, pages.url + "/jobs/data-analyst")
    page.bring_to_front()
    chromium.service_worker.evaluate("() => chrome.action.openPopup()")
    helper.wait_for_function("""() => {
        const view = chrome.extension.getViews({type: 'popup'})[0];
        return view && view.document.getElementById('f-title')?.value === 'Data Analyst';
    }""", timeout=10_000)
    text = helper.evaluate("() => chrome.extension.getViews({type: 'popup'})[0].document.getElementById('message').textContent")
    assert text == "Check the details, then save."


def test_popup_shows_how_many_follow_ups_are_due(chromium, live_server, token, pages):
    set_settings(chromium, live_server.url, token)
    other = api(live_server.url, token, "/api/captures", "POST",
                {"url": "https://jobs.example.test/1", "html": job_page(title="Earlier job")})
    for kind in ("thank_you", "check_in"):
        api(live_server.url, token, "/api/followups", "POST",
            {"kind": kind, "due_at": "2020-01-01T09:00:00Z", "posting_id": other["id"]})
    due = api(live_server.url, token, "/api/followups/summary")["due"]
    assert due >= 2
    _, tab = open_job_tab(chromium, pages.url + "/jobs/data-analyst")
    popup = open_popup(chromium, tab)
    popup.wait_for_selector("#followups-due:not([hidden])")
    assert popup.locator("#followups-due").inner_text() == f"{due} follow-ups due"
    assert popup.get_attribute("#followups-due", "href") == f"{live_server.url}/"


# ---- a new user, end to end ------------------------------------------------------------

def test_new_user_pairs_in_one_click_and_clips_every_location(chromium, live_server, token):
    """Issue 13's "done when": pair without typing the token, clip a multi-location posting,
    see all its locations on the tracker's posting page, none marked as the user's."""
    places = ["Sunnyvale, CA", "San Francisco, CA", "New York, NY"]
    html = job_page(title="Staff Engineer", company="Databricks", jobLocation=[
        {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": p}} for p in places])
    with serve_pages({"/careers/staff-engineer": html}) as site:
        options = chromium.new_page(chromium.extension_url("options/options.html"))
        options.wait_for_function("() => document.getElementById('server-url').value !== ''")
        options.fill("#server-url", live_server.url)
        with chromium.context.expect_page() as opened:
            options.click("#pair")
        opened.value.click("#pair-confirm")
        options.wait_for_function("() => document.getElementById('status').className === 'ok'", timeout=10_000)

        url = site.url + "/careers/staff-engineer"
        _, tab = open_job_tab(chromium, url)
        popup = open_popup(chromium, tab)
        popup.wait_for_selector("#preview:not([hidden])")
        assert popup.input_value("#f-location").split("\n") == places
        popup.click("#save")
        popup.wait_for_selector("#tracked:not([hidden])")
        page = chromium.new_page(popup.get_attribute("#tracker-link", "href"))
        assert "; ".join(places) in page.locator("main").inner_text()
        assert page.locator(".field-mark", has_text="yours").count() == 0  # nothing marked as the user's
        [posting] = postings_for(live_server.url, token, url)
        assert posting["locations"] == places and posting["user_edited"] == []
        screenshot(page, "tracker-posting-every-location")
