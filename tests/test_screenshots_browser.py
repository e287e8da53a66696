"""Every tracker page looked at: screenshots at 1280×800 and 390×844 (a phone), light and dark,
on a believable search (50 applications over 12 weeks, a posting with everything filled in).

Each picture is the part above the fold, saved to test-artifacts/screenshots/. With
JOBLOOP_UPDATE_SCREENSHOTS=1 the copies in docs/screenshots/ (the README's) are refreshed
too; ordinary runs leave them alone. Every page is checked not to scroll sideways at 1280 px
(document.scrollingElement.scrollWidth <= innerWidth), except the board with its Ended
column opened, which may.
"""
from __future__ import annotations

import os
import shutil
from datetime import timedelta

import pytest

from browser import ARTIFACTS, ROOT
from conftest import LiveServer
from factories import make_posting
from factories.history import seed_history
from jobloop.config import Config
from jobloop.db import open_database
from jobloop.models import Contact, Posting, Reflection, utcnow
from jobloop.security import load_or_create_token
from jobloop.services import companies, documents, messages, network, pipeline, postings, worklog

pytestmark = pytest.mark.browser

DOCS = ROOT / "docs" / "screenshots"
SIZES = {"1280": (1280, 800), "390": (390, 844)}
SCHEMES = ("light", "dark")
SIDEWAYS_ALLOWED = {"board-ended"}  # the board with Ended opened: its four columns may scroll

DESCRIPTION = (
    "<p>Northwind Labs builds the scheduling platform 4,000 clinics use every morning. We are a team of "
    "eleven engineers, and we are hiring a senior backend engineer to own the services behind booking, "
    "reminders and payments.</p>"
    "<h3>What you will do</h3><ul><li>Design and run services in Python and PostgreSQL</li>"
    "<li>Own reliability, observability and on-call with the team (one week in six)</li>"
    "<li>Mentor two mid-level engineers</li></ul>"
    "<h3>What you bring</h3><ul><li>5+ years building backend systems</li>"
    "<li>Kubernetes, Terraform and AWS in production</li><li>Clear writing: we work mostly async</li></ul>"
    "<h3>What we offer</h3><p>EUR 78,000–92,000, 30 days of holiday, a learning budget, and a four-day "
    "week in August. Hybrid: two days a week in our Berlin office.</p>"
    "<h3>How we hire</h3><p>A 30-minute call with the hiring manager, a take-home exercise of at most "
    "three hours (paid), a system design conversation, and a meeting with the team.</p>"
)


def showcase(now):
    """A posting with every fact filled in, in interviewing, with a contact and a follow-up."""
    start = now - timedelta(days=16)
    posting = make_posting(
        url="https://job-boards.greenhouse.io/northwindlabs/jobs/4471", title="Senior Backend Engineer",
        company="Northwind Labs", location="Berlin, Germany", now=start, description=DESCRIPTION,
        salary={"@type": "MonetaryAmount", "currency": "EUR",
                "value": {"@type": "QuantitativeValue", "minValue": 78000, "maxValue": 92000, "unitText": "YEAR"}})
    postings.update(posting, {"skills": ["Python", "PostgreSQL", "Kubernetes", "Terraform", "AWS", "SQL"],
                              "remote": "hybrid", "apply_url": "https://job-boards.greenhouse.io/northwindlabs/apply/4471",
                              "notes": "Referred by Priya (former colleague)."}, now=start)
    pipeline.change_stage(posting, "applied", at=start + timedelta(days=1), now=now)
    pipeline.change_stage(posting, "screening", at=start + timedelta(days=6), now=now)
    pipeline.log_interview(posting, now - timedelta(days=1, hours=3), kind="video", with_="Dana Park, engineering manager",
                           now=now)
    pipeline.add_note(posting, "Recruiter call went well: next is a system design round with two engineers.",
                      at=now - timedelta(days=1), now=now)
    network.create(name="Dana Park", role="Engineering manager", warmth="warm", now=start, posting=posting,
                   email="dana@northwind.example.test", how_met="Interview loop")
    return Posting.get_by_id(posting.id)


@pytest.fixture(scope="module")
def search(_shared_app, _migrated_file, tmp_path_factory):
    """One seeded store for the module (SQLite), served by a real server in a thread."""
    config = Config(data_dir=tmp_path_factory.mktemp("shots") / "data", database_url=None, testing=True)
    config.data_dir.mkdir(parents=True)
    shutil.copyfile(_migrated_file, config.sqlite_path)
    db = open_database(config)  # binds the models to this store
    load_or_create_token(config.data_dir)
    with db.connection_context():
        now = utcnow().replace(microsecond=0)
        seed_history(50, now=now)
        posting = showcase(now)
        messages.save_signature("Alex Rivera")
        # A CV sent with the showcase application, and a company the user would like to work for.
        folder = documents.folder_of(config.data_dir)
        cv, _ = documents.add_version(folder, "CV", b"%PDF-1.4\n%Alex Rivera CV\n", "alex-rivera-cv.pdf", now=now)
        documents.attach(posting, cv, sent_at=now - timedelta(days=15), now=now)
        companies.set_target("Fabrikam", why="Open-source scheduling tools", priority=1, check_weeks=4, now=now)
        worklog.save_person("Alex Rivera", "WS-40817")
        ids = {"posting": posting.id, "company": posting.company_id, "contact": Contact.get(Contact.name == "Dana Park").id,
               "reflection": Reflection.select().order_by(Reflection.id).first().id,
               # the last three weeks: the showcase's application and interview are in it
               "worklog": f"/worklog?from={(now - timedelta(days=20)).date()}&to={now.date()}"}
    before = _shared_app.config["JOBLOOP"]
    _shared_app.config["JOBLOOP"] = config
    server = LiveServer(_shared_app).start()
    yield server, ids
    server.stop()
    _shared_app.config["JOBLOOP"] = before
    db.close()


def pages(ids) -> list[tuple[str, str]]:
    """(name, path) of every tracker page a user reaches from the navigation or a link."""
    return [
        ("dashboard", "/"),
        ("board", "/board"),
        ("board-ended", "/board?ended=1#ended"),
        ("table", "/table"),
        ("posting", f"/postings/{ids['posting']}"),
        ("posting-delete", f"/postings/{ids['posting']}/delete"),
        ("add", "/postings/new"),
        ("import", "/import"),
        ("followups", "/followups"),
        ("followup-settings", "/followups/settings"),
        ("reflections", "/reflections"),
        ("reflection", f"/reflections/{ids['reflection']}"),
        ("insights", "/insights"),
        ("plan", "/plan"),
        ("network", "/network"),
        ("contact", f"/contacts/{ids['contact']}"),
        ("companies", "/companies"),
        ("company", f"/companies/{ids['company']}"),
        ("worklog", ids["worklog"]),
        ("documents", "/documents"),
        ("settings", "/settings"),
        ("not-found", "/postings/999999"),
    ]


def save(page, name: str) -> None:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))  # the viewport: what the user sees before scrolling
    if os.environ.get("JOBLOOP_UPDATE_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / f"{name}.png")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("size", SIZES)
def test_every_page_looked_at(chromium, search, size, scheme):
    server, ids = search
    page = chromium.new_page(width=SIZES[size][0], height=SIZES[size][1])
    errors = []
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    try:
        page.emulate_media(color_scheme=scheme)
        wide = []
        for name, path in pages(ids):
            response = page.goto(server.url + path)
            assert response.status == (404 if name == "not-found" else 200), path
            page.wait_for_load_state("networkidle")
            dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert dark == (scheme == "dark") and (background == "rgb(246, 247, 249)") == (not dark), name
            if size == "1280" and name not in SIDEWAYS_ALLOWED and not page.evaluate(
                    "document.scrollingElement.scrollWidth <= window.innerWidth"):
                wide.append(name)
            if name == "dashboard":
                # The header leaves the screen to the page: two rows at 1280 px (it had three,
                # 137 px), and on a phone one row of links that scrolls sideways (four rows,
                # 255 px, stuck to the top).
                header = page.locator(".site-header").bounding_box()["height"]
                assert header <= {"1280": 110, "390": 120}[size], (size, header)
                last = page.locator(".site-header nav a").last  # every link still reachable
                last.scroll_into_view_if_needed()
                assert last.is_visible() and last.bounding_box()["x"] + last.bounding_box()["width"] <= SIZES[size][0] + 1
                page.evaluate("document.querySelector('.site-header nav ul').scrollLeft = 0")
                assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), size
            save(page, f"{name}-{size}-{scheme}")
        assert wide == [], f"pages that scroll sideways at 1280 px: {wide}"
        assert errors == []
    finally:
        page.close()
