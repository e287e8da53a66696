"""Spreadsheets in: files read in any common shape, rows become postings, an import undone as one step."""
from __future__ import annotations

import io
import re
from pathlib import Path
from datetime import datetime

import openpyxl
import pytest

from factories import make_posting
from jobloop.models import Contact, Event, FollowUp, Posting
from jobloop.services import ServiceError, pipeline, sheet_import, spreadsheet
from jobloop.services.spreadsheet import SheetError

NOW = datetime(2026, 12, 1, 12, 0)


def run(data: bytes | str, *, name="apps.csv", day_first=None, mapping=None, encoding="utf-8"):
    sheet = spreadsheet.read(data.encode(encoding) if isinstance(data, str) else data, name)
    mapping = mapping or spreadsheet.preview(sheet).mapping
    return spreadsheet.import_rows(sheet, mapping, now=NOW, day_first=day_first)


PLAIN = """Job Title,Company,Link,Status,Date applied,Location,Notes
Data Engineer,Acme,https://jobs.example.com/1,Interviewing,2026-11-02,Berlin,met at meetup
Analyst,Globex,,Applied,21/11/2026,Paris,
Designer,Initech,https://jobs.example.com/3,No response,2026-10-01,,
Writer,Umbrella,https://jobs.example.com/4,Daydreaming,,,
"""


def test_rows_become_postings_with_their_stages_and_dates(db):
    summary = run(PLAIN)
    assert (summary.added, summary.skipped, summary.duplicates) == (4, [], [])
    by_title = {p.title: p for p in Posting.select()}
    assert {t: p.stage for t, p in by_title.items()} == {
        "Data Engineer": "interviewing", "Analyst": "applied", "Designer": "ghosted", "Writer": "saved"}
    assert pipeline.applied_event(by_title["Analyst"]).at.date().isoformat() == "2026-11-21"
    assert pipeline.applied_event(by_title["Data Engineer"]).at.date().isoformat() == "2026-11-02"
    assert by_title["Data Engineer"].notes == "met at meetup"
    assert by_title["Data Engineer"].locations == ["Berlin"]
    assert spreadsheet.is_placeholder(by_title["Analyst"].url)
    note = Event.get((Event.posting == by_title["Writer"]) & (Event.kind == "note"))
    assert "Daydreaming" in note.note and summary.notes == [(5, "status 'Daydreaming' not recognized: saved")]


def test_undo_removes_the_batch_and_only_it(db):
    kept = make_posting(title="Kept", company="Hooli")
    summary = run(PLAIN)
    assert Posting.select().count() == 5
    assert spreadsheet.undo(summary.batch) == 4
    assert [p.id for p in Posting.select()] == [kept.id]
    with pytest.raises(ServiceError):
        spreadsheet.undo(summary.batch)



def test_duplicates_of_tracked_postings_and_of_earlier_rows_are_reported_not_doubled(db):
    tracked = make_posting(title="Data Engineer", company="Acme")
    data = ("Title,Company,URL\n"
            f"Anything,Someone,{tracked.url}\n"          # same link
            "data engineer,ACME,\n"                        # same company + title, other case
            "Analyst,Globex,https://jobs.example.com/a\n"
            "Analyst 2,Globex,https://jobs.example.com/a?utm_source=x\n")  # same canonical URL as row 4
    summary = run(data)
    assert summary.added == 1
    assert [n for n, _ in summary.duplicates] == [2, 3, 5]
    assert "already tracked" in summary.duplicates[0][1] and "row 4" in summary.duplicates[2][1]
    assert tracked.title == Posting.get_by_id(tracked.id).title  # left as it was


@pytest.mark.parametrize("encoding, label", [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"),
                                             ("cp1252", "Windows-1252 (cp1252)")])
def test_encodings_are_tried_in_order_and_named(db, encoding, label):
    sheet = spreadsheet.read("Titel;Firma;Ort\nIngénieur Logiciel;Société Générale;Zürich\n".encode(encoding))
    assert sheet.encoding == label and sheet.delimiter == ";"
    assert sheet.headers == ["Titel", "Firma", "Ort"]
    assert list(sheet.rows()) == [(2, ["Ingénieur Logiciel", "Société Générale", "Zürich"])]
    assert label in sheet.describe() and "semicolons" in sheet.describe()


def test_tab_separated_and_empty_rows(db):
    summary = run("Role\tEmployer\n\nTester\tAcme\n\t\n\nPlumber\tMario Bros\n")
    assert summary.added == 2 and summary.empty_rows == 3
    assert "3 empty rows ignored." in summary.lines()


@pytest.mark.parametrize("data, code", [
    (b"", "empty_file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary_file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old_excel"),
    (b"PK\x03\x04 not really a zip", "bad_xlsx"),
    (b"Title,Company\n\n\n", "empty_file"),
    (b"\n\n", "empty_file"),
    ("Title\nCaf\u00e9 \x81\n".encode("latin-1"), "bad_encoding"),  # 0x81 is undefined in cp1252
])
def test_bad_files_get_a_clear_reason_and_write_nothing(db, data, code):
    with pytest.raises(SheetError) as err:
        spreadsheet.read(data, "x.csv")
    assert err.value.code == code and err.value.message
    assert Posting.select().count() == 0


def test_a_row_the_services_refuse_is_skipped_with_its_number_and_the_rest_imported(db):
    data = ("Title,Company,URL,Date applied\n"
            "Good,Acme,https://jobs.example.com/g,2026-11-01\n"
            "Future,Acme,https://jobs.example.com/f,2027-05-01\n"
            ",,,\n"
            "No link,Acme,ftp://files.example.com/x,\n"
            ",Lonely Company,,\n"
            "Bad date,Acme,https://jobs.example.com/b,soon\n")
    summary = run(data)
    assert summary.added == 1
    reasons = dict(summary.skipped)
    assert sorted(reasons) == [3, 5, 6, 7]
    assert "future" in reasons[3] and "not a web address" in reasons[5]
    assert "no job title and no link" in reasons[6] and "not a date" in reasons[7]
    assert Posting.select().count() == 1 and Event.select().where(Event.posting.is_null()).count() == 0


def test_nothing_is_half_imported_when_the_file_fails_as_a_whole(db, monkeypatch):
    """The second chunk fails after the first was written: the first goes too."""
    calls = []
    real = sheet_import.Writer.write

    def boom(writer, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(writer, rows)

    monkeypatch.setattr(spreadsheet, "CHUNK", 2)
    monkeypatch.setattr(sheet_import.Writer, "write", boom)
    with pytest.raises(RuntimeError):
        run(PLAIN)
    assert calls == [2, 2]
    assert Posting.select().count() == 0 and Event.select().count() == 0 and FollowUp.select().count() == 0


def test_ambiguous_dates_are_asked_and_the_answer_used(db):
    data = "Title,Company,Date applied\nA,X,03/04/2026\nB,Y,05/06/2026\n"
    with pytest.raises(ServiceError) as err:
        run(data)
    assert err.value.code == "ambiguous_dates" and Posting.select().count() == 0
    sheet = spreadsheet.read(data.encode())
    assert spreadsheet.preview(sheet).ambiguous_dates
    run(data, day_first=True)
    assert pipeline.applied_event(Posting.get(Posting.title == "A")).at.date().isoformat() == "2026-04-03"


def test_one_unambiguous_date_decides_the_column(db):
    run("Title,Company,Date applied\nA,X,03/04/2026\nB,Y,11/21/2026\n")  # 21 cannot be a month
    assert pipeline.applied_event(Posting.get(Posting.title == "A")).at.date().isoformat() == "2026-03-04"


def test_a_column_mixing_both_orders_is_refused(db):
    with pytest.raises(ServiceError) as err:
        run("Title,Company,Date applied\nA,X,21/04/2026\nB,Y,11/21/2026\n")
    assert err.value.code == "mixed_dates"


@pytest.mark.parametrize("text, day_first, expected", [
    ("2026-11-21", None, "2026-11-21"), ("2026-11-21T09:30:00", None, "2026-11-21"),
    ("21/11/2026", None, "2026-11-21"), ("11/21/2026", None, "2026-11-21"), ("21.11.2026", None, "2026-11-21"),
    ("03.04.2026", None, "2026-04-03"), ("03/04/2026", True, "2026-04-03"), ("03/04/2026", False, "2026-03-04"),
    ("Nov 21 2026", None, "2026-11-21"), ("November 21, 2026", None, "2026-11-21"),
    ("21 Nov 2026", None, "2026-11-21"), ("21. März 2026", None, "2026-03-21"), ("3 avril 2026", None, "2026-04-03"),
    ("4/4/26", None, "2026-04-04"),
])
def test_date_formats(text, day_first, expected):
    assert spreadsheet.parse_day(text, day_first).isoformat() == expected


@pytest.mark.parametrize("text", ["03/04/2026", "soon", "2026-13-01", "31/02/2026", "1850-01-01"])
def test_dates_that_are_not_dates_or_need_an_order(text):
    with pytest.raises(ValueError):
        spreadsheet.parse_day(text, None)


def test_xlsx_with_real_date_cells_and_numbers(db):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Position", "Organization", "Applied on", "Salary", "Recruiter", "Contact email"])
    sheet.append(["Backend Developer", "Acme", datetime(2026, 11, 3), "€60,000 - €70,000 a year", "Ann Lee",
                  "ann@acme.example"])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["Frontend Developer", "Acme", datetime(2026, 11, 4), 55000, None, None])
    out = io.BytesIO()
    book.save(out)
    summary = run(out.getvalue(), name="apps.xlsx")
    assert summary.added == 2 and summary.empty_rows == 1
    backend = Posting.get(Posting.title == "Backend Developer")
    assert (backend.salary_min, backend.salary_max, backend.salary_currency) == (60000, 70000, "EUR")
    assert pipeline.applied_event(backend).at.date().isoformat() == "2026-11-03"
    assert [c.name for c in Contact.select()] == ["Ann Lee"]
    spreadsheet.undo(summary.batch)
    assert Posting.select().count() == 0 and Contact.select().count() == 0  # the contact it made goes too


def test_the_mapping_is_checked(db):
    sheet = spreadsheet.read(b"A,B\nx,y\n")
    assert spreadsheet.preview(sheet).mapping == ["", ""]
    for mapping, words in ((["", ""], "job title or the link"), (["title", "title"], "two columns"),
                           (["title"], "mapping names 1"), (["title", "salaryish"], "not something")):
        with pytest.raises(ServiceError) as err:
            spreadsheet.import_rows(sheet, mapping, now=NOW)
        assert words in err.value.message
    assert spreadsheet.import_rows(sheet, ["title", "company"], now=NOW).added == 1


DOC = Path(__file__).resolve().parents[1] / "docs" / "spreadsheet.md"


def doc_examples() -> dict[str, str]:
    return dict(re.findall(r"```csv example=(\w+)\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S))


@pytest.mark.parametrize("preset, stages", [
    ("plain", {"Backend Engineer": "screening", "Data Analyst": "applied", "Product Designer": "ghosted",
               "Site Reliability Engineer": "saved"}),
    ("huntr", {"Platform Engineer": "interviewing", "Mobile Developer": "saved", "QA Engineer": "rejected"}),
    ("teal", {"ML Engineer": "offer", "Support Lead": "saved", "Business Analyst": "rejected"}),
])
def test_each_documented_example_file_imports_as_the_doc_says(db, preset, stages):
    data = doc_examples()[preset].encode()
    sheet = spreadsheet.read(data, f"{preset}.csv")
    assert spreadsheet.preview(sheet).preset.name == preset
    summary = spreadsheet.import_rows(sheet, spreadsheet.preview(sheet).mapping, now=NOW)
    assert (summary.added, summary.skipped) == (len(stages), [])
    assert {p.title: p.stage for p in Posting.select()} == stages


def test_size_and_row_limits_are_refused_in_words(db, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_SHEET_ROWS", 3)
    with pytest.raises(SheetError) as err:
        spreadsheet.read(b"Title\nA\nB\nC\nD\n")
    assert err.value.code == "too_many_rows" and "more than 3 rows" in err.value.message
    assert spreadsheet.read(b"Title\nA\nB\nC\n").row_count == 3
    monkeypatch.setattr(spreadsheet, "MAX_SHEET_BYTES", 10)
    with pytest.raises(SheetError) as err:
        spreadsheet.read(b"Title\nA long enough file\n")
    assert err.value.code == "too_large"
