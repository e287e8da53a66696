"""The bulk import writes what adding each row by hand writes: the same sheet imported both
ways (services/sheet_import.py's chunks, and each row through postings.create_manual,
pipeline.change_stage, network.attach_to_posting and pipeline.add_note), compared value by
value: postings, stage events and their dates, notes, follow-ups, reflections, contacts."""
from __future__ import annotations

from datetime import datetime

import pytest

from factories import make_posting
from jobloop.db import database
from jobloop.models import Company, Contact, Event, FollowUp, Posting, PostingContact, Reflection
from jobloop.services import followups, network, pipeline, postings, sheet_import, spreadsheet

NOW = datetime(2026, 12, 1, 12, 0)

# Every path a row can take: each stage word, an unknown status, a stage dated before the
# applied date (the later "applied" reopens it), an ending and "applied" on one day, offers,
# saved dates, contacts new, repeated and already known, duplicates, bad rows.
SHEET = """Job title,Company,Link,Status,Date applied,Date saved,Stage date,Location,Salary,Notes,Recruiter,Contact email
Backend Engineer,Acme,https://jobs.example.com/1,Phone screen,2026-10-06,2026-10-01,,Hamburg,"€65,000 - €75,000 a year",Referred,Jana Krüger,jana@acme.example
Data Analyst,Blue Heron,https://jobs.example.com/2,Applied,2026-10-14,,,Remote,,,,
Designer,Tallgrass,,No response,2026-09-01,,,Denver,,sent twice,,
SRE,Kettle & Co,https://kettle.example/sre,Daydreaming,,,,,,,,
Platform Engineer,Quill,https://quill.example/p,Interviewing,2026-10-02,2026-09-28,2026-10-20,Lisbon,,,Ana Silva,
Mobile Developer,Saltmarsh,https://salt.example/m,Wishlist,,2026-10-20,,,lots of money,,,
QA Engineer,Ironbark,https://ironbark.example/qa,Rejected,2026-09-15,2026-09-10,2026-09-12,Perth,,,Ana Silva,
ML Engineer,Lanternfish,https://lantern.example/ml,Offer,2026-09-03,2026-09-01,2026-11-20,Toronto,,,,
Support Lead,Copperline,https://copper.example/42,Withdrew,,,2026-10-30,Austin,,,Bo Chen,
Analyst,Meadowlark,https://meadow.example/ba,Not selected,2026-08-22,2026-08-20,2026-08-22,Leeds,,,Jana Krüger,jana@acme.example
Writer,Acme,https://jobs.example.com/w,Accepted,2026-07-01,,2026-08-01,,,,Ann Lee,ann@known.example
Tester,Umbrella,https://jobs.example.com/t,Declined,,,,,,,,
Painter,Umbrella,https://jobs.example.com/p,Interview scheduled Monday,,,,,,,,
Cook,Umbrella,https://jobs.example.com/c,Ghosted,2026-11-01,,2026-11-25,,,,,
backend engineer,ACME,,Applied,,,,,,,,
Repeat,Acme,https://jobs.example.com/1?utm_source=x,Applied,,,,,,,,
Tracked,Hooli,https://boards.example-ats.test/acme/jobs/tracked,Applied,,,,,,,,
Future,Acme,https://jobs.example.com/f,Applied,2027-05-01,,,,,,,
Bad mail,Acme,https://jobs.example.com/m,Applied,,,,,,,Someone,not-an-address
,,,,,,,,,,,
Nameless link,,https://jobs.example.com/n,Offer,,,,,,,,
"""


def by_hand(writer: sheet_import.Writer, rows: list[sheet_import.Planned]) -> None:
    """The reference: each row through the services, as a posting typed on Add is."""
    now = writer.now
    for row in rows:
        with database.atomic():
            posting = postings.create_manual(row.url, row.fields, at=row.first, note=row.remark, now=now)
            posting.created_at = row.created_at
            posting.save(only=[Posting.created_at])
            for stage, at, note in row.steps:
                pipeline.change_stage(posting, stage, at=at, now=now, note=note)
            made = []
            if row.contact:
                contact, created = network.attach_to_posting(posting, name=row.contact["name"],
                                                             email=row.contact.get("email"), now=now)
                made = [contact.id] if created else []
            pipeline.add_note(posting, f"Imported from {writer.filename}, row {row.number}", kind="import", at=now,
                              details={"batch": writer.batch, "file": writer.filename, "row": row.number,
                                       "contacts": made}, now=now)


def contents(batch: str) -> dict:
    """Everything in the store as values: ids replaced by what they point at."""
    contact_names = {c.id: c.name for c in Contact.select()}

    def event_key(event_id):
        e = Event.get_or_none(Event.id == event_id)
        return (e.kind, e.to_stage, e.at) if e else None

    out = {}
    for p in Posting.select().order_by(Posting.canonical_url):
        row = {f.name: getattr(p, f.name) for f in Posting._meta.sorted_fields if f.name not in ("id", "company")}
        row["company"] = p.company.name if p.company_id else None
        events = []
        for e in Event.select().where(Event.posting == p).order_by(Event.at, Event.id):
            details = dict(e.details or {})
            if "batch" in details:
                details["batch"] = "same" if details["batch"] == batch else details["batch"]
                details["contacts"] = [contact_names[c] for c in details["contacts"]]
            events.append((e.kind, e.from_stage, e.to_stage, e.at, e.note, details, e.created_at))
        row["events"] = events
        row["followups"] = sorted(
            (f.kind, f.due_at, f.status, f.closed_at, f.message, event_key(f.source_event_id),
             contact_names.get(f.contact_id), f.created_at) for f in FollowUp.select().where(FollowUp.posting == p))
        row["reflections"] = [(r.due_at, r.stage_reached, r.went_well, r.written_at, r.created_at)
                              for r in Reflection.select().where(Reflection.posting == p)]
        row["contacts"] = sorted(contact_names[link.contact_id]
                                 for link in PostingContact.select().where(PostingContact.posting == p))
        out[p.canonical_url] = row
    out["companies"] = sorted(tuple(str(getattr(c, f.name)) for f in Company._meta.sorted_fields
                                    if f.name not in ("id", "created_at")) for c in Company.select())
    out["contacts"] = sorted(
        (c.name, c.email, c.company.name if c.company_id else None, c.warmth, c.created_at,
         sorted((f.kind, f.due_at, f.status, f.message) for f in FollowUp.select().where(FollowUp.contact == c)))
        for c in Contact.select())
    return out


def import_sheet(monkeypatch, *, one_by_one: bool):
    if one_by_one:
        monkeypatch.setattr(sheet_import.Writer, "write", by_hand)
    monkeypatch.setattr(spreadsheet, "CHUNK", 4)  # several chunks, and contacts met again across them
    sheet = spreadsheet.read(SHEET.encode(), "both ways.csv")
    summary = spreadsheet.import_rows(sheet, spreadsheet.preview(sheet).mapping, now=NOW)
    monkeypatch.undo()
    return summary, contents(summary.batch)


@pytest.mark.parametrize("rules", [{}, {"check_in_days": 0}, {"feedback_days": 0, "offer_reply_days": 3,
                                                                 "reflection_days": 0, "reflection_hour": 23}])
def test_bulk_import_writes_what_the_services_write_row_by_row(db, monkeypatch, rules):
    if rules:
        followups.save_rules(rules)
    make_posting(url="https://boards.example-ats.test/acme/jobs/tracked", title="Tracked", company="Hooli")
    network.create(name="Ann Lee", email="ann@known.example", now=datetime(2026, 1, 5))
    results = []
    for one_by_one in (False, True):
        with database.atomic() as transaction:
            results.append(import_sheet(monkeypatch, one_by_one=one_by_one))
            transaction.rollback()
    (bulk_summary, bulk), (hand_summary, hand) = results
    for name in ("added", "skipped", "duplicates", "notes", "empty_rows"):
        assert getattr(bulk_summary, name) == getattr(hand_summary, name), name
    assert bulk_summary.added == 15
    assert [n for n, _ in bulk_summary.duplicates] == [16, 17, 18]
    assert [n for n, _ in bulk_summary.skipped] == [19, 20]
    assert bulk.keys() == hand.keys()
    for key in bulk:
        assert bulk[key] == hand[key], key
    # The paths the sheet was written to take were taken (so the comparison covers them).
    postings_of = {key: row for key, row in bulk.items() if key not in ("contacts", "companies")}
    stages = {row["title"]: row["stage"] for row in postings_of.values()}
    assert stages["QA Engineer"] == "applied"  # rejected on the 12th, applied on the 15th: reopened
    assert stages["Analyst"] == "rejected" and stages["Cook"] == "ghosted" and stages["ML Engineer"] == "offer"
    kinds = {f[0] for row in postings_of.values() for f in row["followups"]}
    assert {"keep_in_touch", "suggest_ghosted" if rules.get("check_in_days") == 0 else "check_in"} <= kinds
    assert any(row["reflections"] for row in postings_of.values())
    assert [c[0] for c in bulk["contacts"]].count("Jana Krüger") == 1  # met again, not made twice


def test_undo_leaves_the_store_as_it_was_before_the_import(db):
    """Nothing of the batch stays behind: no follow-up, event, reflection or contact without its posting."""
    make_posting(url="https://boards.example-ats.test/acme/jobs/tracked", title="Tracked", company="Hooli")
    # (A known contact the import links keeps what it learned, e.g. a company it lacked: here it has one.)
    network.create(name="Ann Lee", email="ann@known.example", company="Acme", now=datetime(2026, 1, 5))
    before = contents("")
    counts = {m: m.select().count() for m in (Event, FollowUp, Reflection, Contact, PostingContact)}
    sheet = spreadsheet.read(SHEET.encode(), "both ways.csv")
    summary = spreadsheet.import_rows(sheet, spreadsheet.preview(sheet).mapping, now=NOW)
    assert FollowUp.select().count() > counts[FollowUp] and Reflection.select().count() > 0
    assert spreadsheet.undo(summary.batch) == summary.added
    after = contents("")
    # Company names stay (as after deleting a posting by hand): a name is no one's data.
    assert {k: v for k, v in after.items() if k != "companies"} == {k: v for k, v in before.items()
                                                                    if k != "companies"}
    assert {m: m.select().count() for m in counts} == counts
