"""Bulk changes from the table, each one undoable step.

A bulk change (move to a stage on a date, add or remove a tag, archive, unarchive,
delete) runs through the same services as a single change: a stage change is one
pipeline.change_stage per posting, so each gets its event, its follow-ups and its
reflection as if moved by hand. Around it, the rows of the postings it touches are
read before and after (the posting, its events, follow-ups, reflections and tags; for
a delete also its snapshots and contact links), and the difference is kept as a batch
(`bulk_batch`): which rows it made, which it changed (before and after), which it
removed. Undo puts back exactly that: it deletes what the batch made, writes back
what it changed and re-inserts what it removed, with their ids, and refuses when one
of those rows has changed since (a later edit is not silently thrown away).

Spreadsheet import keeps its batch on the timeline (import events, services/spreadsheet.py);
a bulk change cannot, since it may delete the timeline, so it has its own table.
"""
from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import BlobField, DateField, DateTimeField

from ..db import database, is_sqlite
from ..models import BulkBatch, DocumentSent, DocumentVersion, Event, FollowUp, Posting, PostingContact, PostingTag, Reflection, Snapshot
from ..stages import STAGES
from . import archive, pipeline, postings, tags
from .errors import Conflict, NotFound, ServiceError
from .transfer import encode_value  # one encoding for kept rows: the export's

MAX_POSTINGS = 500  # one bulk change, and one "select all matching"
KEEP = 20           # the latest batches stay undoable; older ones are forgotten
ACTIONS = {"stage": "Move to a stage", "tag_add": "Add a tag", "tag_remove": "Remove a tag",
           "archive": "Archive", "unarchive": "Unarchive", "delete": "Delete"}

# The rows a bulk change can touch, parents first; the posting by its id, the rest by posting_id.
TOUCHED = [Posting, Event, FollowUp, Reflection, PostingTag]
# (DocumentSent: which CV went with the application; the file itself stays until the user deletes it.)
TOUCHED_BY_DELETE = [Posting, Snapshot, Event, FollowUp, Reflection, PostingContact, PostingTag, DocumentSent]
_MODELS = {m._meta.table_name: m for m in TOUCHED_BY_DELETE}


def _decode(field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, BlobField):
        return base64.b64decode(value)
    if isinstance(field, DateTimeField):
        return datetime.fromisoformat(value)
    if isinstance(field, DateField):
        return date.fromisoformat(value)
    return value


def _rows(model, ids: list[int]) -> dict[str, dict]:
    """id -> the row as JSON values, for the given postings' rows of one table."""
    fields = model._meta.sorted_fields
    key = model.id if model is Posting else model.posting
    found: dict[str, dict] = {}
    for start in range(0, len(ids), 500):
        for row in model.select(*fields).where(key.in_(ids[start:start + 500])).tuples():
            found[str(row[0])] = {f.column_name: encode_value(f, v) for f, v in zip(fields, row)}
    return found


def _read(models, ids: list[int]) -> dict[str, dict]:
    return {m._meta.table_name: _rows(m, ids) for m in models}


def _diff(before: dict, after: dict) -> dict:
    out = {}
    for table, old in before.items():
        new = after[table]
        made = {i: new[i] for i in new.keys() - old.keys()}
        changed = {i: [old[i], new[i]] for i in old.keys() & new.keys() if old[i] != new[i]}
        removed = {i: old[i] for i in old.keys() - new.keys()}
        if made or changed or removed:
            out[table] = {"made": made, "changed": changed, "removed": removed}
    return out


def _hold(ids: list[int]) -> None:
    """Lock the postings' rows (PostgreSQL; SQLite's transaction holds the write lock already),
    in id order so two bulk changes queue rather than deadlock, before their rows are read."""
    if not is_sqlite():
        list(Posting.select(Posting.id).where(Posting.id.in_(sorted(ids))).order_by(Posting.id)
             .for_update("FOR NO KEY UPDATE"))


def check_ids(posting_ids) -> list[int]:
    ids = []
    for value in posting_ids:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ServiceError(f"{str(value)[:20]!r} is not a posting id", code="invalid_id") from None
    ids = sorted(set(ids))
    if not ids:
        raise ServiceError("select at least one posting", code="nothing_selected")
    if len(ids) > MAX_POSTINGS:
        raise ServiceError(f"{len(ids)} postings selected; a bulk change takes at most {MAX_POSTINGS} at a time",
                           code="too_many")
    return ids


def matching(filters: postings.Filters) -> list[int]:
    """The ids of every posting a filter matches ("select all N matching"), at most MAX_POSTINGS."""
    ids = [pid for (pid,) in postings.filtered(filters, columns=[Posting.id]).select(Posting.id)
           .order_by(Posting.id).limit(MAX_POSTINGS + 1).tuples()]
    if len(ids) > MAX_POSTINGS:
        raise ServiceError(f"more than {MAX_POSTINGS} postings match; a bulk change takes at most {MAX_POSTINGS}"
                           " at a time: narrow the filter", code="too_many")
    return ids


@dataclass
class Impact:
    postings: int
    events: int
    followups: int


def impact(posting_ids: list[int]) -> Impact:
    """What a delete would take with it, for the confirmation."""
    ids = check_ids(posting_ids)
    return Impact(Posting.select().where(Posting.id.in_(ids)).count(),
                  Event.select().where(Event.posting.in_(ids)).count(),
                  FollowUp.select().where(FollowUp.posting.in_(ids)).count())


def _plural(n: int, word: str = "posting") -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def apply(action: str, posting_ids, *, now: datetime, stage: str | None = None, at: datetime | None = None,
          tag: str | None = None) -> BulkBatch:
    """Make one bulk change and keep it as a batch; returns the batch (its token undoes it)."""
    if action not in ACTIONS:
        raise ServiceError(f"unknown bulk action {action!r}; expected one of {', '.join(ACTIONS)}",
                           code="invalid_action")
    ids = check_ids(posting_ids)
    if action == "stage":
        if stage not in STAGES:
            raise ServiceError(f"pick a stage: one of {', '.join(STAGES)}", code="invalid_stage")
        at = at or now
        if at > now:
            raise ServiceError("a stage change cannot be dated in the future", code="future_date")
    if action in ("tag_add", "tag_remove"):
        tag = tags.normalize(tag or "")
    models = TOUCHED_BY_DELETE if action == "delete" else TOUCHED
    with database.atomic():
        _hold(ids)
        found = [pid for (pid,) in Posting.select(Posting.id).where(Posting.id.in_(ids)).tuples()]
        if not found:
            raise NotFound("none of the selected postings exist any more")
        before = _read(models, found)
        if action == "stage":
            for posting in Posting.select().where(Posting.id.in_(found)).order_by(Posting.id):
                pipeline.change_stage(posting, stage, at=at, now=now, note="bulk change")
            summary = f"Moved {_plural(len(found))} to {stage}"
        elif action == "tag_add":
            summary = f"Tagged {_plural(tags.add(found, tag))} “{tag}”"
        elif action == "tag_remove":
            summary = f"Took “{tag}” off {_plural(tags.remove(found, tag))}"
        elif action == "archive":
            summary = f"Archived {_plural(archive.archive(found, now))}"
        elif action == "unarchive":
            summary = f"Unarchived {_plural(archive.unarchive(found))}"
        else:
            for posting in Posting.select().where(Posting.id.in_(found)):
                postings.delete(posting)
            summary = f"Deleted {_plural(len(found))}"
        changes = _diff(before, _read(models, found))
        batch = BulkBatch.create(token=secrets.token_hex(12), action=action, summary=summary[:255],
                                 postings=len(found), changes=changes, created_at=now)
        keep = BulkBatch.select(BulkBatch.id).order_by(BulkBatch.id.desc()).limit(KEEP)
        BulkBatch.delete().where(BulkBatch.id.not_in(keep)).execute()
    return batch


def recent(token: str) -> BulkBatch | None:
    """The batch if it can still be undone (for the "Undo" right after it), else None."""
    if not token or len(token) > 40:
        return None
    return BulkBatch.get_or_none((BulkBatch.token == token) & BulkBatch.undone_at.is_null())


def _current(model, row_id: str) -> dict | None:
    fields = model._meta.sorted_fields
    row = model.select(*fields).where(model.id == int(row_id)).tuples().first()
    return None if row is None else {f.column_name: encode_value(f, v) for f, v in zip(fields, row)}


def _values(model, row: dict) -> dict:
    return {f.name: _decode(f, row[f.column_name]) for f in model._meta.sorted_fields if f.column_name in row}


def undo(token: str, now: datetime) -> BulkBatch:
    """Revert exactly what the batch changed; refuses (and changes nothing) when a row it
    touched has changed since."""
    with database.atomic():
        batch = BulkBatch.get_or_none(BulkBatch.token == (token or "")[:40])
        if batch is None:
            raise NotFound("that bulk change is no longer kept (only the latest ones can be undone)")
        if batch.undone_at is not None:
            raise Conflict("that bulk change was undone already", code="undone")
        changes: dict = batch.changes or {}
        ids = sorted({int(row.get("posting_id") or row.get("id")) for part in changes.values()
                      for group in part.values() for row in
                      (v[1] if isinstance(v, list) else v for v in group.values())})
        if ids:
            _hold(ids)
        order = [m for m in TOUCHED_BY_DELETE if m._meta.table_name in changes]
        for model in order:
            part = changes[model._meta.table_name]
            stale = [i for i, row in part["made"].items() if _current(model, i) != row]
            stale += [i for i, (_, row) in part["changed"].items() if _current(model, i) != row]
            stale += [i for i in part["removed"] if _current(model, i) is not None]
            if stale:
                raise Conflict(f"cannot undo “{batch.summary}”: {_plural(len(stale), 'row')} of"
                               f" {model._meta.table_name.replace('_', ' ')} changed since; change them back by hand",
                               code="changed_since")
        sent = changes.get(DocumentSent._meta.table_name, {}).get("removed", {})
        versions = {row["version_id"] for row in sent.values()}
        kept = {v for (v,) in DocumentVersion.select(DocumentVersion.id)
                .where(DocumentVersion.id.in_(list(versions))).tuples()} if versions else set()
        if versions - kept:
            raise Conflict(f"cannot undo “{batch.summary}”: a document sent with these applications was"
                           " deleted since", code="changed_since")
        for model in reversed(order):
            made = [int(i) for i in changes[model._meta.table_name]["made"]]
            if made:
                model.delete().where(model.id.in_(made)).execute()
        for model in order:
            for row in changes[model._meta.table_name]["removed"].values():
                model.insert(_values(model, row)).execute()
        for model in order:
            for row_id, (old, _) in changes[model._meta.table_name]["changed"].items():
                values = _values(model, old)
                values.pop("id", None)
                model.update(values).where(model.id == int(row_id)).execute()
        batch.undone_at = now
        batch.save()
    return batch

