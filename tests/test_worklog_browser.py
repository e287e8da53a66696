"""The work-search log in real Chromium: the page, its print layout (Chromium's own PDF of
the printed page), and a screenshot in test-artifacts (the README's picture of the log comes
from test_screenshots_browser.py)."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from browser import ARTIFACTS, screenshot
from factories import Clock, stored_posting
from jobloop.clock import local_to_utc
from jobloop.models import FollowUp
from jobloop.services import followups, network, pipeline, worklog

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Clock:
    return Clock(local_to_utc(datetime(2026, 12, 2, 12)))  # last week: 23–29 November 2026


def at(day: int, hour: int) -> datetime:
    return local_to_utc(datetime(2026, 11, day, hour))


@pytest.fixture
def seeded(live_server, db):
    worklog.save_person("Jordan Müller", "123D456789")
    a = stored_posting("applied", at=at(23, 9), title="Warehouse Associate", company="Northwind Traders")
    worklog.set_how(a, "online", now=at(23, 9))
    b = stored_posting("applied", at=at(24, 10), title="Инженер-программист", company="Ромашка ООО")
    worklog.set_how(b, "e-mail", now=at(24, 10))
    network.attach_to_posting(b, name="Иван Петров", now=at(24, 10))
    pipeline.log_interview(b, at(26, 15), kind="phone", with_="Иван Петров", now=at(26, 17))
    c = stored_posting("applied", at=at(25, 11), title="Μηχανικός λογισμικού", company="Αθήνα Λογισμικό")
    worklog.set_how(c, "referral", now=at(25, 11))
    d = stored_posting("applied", at=at(16, 11), title="Office Manager", company="Contoso Ltd")
    pipeline.change_stage(d, "rejected", at=at(20, 11), now=at(20, 11))
    f = FollowUp.get((FollowUp.posting == d) & (FollowUp.kind == "feedback_request"))
    followups.complete(f, at(27, 10))
    stored_posting("applied", at=at(27, 14), title="Customer Adviser", company="Fabrikam Ltd")
    db.close()  # the server thread opens its own connection
    return live_server


def test_the_log_prints_clean_with_name_period_and_page_numbers(seeded, page):
    page.goto(seeded.url + "/worklog")
    rows = page.locator("table.log-table tbody tr")
    assert rows.count() == 6
    assert page.locator('[data-log="period"]').inner_text() == "2026-11-23 – 2026-11-29"
    screenshot(page, "worklog")  # (the README's picture comes from test_screenshots_browser.py)

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.locator("form.worklog-period").is_visible()
    assert page.locator("tr.log-running").first.is_visible()  # name and period on every printed page
    pdf = page.pdf(format="A4", landscape=True, prefer_css_page_size=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "worklog-print.pdf").write_bytes(pdf)  # to look at (pdftoppm)
    printed = PdfReader(io.BytesIO(pdf))
    text = "\n".join(p.extract_text() for p in printed.pages)
    assert "Jordan Müller" in text and "Иван Петров" in text and "Αθήνα Λογισμικό" in text
    assert "1 / 1" in text  # @page's page counter
    assert "Search postings" not in text and "Download PDF" not in text
    page.emulate_media(media="screen")


def test_the_preset_switch_and_downloads_from_the_page(seeded, page):
    page.goto(seeded.url + "/worklog")
    page.select_option("#wl-preset", "de")
    page.get_by_role("button", name="Show").click()
    assert page.locator("table.log-table thead tr:not(.log-running) th").first.inner_text() == "Datum"
    with page.expect_download() as download:
        page.locator('[data-download="csv"]').click()
    data = open(download.value.path(), "rb").read().decode("utf-8-sig")
    assert data.splitlines()[0].startswith("Datum,Art der Aktivität")
    response = page.request.get(seeded.url + page.locator('[data-download="pdf"]').get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert "Bewerbungsnachweis" in PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
