"""Spreadsheets out: formula-looking cells escaped, and an export that imports back as it was."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

import openpyxl
import pytest

from jobloop.models import ALL_MODELS, Posting, Setting
from jobloop.services import network, pipeline, postings, sheet_export, spreadsheet, transfer

NOW = datetime(2026, 12, 1, 12, 0)


@pytest.mark.parametrize("cell, written", [
    ("=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")"),
    ("+1 555 0100", "'+1 555 0100"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tTab", "'\tTab"),
    ("Plain words", "Plain words"), ("2026-11-21", "2026-11-21"), ("", ""), (None, ""),
])
def test_formula_looking_cells_are_escaped(cell, written):
    assert sheet_export.escape(cell) == written


def test_csv_has_a_bom_and_escapes_and_reads_back_unescaped(db):
    data = sheet_export.to_csv([["Title", "Notes"], ["=1+1", "@me -> +done"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [["Title", "Notes"], ["'=1+1", "'@me -> +done"]]
    sheet = spreadsheet.read(data, "x.csv")
    assert list(sheet.rows()) == [(2, ["=1+1", "@me -> +done"])]


def test_xlsx_cells_are_text_never_formulas(db):
    book = openpyxl.load_workbook(io.BytesIO(sheet_export.to_xlsx([["Title"], ["=CMD()"], ["-5"]])))
    values = [(c.value, c.data_type) for (c,) in book.active.iter_rows(min_row=2)]
    assert values == [("'=CMD()", "s"), ("'-5", "s")]


def _search(db):
    """A small search with every kind of history the sheet carries."""
    made = {}
    made["de"] = postings.create_manual("https://jobs.example.com/de?ref=1", {
        "title": "Data Engineer", "company": "Acme", "notes": "Referred by Ann\nsecond line",
        "locations": ["Berlin", "Remote"], "salary_min": 60000.0, "salary_max": 70000.0,
        "salary_currency": "EUR", "salary_period": "year"}, at=datetime(2026, 10, 1, 9), now=NOW)
    pipeline.change_stage(made["de"], "applied", at=datetime(2026, 10, 3, 11), now=NOW)
    pipeline.change_stage(made["de"], "interviewing", at=datetime(2026, 10, 20, 15), now=NOW)
    network.attach_to_posting(made["de"], name="Ann Lee", email="ann@acme.example", now=NOW)
    made["an"] = postings.create_manual("https://jobs.example.com/an", {"title": "=Analyst", "company": "Globex"},
                                        at=datetime(2026, 11, 2, 9), now=NOW)
    pipeline.change_stage(made["an"], "applied", at=datetime(2026, 11, 4, 10), now=NOW)
    pipeline.change_stage(made["an"], "rejected", at=datetime(2026, 11, 18, 10), now=NOW)
    made["sv"] = postings.create_manual("https://jobs.example.com/sv", {"title": "Tester", "company": "Initech"},
                                        at=datetime(2026, 11, 25, 9), now=NOW)
    return made


def _view() -> list[dict]:
    keep = ("Title", "Company", "Stage", "Location", "Saved", "Applied on", "URL", "Stage since", "Salary", "Notes",
            "Contact", "Contact email")
    rows = list(sheet_export.posting_rows(sort="title", descending=False))
    return [{k: v for k, v in zip(rows[0], row) if k in keep} for row in rows[1:]]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_round_trip_into_an_empty_store(db, kind):
    _search(db)
    before = _view()
    data = getattr(sheet_export, f"to_{kind}")(sheet_export.posting_rows())
    for model in reversed(ALL_MODELS):
        model.delete().where(model.id.is_null(False) if model is not Setting
                             else Setting.key.not_in(transfer.APP_SETTINGS)).execute()
    sheet = spreadsheet.read(data, f"jobloop.{kind}")
    preview = spreadsheet.preview(sheet)
    assert preview.preset.name == "jobloop" and "" not in [m for h, m in zip(sheet.headers, preview.mapping)
                                                           if h not in ("Site", "Updated")]
    summary = spreadsheet.import_rows(sheet, preview.mapping, now=NOW)
    assert (summary.added, summary.skipped) == (3, [])
    assert _view() == before
    assert before[0]["Title"] == "=Analyst" and before[0]["Stage"] == "rejected"
    analyst = Posting.get(Posting.title == "=Analyst")
    assert [e.to_stage for e in pipeline.stage_events(analyst)] == ["saved", "applied", "rejected"]


def test_the_view_follows_the_table_filters(db):
    _search(db)
    rows = list(sheet_export.posting_rows(postings.Filters(stage="rejected")))
    assert [r[0] for r in rows[1:]] == ["=Analyst"]


def test_everything_zip_has_one_csv_per_kind(db):
    _search(db)
    with zipfile.ZipFile(io.BytesIO(sheet_export.everything_zip())) as archive:
        names = archive.namelist()
        events = list(csv.reader(io.StringIO(archive.read("events.csv").decode("utf-8-sig"))))
        contacts = list(csv.reader(io.StringIO(archive.read("contacts.csv").decode("utf-8-sig"))))
    assert names == ["postings.csv", "events.csv", "followups.csv", "contacts.csv", "reflections.csv", "goals.csv"]
    assert ["'=Analyst", "Globex", "stage", "applied", "rejected"] in [r[1:6] for r in events]
    assert contacts[1][1:5] == ["Ann Lee", "", "Acme", "ann@acme.example"]
