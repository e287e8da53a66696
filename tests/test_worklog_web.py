"""The work-search log page, its downloads, the name on it and "how you applied", through the app."""
from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader

from factories import Clock, stored_posting
from jobloop.clock import local_to_utc
from jobloop.services import pipeline


@pytest.fixture
def clock() -> Clock:
    return Clock(local_to_utc(datetime(2026, 12, 2, 12)))  # Wednesday: last week is 23–29 November


def csrf(client) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/settings").text).group(1)


def test_the_log_page_shows_last_week_by_default(client, db):
    stored_posting("applied", at=local_to_utc(datetime(2026, 11, 24, 10)), title="Backend Engineer",
                   company="Ромашка ООО")
    stored_posting("applied", at=local_to_utc(datetime(2026, 11, 20, 10)), title="Too early")
    page = client.get("/worklog")
    assert page.status_code == 200
    html = page.text
    assert 'data-week="2026-11-23"' in html and "Backend Engineer" in html and "Too early" not in html
    assert 'data-count="application">1<' in html
    assert "/worklog.pdf?from=2026-11-23&amp;to=2026-11-29&amp;preset=jobloop" in html
    assert 'href="/worklog"' in client.get("/").text  # in the navigation


def test_the_log_page_refuses_a_bad_period_with_its_reason(client, db):
    r = client.get("/worklog?from=2026-11-29&to=2026-11-01")
    assert r.status_code == 422 and "ends before it starts" in r.text
    r = client.get("/worklog?from=2020-01-01&to=2026-11-01")
    assert r.status_code == 422 and "at most 366 days" in r.text
    r = client.get("/worklog?from=yesterday&to=2026-11-01")
    assert r.status_code == 422 and "is not a date" in r.text
    assert client.get("/worklog?preset=xx").status_code == 422
    assert client.get("/worklog.pdf?from=2026-11-29&to=2026-11-01").status_code == 422


def test_pdf_and_csv_downloads(client, db):
    stored_posting("applied", at=local_to_utc(datetime(2026, 11, 24, 10)), title="Μηχανικός", company="Αθήνα")
    client.post("/worklog/person", data={"csrf_token": csrf(client), "name": "Анна Смирнова", "reference": ""})
    pdf = client.get("/worklog.pdf?preset=uk")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "work-search-record-2026-11-23-2026-11-29.pdf" in pdf.headers["Content-Disposition"]
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Name: Анна Смирнова" in text and "Μηχανικός" in text and "23/11/2026 – 29/11/2026" in text
    sheet = client.get("/worklog.csv?preset=de&from=2026-11-23&to=2026-11-29")
    assert sheet.mimetype == "text/csv"
    lines = sheet.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Datum,Art der Aktivität") and lines[1].startswith("24.11.2026,Bewerbung,Αθήνα")


def test_how_you_applied_is_set_on_the_posting_page(client, db):
    posting = stored_posting("applied", at=local_to_utc(datetime(2026, 11, 24, 10)))
    page = client.get(f"/postings/{posting.id}").text
    assert 'name="how"' in page
    r = client.post(f"/postings/{posting.id}/how", data={"csrf_token": csrf(client), "how": "in person"})
    assert r.status_code == 302
    assert pipeline.applied_event(posting).details["how"] == "in person"
    r = client.post(f"/postings/{posting.id}/how", data={"csrf_token": csrf(client), "how": "fax"})
    assert r.status_code == 422 and "How: one of online, e-mail, in person" in r.text
    assert client.post("/postings/999999/how", data={"csrf_token": csrf(client), "how": "phone"}).status_code == 404
