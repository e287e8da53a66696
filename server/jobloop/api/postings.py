"""Postings and their timelines."""
from __future__ import annotations

from datetime import datetime

from marshmallow import RAISE, Schema, fields, validate

from .blueprint import Blueprint
from .. import stages
from ..clock import EARLIEST, LATEST, day_to_utc, naive_utc as _naive_utc
from ..views import app_now as _now
from ..models import Posting
from ..services import ServiceError, pipeline, postings
from .captures import posting_out
from .schemas import (EventInSchema, EventSchema, PostingDetailSchema, PostingEditSchema, PostingListSchema,
                      PostingQuerySchema, UtcDateTime)

blp = Blueprint("api_postings", __name__, url_prefix="/api", description="Tracked postings")


class StagesSchema(Schema):
    stages = fields.List(fields.String(), metadata={"description": "every stage, forward ones in pipeline order, then the endings"})
    forward = fields.List(fields.String(), metadata={"description": "saved < applied < … < accepted"})
    endings = fields.List(fields.String())
    groups = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "named groups: in_flight, ended, responded, open, …"})


@blp.route("/stages", methods=["GET"])
@blp.response(200, StagesSchema)
def list_stages():
    """The stages and their named groups, as the server reads them (jobloop/stages.py)."""
    return {"stages": list(stages.STAGES), "forward": list(stages.FORWARD), "endings": list(stages.ENDINGS),
            "groups": {name: list(group) for name, group in stages.GROUPS.items()}}


class PostingTimelineSchema(PostingDetailSchema):
    applied_at = UtcDateTime(allow_none=True, metadata={"description": "when the user applied (UTC)"})


class WhenSchema(Schema):
    """A moment as a date and time (`at`, ISO 8601; no offset means UTC) or as a day
    (`on`, YYYY-MM-DD in the user's local calendar: today means now, another day its noon).
    Unknown keys are refused; the date window is checked below (`_when`) so the answer
    names it (invalid_date) instead of a generic field error."""

    class Meta:
        unknown = RAISE

    at = fields.DateTime()
    on = fields.Date()


class AppliedSchema(WhenSchema):
    pass


class EventEditSchema(WhenSchema):
    note = fields.String(validate=validate.Length(max=pipeline.MAX_NOTE))


def _when(body: dict, now: datetime) -> datetime | None:
    """The moment a WhenSchema body names, as naive UTC; None when it names none."""
    if body.get("at") is not None and body.get("on") is not None:
        raise ServiceError("give either at or on, not both", code="invalid")
    day = body["on"] if body.get("on") is not None else body["at"].date() if body.get("at") is not None else None
    if day is not None and not EARLIEST <= day <= LATEST:
        raise ServiceError(f"pick a date between {EARLIEST.year} and {LATEST.year}", code="invalid_date")
    if body.get("on") is not None:
        return day_to_utc(body["on"], now)
    return _naive_utc(body.get("at"))


def _event_out(e) -> dict:
    return {"id": e.id, "kind": e.kind, "from_stage": e.from_stage, "to_stage": e.to_stage,
            "at": e.at, "note": e.note, "details": e.details or {}}


def _detail(posting: Posting) -> dict:
    data = posting_out(posting)
    data["events"] = [_event_out(e) for e in pipeline.timeline(posting)]
    applied = pipeline.applied_event(posting)
    data["applied_at"] = applied.at if applied else None
    return data


@blp.route("/postings", methods=["GET"])
@blp.arguments(PostingQuerySchema, location="query")
@blp.response(200, PostingListSchema)
def list_postings(args):
    """List postings; `url` matches by canonical URL, `q` searches text."""
    found = postings.search(stage=args.get("stage"), q=args.get("q"), url=args.get("url"),
                            limit=args["limit"], offset=args["offset"])
    return {"postings": [posting_out(p) for p in found]}


@blp.route("/postings/<int:posting_id>", methods=["GET"])
@blp.response(200, PostingTimelineSchema)
def get_posting(posting_id):
    return _detail(postings.get(posting_id))


@blp.route("/postings/<int:posting_id>", methods=["PATCH"])
@blp.arguments(PostingEditSchema)
@blp.response(200, PostingTimelineSchema)
def edit_posting(changes, posting_id):
    """Edit fields by hand; each edited field is kept through later captures."""
    if not changes:
        raise ServiceError("nothing to change: send at least one editable field", code="empty_patch")
    return _detail(postings.update(postings.get(posting_id), changes))


@blp.route("/postings/<int:posting_id>", methods=["DELETE"])
@blp.response(204)
def delete_posting(posting_id):
    postings.delete(postings.get(posting_id))
    return ""


@blp.route("/postings/<int:posting_id>/events", methods=["POST"])
@blp.arguments(EventInSchema)
@blp.response(201, EventSchema)
def add_event(body, posting_id):
    """Add a stage change (`{kind: "stage", stage, at?, note?}`) or a note (`{kind: "note", note}`)."""
    posting = postings.get(posting_id)
    at = _naive_utc(body.get("at"))
    now = _now()
    if body["kind"] == "stage":
        if not body.get("stage"):
            raise ServiceError("stage: a stage event needs a stage", code="invalid")
        event = pipeline.change_stage(posting, body["stage"], at=at, note=body.get("note", ""), now=now)
    else:
        event = pipeline.add_note(posting, body.get("note", ""), at=at, now=now)
    return _event_out(event)


@blp.route("/postings/<int:posting_id>/applied", methods=["PUT"])
@blp.arguments(AppliedSchema)
@blp.response(200, PostingTimelineSchema)
def set_applied(body, posting_id):
    """Set when you applied (`{}` means now): moves the applied event and re-times the check-in
    made from it, or records "applied" at that moment. A posting further on keeps its stage."""
    posting = postings.get(posting_id)
    now = _now()
    pipeline.set_applied_on(posting, _when(body, now) or now, by="api", now=now)
    return _detail(postings.get(posting_id))


@blp.route("/postings/<int:posting_id>/events/<int:event_id>", methods=["PATCH"])
@blp.arguments(EventEditSchema)
@blp.response(200, EventSchema)
def edit_event(body, posting_id, event_id):
    """Correct an event's date (`at` or `on`) or note. The edit is recorded in `details.edits`;
    the stage, follow-ups and reflection follow."""
    if not body:
        raise ServiceError("nothing to change: send at, on or note", code="empty_patch")
    now = _now()
    event = pipeline.get_event(postings.get(posting_id), event_id)
    return _event_out(pipeline.edit_event(event, at=_when(body, now), note=body.get("note"), by="api", now=now))


@blp.route("/postings/<int:posting_id>/events/<int:event_id>", methods=["DELETE"])
@blp.response(200, PostingTimelineSchema)
def delete_event(posting_id, event_id):
    """Remove a wrongly recorded event; open follow-ups made from it go too, and the timeline
    keeps a "correction" event naming what was removed. Answers the posting as it is now."""
    posting = postings.get(posting_id)
    pipeline.delete_event(pipeline.get_event(posting, event_id), by="api", now=_now())
    return _detail(postings.get(posting_id))
