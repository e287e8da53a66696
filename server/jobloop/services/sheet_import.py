"""Spreadsheet rows written in bulk: the rows spreadsheet.import_rows has read and checked,
a chunk at a time, with a few multi-row INSERTs instead of ~30 queries a row.

What a chunk writes is what adding each row by hand writes (postings.create_manual, then
pipeline.change_stage for each stage, network.attach_to_posting, pipeline.add_note for
the "import" event): the pipeline's steps are replayed in memory for each new posting —
the stage rule of jobloop/stages.py after each stage event, then the follow-up and
reflection rules in their in-memory forms (followups.reconcile_planned,
reflection.planned) — and the outcome is inserted. A new posting has no follow-ups,
reflections or contacts yet, so nothing needs reading back. Contacts go through
network.attach_to_posting row by row: finding a known person needs the store.
tests/test_spreadsheet_bulk_service.py compares the two ways value by value.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from typing import Any

from peewee import AutoField, DateTimeField, FloatField, ForeignKeyField, IntegerField, chunked

from .. import stages
from ..db import database
from ..models import Company, Event, FollowUp, JSONField, Posting, Reflection
from . import followups, network, postings, reflection, tags

INSERT_ROWS = 1000  # names per IN (...) when companies are looked up
MAX_PARAMETERS = 30_000  # values per INSERT: SQLite takes up to 32,766, PostgreSQL 65,535


@dataclass
class Planned:
    """One spreadsheet row, checked and ready to write."""

    number: int
    url: str
    canonical: str
    fields: dict[str, Any]  # the posting's own fields from the row (postings.EDITABLE names, none empty)
    first: datetime  # the "saved" event's date: the earliest date in the row, or now
    created_at: datetime  # "Date saved", else now
    steps: list[tuple[str, datetime, str]]  # the stage changes after "saved": (stage, at, note)
    remark: str = ""  # a note on the timeline (an unknown status)
    contact: dict[str, str] | None = None  # name and email for network.attach_to_posting
    tags: list[str] = field(default_factory=list)  # normalized by tags.parse


@dataclass
class _Stage:
    """A stage event in memory, with the order it would be written in as its id."""

    id: int
    from_stage: str
    to_stage: str
    at: datetime
    note: str


@dataclass
class _Timeline:
    events: list  # _Stage, or the remark's text, in the order written
    stage: str
    decider: _Stage | None
    followups: list[dict[str, Any]] = field(default_factory=list)
    reflection: dict[str, Any] | None = None


def replay(row: Planned, now: datetime, rules: dict[str, int]) -> _Timeline:
    """The pipeline's steps for one new posting, in memory: each stage event, then the stage
    rule, the follow-up rules and the reflection rule, in the order pipeline._settle runs them."""
    ids = count(1)
    line = _Timeline(events=[], stage="saved", decider=None)
    stage_events: list[_Stage] = []

    def change(to: str, at: datetime, note: str) -> None:
        event = _Stage(next(ids), line.stage, to, at, note)
        stage_events.append(event)
        line.events.append(event)
        line.decider = stages.deciding_event(stage_events)
        line.stage = line.decider.to_stage if line.decider else "saved"
        followups.reconcile_planned(line.followups, line.stage, line.decider, now, rules)
        line.reflection = reflection.planned(line.reflection, line.stage, line.decider, stage_events, now, rules)

    change("saved", row.first, "added by hand")
    if row.remark.strip():
        next(ids)
        line.events.append(row.remark.strip())
    for to, at, note in row.steps:
        change(to, at, note)
    return line


class Writer:
    """Writes chunks of planned rows for one import batch (inside the caller's transaction)."""

    def __init__(self, batch: str, filename: str, now: datetime):
        self.batch, self.filename, self.now = batch, filename, now
        self.rules = followups.rules()  # read once, not once a posting
        self.company_ids: dict[str, int] = {}  # name -> id, for the companies rows named so far

    def write(self, rows: list[Planned]) -> None:
        now = self.now
        companies = self._companies({r.fields["company"] for r in rows if r.fields.get("company")})
        lines = [replay(r, now, self.rules) for r in rows]
        inserted = _insert(Posting, [self._posting(r, line, companies) for r, line in zip(rows, lines)],
                           returning=(Posting.id, Posting.canonical_url))
        posting_ids = {url: pid for pid, url in inserted}

        events = []
        for r, line in zip(rows, lines):
            pid = posting_ids[r.canonical]
            for e in line.events:
                if isinstance(e, _Stage):
                    events.append(_event(pid, "stage", e.at, e.note, now, e.from_stage, e.to_stage))
                else:
                    events.append(_event(pid, "note", now, e, now))
        inserted = _insert(Event, events, returning=(Event.id, Event.posting, Event.kind, Event.to_stage))
        # (posting, to_stage) -> id: the stages of one row differ
        event_ids = {(pid, to): eid for eid, pid, kind, to in inserted if kind == "stage"}

        rows_of = [(r, line, posting_ids[r.canonical]) for r, line in zip(rows, lines)]
        _insert(FollowUp, [
            {"posting": pid, "contact": None, "kind": f["kind"], "due_at": f["due_at"], "status": f["status"],
             "snoozed_until": None, "message": "", "source_event": event_ids[(pid, f["source"].to_stage)],
             "created_at": now, "closed_at": f["closed_at"]}
            for r, line, pid in rows_of for f in line.followups])
        _insert(Reflection, [
            {"posting": pid, "due_at": line.reflection["due_at"], "stage_reached": line.reflection["stage_reached"],
             "went_well": "", "to_improve": "", "feedback": "", "confidence": None, "written_at": None,
             "created_at": now}
            for r, line, pid in rows_of if line.reflection])

        imports = []
        for r, line, pid in rows_of:
            made = []
            if r.contact:
                posting = Posting(id=pid, company=companies.get(r.fields.get("company")))
                contact, created = network.attach_to_posting(posting, name=r.contact["name"],
                                                             email=r.contact.get("email"), now=now)
                if created:
                    made.append(contact.id)
            imports.append(_event(pid, "import", now, f"Imported from {self.filename}, row {r.number}", now,
                                  details={"batch": self.batch, "file": self.filename, "row": r.number,
                                           "contacts": made}))
        _insert(Event, imports)
        tags.attach({posting_ids[r.canonical]: r.tags for r in rows if r.tags})

    def _posting(self, row: Planned, line: _Timeline, companies: dict[str, int]) -> dict[str, Any]:
        values = {name: None for name in ("title", "salary_min", "salary_max", "salary_currency", "salary_period")}
        values.update(locations=[], notes="")
        values.update({k: v for k, v in row.fields.items() if k != "company"})
        values.update(
            canonical_url=row.canonical, url=row.url, source_site="manual", stage=line.stage,
            stage_changed_at=line.decider.at if line.decider else row.created_at,
            company=companies.get(row.fields.get("company")), user_edited=sorted(row.fields),
            created_at=row.created_at, updated_at=self.now)
        return values

    def _companies(self, names: set[str]) -> dict[str, int]:
        """Company ids by name: the known ones looked up together; a new one made by
        postings.company_named, the one way a company row is made, as a row added by hand does."""
        wanted = names - self.company_ids.keys()
        for part in chunked(sorted(wanted), INSERT_ROWS):
            self.company_ids.update((n, i) for i, n in Company.select(Company.id, Company.name)
                                    .where(Company.name.in_(part)).tuples())
        # New employers one by one through postings.company_named (companies.named: the one way a
        # company row is made, its name key pointing "ACME Inc." at a known "Acme"); once per new name.
        for name in sorted(wanted - self.company_ids.keys()):
            self.company_ids[name] = postings.company_named(name).id
        return self.company_ids


def _insert(model, rows: list[dict[str, Any]], returning=()) -> list[tuple]:
    """INSERT rows (dicts with the same keys) a thousand or so at a time; the `returning`
    columns of each row written. The statement is written here rather than by peewee's
    insert_many, which spends ~40 µs a value building it (most of a 50,000-row import);
    the values still go through each field's db_value, as they would there."""
    if not rows:
        return []
    names = list(rows[0])
    convert = [_converter(model._meta.fields[name]) for name in names]
    # The columns the rows leave out get the model's defaults, as insert_many would give them
    # (the same for every row, so turned into stored values once).
    missing = [(f, d() if callable(d) else d) for f, d in model._meta.defaults.items() if f.name not in names]
    fixed = [f.db_value(value) for f, value in missing]
    fields = [model._meta.fields[name] for name in names] + [f for f, _ in missing]
    table = model._meta.table_name
    one = "(" + ", ".join([database.param] * len(fields)) + ")"
    head = f'INSERT INTO "{table}" (' + ", ".join(f'"{f.column_name}"' for f in fields) + ") VALUES "
    tail = (" RETURNING " + ", ".join(f'"{f.column_name}"' for f in returning)) if returning else ""
    per_statement = max(1, MAX_PARAMETERS // len(fields))
    out: list[tuple] = []
    for start in range(0, len(rows), per_statement):
        params: list = []
        for row in rows[start:start + per_statement]:
            params += [c(row[n]) if c else row[n] for c, n in zip(convert, names)]
            params += fixed
        cursor = database.execute_sql(head + ", ".join([one] * (len(params) // len(fields))) + tail, params)
        if returning:
            out.extend(tuple(r) for r in cursor.fetchall())
    return out


_AS_IS = (AutoField, IntegerField, FloatField, ForeignKeyField, DateTimeField)  # values already as stored


def _converter(field):
    """The field's db_value, or None where the value goes in as it is (numbers, ids, datetimes:
    db_value hands them on unchanged); an empty JSON list or object is written once, not dumped."""
    if isinstance(field, _AS_IS):
        return None
    if isinstance(field, JSONField):
        dump = field.db_value
        return lambda v: ("[]" if isinstance(v, list) else "{}") if v == [] or v == {} else dump(v)
    # Text: the field's db_value only takes out NUL characters (models.py); most cells have none.
    db_value = field.db_value
    return lambda v: db_value(v) if v.__class__ is not str or "\x00" in v else v


def _event(posting_id: int, kind: str, at: datetime, note: str, now: datetime, from_stage: str | None = None,
           to_stage: str | None = None, details: dict | None = None) -> dict[str, Any]:
    return {"posting": posting_id, "kind": kind, "from_stage": from_stage, "to_stage": to_stage, "at": at,
            "note": note, "details": details or {}, "created_at": now}
