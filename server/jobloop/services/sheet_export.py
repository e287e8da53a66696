"""Spreadsheets out: the table's current view as .csv or .xlsx, and everything as CSV files.

Written for people opening them in a spreadsheet: dates are ISO days in the user's
local time, CSV text is UTF-8 with a byte-order mark (so Excel reads the accents),
and a cell that starts like a formula (=, +, -, @, tab, carriage return) is written
with a leading apostrophe so no spreadsheet runs it (spreadsheet.read takes the
apostrophe off again). The postings sheet's headers are the "jobloop" preset in
sheet_columns.py, so an exported file imports back as it was: same postings, stages,
dates, notes and first contact (snapshots and descriptions are not in it; the JSON
export keeps those).
"""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from typing import Iterable, Iterator

from peewee import JOIN

from ..clock import utc_to_local
from ..parsing.job_site import site_name
from ..models import Company, Contact, Event, FollowUp, Goal, Posting, PostingContact, Reflection
from . import pipeline, postings, table_view, tags
from .spreadsheet import FORMULA_START, is_placeholder

COLUMNS = ("Title", "Company", "Stage", "Location", "Site", "Saved", "Applied on", "Updated", "URL",
           "Stage since", "Salary", "Notes", "Contact", "Contact email", "Tags")
# The table's columns (services/table_view.py) -> the headers of "download this view";
# headers shared with COLUMNS are the same words, so such a file imports back.
VIEW_HEADERS = {"title": ["Title"], "company": ["Company"], "stage": ["Stage"], "applied": ["Applied on"],
                "waiting": ["Days waiting"], "next": ["Next action", "Next action on"], "salary": ["Salary"],
                "location": ["Location"], "site": ["Site"], "tags": ["Tags"], "saved": ["Saved"],
                "updated": ["Updated"]}
CHUNK = 500


def escape(value) -> str:
    """A cell as text a spreadsheet shows and never evaluates."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _day(value) -> str:
    if isinstance(value, datetime):
        return utc_to_local(value).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return ""


def _salary(p: Posting) -> str:
    if p.salary_min is None and p.salary_max is None:
        return ""
    low, high = (f"{v:,.0f}" if v is not None else "" for v in (p.salary_min, p.salary_max))
    span = f"{low} - {high}" if low and high and low != high else (low or high)
    return " ".join(filter(None, [span, p.salary_currency, f"per {p.salary_period}" if p.salary_period else ""]))


def _first_contacts(ids: list[int]) -> dict[int, Contact]:
    found: dict[int, Contact] = {}
    query = (PostingContact.select(PostingContact.posting, Contact).join(Contact)
             .where(PostingContact.posting.in_(ids)).order_by(PostingContact.id))
    for link in query:
        found.setdefault(link.posting_id, link.contact)
    return found


def _chunks(filters: postings.Filters | None, sort: str, descending: bool) -> Iterator[list[Posting]]:
    """The view's postings in its order, a chunk at a time (the table's own paging)."""
    filters = filters or postings.Filters(archived="show")
    page = 1
    while True:
        rows = postings.page_of(filters, sort, descending, page, CHUNK)
        if not rows:
            return
        yield rows
        page += 1


def posting_rows(filters: postings.Filters | None = None, *, sort: str = "updated",
                 descending: bool = True) -> Iterator[list[str]]:
    """The header, then one row per posting (all of them unless `filters` say otherwise,
    archived ones included), every column of COLUMNS: the importable sheet."""
    yield list(COLUMNS)
    for page in _chunks(filters, sort, descending):
        ids = [p.id for p in page]
        applied = pipeline.applied_dates(ids)
        contacts = _first_contacts(ids)
        tagged = tags.for_postings(ids)
        for p in page:
            contact = contacts.get(p.id)
            yield [p.title or "", p.company.name if p.company_id else "", p.stage, "; ".join(p.locations or []),
                   p.source_site or "", _day(p.created_at), _day(applied.get(p.id)), _day(p.updated_at),
                   "" if is_placeholder(p.url) else p.url, _day(p.stage_changed_at), _salary(p), p.notes or "",
                   contact.name if contact else "", (contact.email or "") if contact else "",
                   ", ".join(tagged.get(p.id, []))]


def view_rows(filters: postings.Filters, columns: list[str], *, sort: str, descending: bool,
              now: datetime) -> Iterator[list[str]]:
    """The table's view as on screen: its columns (then the URL, so a row can be found
    again), its filters and its order."""
    yield [h for c in columns for h in VIEW_HEADERS[c]] + ["URL"]
    for page in _chunks(filters, sort, descending):
        cells = table_view.cells(page)
        for p in page:
            step = cells.next.get(p.id)
            waiting = cells.waiting(p, now)
            values = {
                "title": [p.title or ""], "company": [p.company.name if p.company_id else ""], "stage": [p.stage],
                "applied": [_day(cells.applied.get(p.id))], "waiting": ["" if waiting is None else waiting],
                "next": [step.label if step else "", _day(step.at) if step else ""], "salary": [_salary(p)],
                "location": ["; ".join(p.locations or [])], "site": [site_name(p.canonical_url or p.url)],
                "tags": [", ".join(cells.tags.get(p.id, []))], "saved": [_day(p.created_at)],
                "updated": [_day(p.updated_at)],
            }
            yield [v for c in columns for v in values[c]] + ["" if is_placeholder(p.url) else p.url]


def to_csv(rows: Iterable[list]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([escape(v) for v in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def to_xlsx(rows: Iterable[list], title: str = "Postings") -> bytes:
    import openpyxl  # only an .xlsx needs it

    book = openpyxl.Workbook(write_only=True)  # streams rows: memory stays flat for a long table
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append([escape(v) for v in row])  # text only: openpyxl would store "=…" as a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- everything, one CSV per kind of record ------------------------------------------------

def _table_rows(header: list[str], query, row) -> Iterator[list]:
    yield header
    for item in query.iterator():
        yield row(item)


def everything_zip() -> bytes:
    """A .zip of CSV files: postings (the importable sheet), events, follow-ups, contacts,
    reflections and goals. Times are the user's local date and time, ISO."""
    def when(value) -> str:
        return utc_to_local(value).isoformat(sep=" ", timespec="minutes") if isinstance(value, datetime) else _day(value)

    files = {
        "postings.csv": posting_rows(sort="created", descending=False),
        "events.csv": _table_rows(
            ["Posting id", "Posting", "Company", "Kind", "From stage", "To stage", "At", "Note"],
            Event.select(Event, Posting.title, Company.name).join(Posting)
            .join(Company, JOIN.LEFT_OUTER, on=(Posting.company == Company.id)).order_by(Event.posting, Event.at)
            .objects(),
            lambda e: [e.posting_id, e.title or "", e.name or "", e.kind, e.from_stage or "", e.to_stage or "",
                       when(e.at), e.note]),
        "followups.csv": _table_rows(
            ["Posting id", "Contact id", "Kind", "Due", "Status", "Snoozed until", "Closed", "Message"],
            FollowUp.select().order_by(FollowUp.due_at),
            lambda f: [f.posting_id or "", f.contact_id or "", f.kind, when(f.due_at), f.status,
                       when(f.snoozed_until), when(f.closed_at), f.message]),
        "contacts.csv": _table_rows(
            ["Id", "Name", "Role", "Company", "Email", "LinkedIn", "How met", "Warmth", "Last contact", "Notes"],
            Contact.select().order_by(Contact.id),  # few rows: reading each one's company is cheap
            lambda c: [c.id, c.name, c.role or "", c.company.name if c.company_id else "", c.email or "",
                       c.linkedin_url or "", c.how_met, c.warmth, when(c.last_contact_at), c.notes]),
        "reflections.csv": _table_rows(
            ["Posting id", "Due", "Stage reached", "Went well", "To improve", "Feedback", "Confidence", "Written"],
            Reflection.select().order_by(Reflection.due_at),
            lambda r: [r.posting_id, when(r.due_at), r.stage_reached or "", r.went_well, r.to_improve, r.feedback,
                       r.confidence or "", when(r.written_at)]),
        "goals.csv": _table_rows(
            ["Title", "Skill", "Deadline", "Progress", "Done"],
            Goal.select().order_by(Goal.id),
            lambda g: [g.title, g.skill or "", _day(g.deadline), g.progress, when(g.done_at)]),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in files.items():
            archive.writestr(name, to_csv(rows))
    return out.getvalue()
