"""Postings and their timelines."""
from __future__ import annotations


from flask_smorest import Blueprint
from marshmallow import Schema, fields

from .. import stages

from ..clock import naive_utc as _naive_utc
from ..models import Posting
from ..services import ServiceError, pipeline, postings
from .captures import posting_out
from .schemas import EventInSchema, EventSchema, PostingDetailSchema, PostingEditSchema, PostingListSchema, PostingQuerySchema

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


def _detail(posting: Posting) -> dict:
    data = posting_out(posting)
    data["events"] = [
        {"id": e.id, "kind": e.kind, "from_stage": e.from_stage, "to_stage": e.to_stage,
         "at": e.at, "note": e.note, "details": e.details or {}}
        for e in pipeline.timeline(posting)
    ]
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
@blp.response(200, PostingDetailSchema)
def get_posting(posting_id):
    return _detail(postings.get(posting_id))


@blp.route("/postings/<int:posting_id>", methods=["PATCH"])
@blp.arguments(PostingEditSchema)
@blp.response(200, PostingDetailSchema)
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
    if body["kind"] == "stage":
        if not body.get("stage"):
            raise ServiceError("stage: a stage event needs a stage", code="invalid")
        event = pipeline.change_stage(posting, body["stage"], at=at, note=body.get("note", ""))
    else:
        event = pipeline.add_note(posting, body.get("note", ""), at=at)
    return {"id": event.id, "kind": event.kind, "from_stage": event.from_stage, "to_stage": event.to_stage,
            "at": event.at, "note": event.note, "details": event.details or {}}
