"""Round trip is identity, on every real page we have.

parse -> the popup's preview form -> save unchanged -> the stored posting equals the
parse, every location included, and no field is marked as the user's.

- All pages (tests/fixtures/pages and the shared corpus) go through the popup's own
  form code (extension/popup/form.js) in one Chromium extension page: the real inputs,
  so the browser's own normalisation of input values is part of the test.
- A sample of them go through the real popup, clicking Save, against pages served
  from 127.0.0.1.

The corpus is ../shared/corpus relative to the repository root (shared between
checkouts); where it is absent only the fixture pages run, and the corpus test says why.
"""
from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

import pytest

from browser import ROOT, launch_chromium, serve_pages
from test_extension_browser import api, open_job_tab, open_popup, set_settings

pytestmark = pytest.mark.browser
FIXTURE_PAGES = ROOT / "tests" / "fixtures" / "pages"
CORPUS = ROOT.parent / "shared" / "corpus"
# What a posting shares with the draft it came from (salary compared separately).
SAME = ("title", "company", "locations", "remote", "employment_type", "date_posted", "valid_through",
        "apply_url", "description_text", "skills", "is_posting")


def as_browser_url(url: str) -> str:
    """location.href as a browser reports it (a space in a fixture's URL becomes %20)."""
    return urllib.parse.quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def fixture_pages() -> list[tuple[str, Path, str]]:
    return [(f"fixtures/{spec.parent.name}/{spec.stem}", spec.with_suffix(".html"),
             as_browser_url(json.loads(spec.read_text())["url"])) for spec in sorted(FIXTURE_PAGES.rglob("*.json"))]


def corpus_pages() -> list[tuple[str, Path, str]]:
    out = []
    for line in (CORPUS / "manifest.jsonl").read_text().splitlines():
        if line.strip():
            entry = json.loads(line)
            out.append((f"corpus/{entry['file']}", CORPUS / entry["file"], as_browser_url(entry["url"])))
    return out


def page_title(html: str) -> str:
    """document.title: the <title> text with white space collapsed."""
    m = re.search(r"<title[^>]*>(.*?)</title>", html, re.I | re.S)
    return " ".join(m.group(1).split()) if m else ""


def expected_from(draft: dict, title: str) -> dict:
    """What the store must hold after an unchanged save: the draft, with the page's
    title standing in for a missing one (the capture's documented fallback)."""
    expected = {name: draft.get(name) for name in SAME}
    expected["title"] = draft.get("title") or title or None
    expected["locations"] = draft.get("locations") or []
    expected["skills"] = draft.get("skills") or []
    salary = draft.get("salary") or {}
    expected["salary"] = salary if salary.get("min") is not None or salary.get("max") is not None else None
    return expected


def stored(posting: dict) -> dict:
    out = {name: posting.get(name) for name in SAME}
    out["salary"] = posting.get("salary")
    return out


def run_form_code(browser, drafts: list[dict], titles: list[str]) -> list[dict]:
    """The popup's form module, in the popup page itself, over every draft: fill, read
    back what is shown, and the hand edits an unchanged save would send."""
    popup = browser.new_page(browser.extension_url("popup/popup.html"), width=360, height=560)
    popup.wait_for_function("() => document.getElementById('message').textContent !== 'Reading this page…'")
    return popup.evaluate("""async ([drafts, titles]) => {
        const form = await import(chrome.runtime.getURL('popup/form.js'));
        return drafts.map((draft, i) => {
            const shown = form.fill(document, draft, titles[i]);
            return {
                fields: form.changes(shown, form.read(document)),
                title: shown['f-title'], company: shown['f-company'],
                locations: form.locationsFrom(shown['f-location']),
            };
        });
    }""", [drafts, titles])


def check_pages(browser, server_url, token, pages):
    drafts, titles, htmls = [], [], []
    for _, path, url in pages:
        html = path.read_text(encoding="utf-8", errors="replace")
        drafts.append(api(server_url, token, "/api/parse", "POST", {"url": url, "html": html})["draft"])
        titles.append(page_title(html))
        htmls.append(html)
    results = run_form_code(browser, drafts, titles)
    problems = []
    for (name, _, url), draft, title, html, shown in zip(pages, drafts, titles, htmls, results):
        expected = expected_from(draft, title)
        # The form shows the draft exactly: every location, one per line.
        if shown["locations"] != expected["locations"]:
            problems.append(f"{name}: form shows locations {shown['locations']} for {expected['locations']}")
        if shown["title"] != (expected["title"] or "") or shown["company"] != (draft.get("company") or ""):
            problems.append(f"{name}: form shows {shown['title']!r} / {shown['company']!r}")
        if shown["fields"]:
            problems.append(f"{name}: an unchanged form sends hand edits {shown['fields']}")
        body = {"url": url, "html": html, "title": title, "stage": "saved"}
        if shown["fields"]:
            body["fields"] = shown["fields"]
        posting = api(server_url, token, "/api/captures", "POST", body)
        if stored(posting) != expected:
            diff = {k: (expected[k], stored(posting)[k]) for k in expected if expected[k] != stored(posting)[k]}
            problems.append(f"{name}: stored differs from the parse: {diff}")
        if posting["user_edited"]:
            problems.append(f"{name}: marked as the user's: {posting['user_edited']}")
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    with launch_chromium(tmp_path_factory.mktemp("roundtrip"), extension=True) as browser:
        yield browser


def test_round_trip_is_identity_on_every_fixture_page(chromium, live_server, token):
    pages = fixture_pages()
    assert len(pages) >= 20
    check_pages(chromium, live_server.url, token, pages)


@pytest.mark.skipif(not (CORPUS / "manifest.jsonl").exists(),
                    reason=f"the shared corpus is not here ({CORPUS}): it lives beside the repository, not in it")
def test_round_trip_is_identity_on_every_corpus_page(chromium, live_server, token):
    pages = corpus_pages()
    assert len(pages) >= 50
    check_pages(chromium, live_server.url, token, pages)


def test_the_real_popup_saves_a_multi_location_posting_unchanged(chromium, live_server, token):
    """Through the real popup, clicking Save: every location lands, none marked as edited.
    Fixture pages always; the corpus's many-location Teamtailor page when it is here."""
    sample = [p for p in fixture_pages() if p[0].split("/")[1] in ("teamtailor", "greenhouse", "workday", "lever")]
    corpus = CORPUS / "pages" / "63_teamtailor.html"
    if corpus.exists():
        sample.append(("corpus/63_teamtailor", corpus, ""))
    set_settings(chromium, live_server.url, token)
    with serve_pages({f"/{i}/job": path.read_text(encoding="utf-8", errors="replace")
                      for i, (_, path, _) in enumerate(sample)}) as pages:
        most = 0
        for i, (name, _, _) in enumerate(sample):
            url = f"{pages.url}/{i}/job"
            page, tab = open_job_tab(chromium, url)
            html = page.evaluate("() => document.documentElement.outerHTML")  # what the extension reads
            popup = open_popup(chromium, tab)
            popup.wait_for_selector("#preview:not([hidden])")
            draft = api(live_server.url, token, "/api/parse", "POST", {"url": url, "html": html})["draft"]
            assert popup.input_value("#f-location").split("\n") == (draft["locations"] or [""]), name
            popup.click("#save")
            popup.wait_for_selector("#tracked:not([hidden])")
            [posting] = api(live_server.url, token, "/api/postings?url=" + url)["postings"]
            assert stored(posting) == expected_from(draft, page.title()), name
            assert posting["user_edited"] == [], name
            most = max(most, len(posting["locations"]))
            popup.close()
            page.close()
    assert most >= 2  # a multi-location posting was among them
