"""Follow-ups, reflections and interviews over JSON (the popup's count, scripts, other clients)."""
from __future__ import annotations

from datetime import timedelta

from marshmallow import Schema, fields, validate

from .blueprint import Blueprint
from ..clock import naive_utc as _naive_utc
from ..models import Contact
from ..services import NotFound, ServiceError, followups, network, pipeline, postings, reflection
from ..views import app_now as _now
from .schemas import MAX_TEXT, RefuseUnknownKeys, UtcDateTime

blp = Blueprint("api_followups", __name__, url_prefix="/api",
                description="Follow-ups, reflections and interviews")


# ---- schemas ---------------------------------------------------------------------------

class MessageSchema(Schema):
    kind = fields.String()
    to = fields.String()
    subject = fields.String()
    body = fields.String()
    mailto = fields.String()


class FollowUpSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    label = fields.String()
    status = fields.String()
    due_at = UtcDateTime()
    snoozed_until = UtcDateTime(allow_none=True)
    actionable = fields.Boolean(metadata={"description": "to act on now (started, not snoozed)"})
    overdue = fields.Boolean()
    posting_id = fields.Integer(allow_none=True)
    posting_title = fields.String(allow_none=True)
    company = fields.String(allow_none=True)
    contact_id = fields.Integer(allow_none=True)
    contact_name = fields.String(allow_none=True)
    message = fields.Nested(MessageSchema, allow_none=True)
    note = fields.String(metadata={"description": "the follow-up's own text, when the kind has a template"})
    created_at = UtcDateTime()
    closed_at = UtcDateTime(allow_none=True)


class FollowUpListSchema(Schema):
    followups = fields.List(fields.Nested(FollowUpSchema))
    more = fields.Boolean(metadata={"description": "more follow-ups follow this page (ask with offset + limit)"})


class FollowUpQuerySchema(RefuseUnknownKeys):
    scope = fields.String(load_default="due", validate=validate.OneOf(("due", "upcoming", "posting")),
                          metadata={"description": "due: to act on now; upcoming: the next `days`; "
                                                   "posting: every follow-up of `posting_id`"})
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=3650))
    posting_id = fields.Integer()
    # A page at a time, like /api/postings: a long backlog is thousands of rows.
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class FollowUpInSchema(RefuseUnknownKeys):
    kind = fields.String(required=True, validate=validate.Length(max=40))
    due_at = UtcDateTime(required=True)
    posting_id = fields.Integer(allow_none=True)
    contact_id = fields.Integer(allow_none=True)
    message = fields.String(validate=validate.Length(max=MAX_TEXT), load_default="")


class SnoozeSchema(RefuseUnknownKeys):
    until = UtcDateTime(metadata={"description": "snooze until this time; or give days/hours"})
    days = fields.Integer(validate=validate.Range(min=1, max=365))
    hours = fields.Integer(validate=validate.Range(min=1, max=24 * 365))


class SummarySchema(Schema):
    due = fields.Integer()
    reflections_due = fields.Integer()


class ReflectionSchema(Schema):
    id = fields.Integer()
    posting_id = fields.Integer()
    posting_title = fields.String(allow_none=True)
    company = fields.String(allow_none=True)
    ending = fields.String(allow_none=True)
    due_at = UtcDateTime()
    is_due = fields.Boolean()
    stage_reached = fields.String(allow_none=True)
    went_well = fields.String()
    to_improve = fields.String()
    feedback = fields.String()
    confidence = fields.Integer(allow_none=True)
    written_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()


class ReflectionListSchema(Schema):
    reflections = fields.List(fields.Nested(ReflectionSchema))


class ReflectionQuerySchema(RefuseUnknownKeys):
    q = fields.String(validate=validate.Length(max=200))
    status = fields.String(load_default="all", validate=validate.OneOf(("all", "due", "written", "open")))


class ReflectionEditSchema(RefuseUnknownKeys):
    stage_reached = fields.String(allow_none=True, validate=validate.OneOf(reflection.REACHABLE))
    went_well = fields.String(validate=validate.Length(max=MAX_TEXT))
    to_improve = fields.String(validate=validate.Length(max=MAX_TEXT))
    feedback = fields.String(validate=validate.Length(max=MAX_TEXT))
    confidence = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=5))


class InterviewSchema(Schema):
    id = fields.Integer()
    posting_id = fields.Integer()
    at = UtcDateTime()
    kind = fields.String()
    with_ = fields.String(data_key="with")
    duration_minutes = fields.Integer()
    note = fields.String()


class InterviewListSchema(Schema):
    interviews = fields.List(fields.Nested(InterviewSchema))


class InterviewInSchema(RefuseUnknownKeys):
    at = UtcDateTime(required=True)
    kind = fields.String(load_default="video", validate=validate.OneOf(followups.INTERVIEW_KINDS))
    with_ = fields.String(data_key="with", attribute="with_", load_default="", validate=validate.Length(max=200))
    duration_minutes = fields.Integer(load_default=60, validate=validate.Range(min=5, max=24 * 60))
    note = fields.String(load_default="", validate=validate.Length(max=MAX_TEXT))


class OfferDeadlineSchema(RefuseUnknownKeys):
    deadline = UtcDateTime(required=True)


# ---- follow-ups ------------------------------------------------------------------------------

@blp.route("/followups", methods=["GET"])
@blp.arguments(FollowUpQuerySchema, location="query")
@blp.response(200, FollowUpListSchema)
def list_followups(args):
    """Follow-ups to act on now (default), coming up, or all of one posting's."""
    now = _now()
    limit, offset = args["limit"], args["offset"]
    if args["scope"] == "posting":
        if "posting_id" not in args:
            raise ServiceError("posting_id: needed with scope=posting", code="invalid")
        rows = followups.for_posting(postings.get(args["posting_id"]))[offset:offset + limit + 1]
    elif args["scope"] == "upcoming":
        rows = followups.upcoming(now, days=args["days"], limit=limit + 1, offset=offset)
    else:
        rows = followups.due(now, limit=limit + 1, offset=offset)
    # One row past the page says whether there is another, without counting them all.
    return {"followups": followups.to_dicts(rows[:limit], now), "more": len(rows) > limit}


@blp.route("/followups/summary", methods=["GET"])
@blp.response(200, SummarySchema)
def summary():
    """How many follow-ups and reflections are due now: the extension popup's count."""
    now = _now()
    return {"due": followups.count_due(now), "reflections_due": reflection.count_due(now)}


@blp.route("/followups", methods=["POST"])
@blp.arguments(FollowUpInSchema)
@blp.response(201, FollowUpSchema)
def create_followup(body):
    """A follow-up of your own, about a posting or a contact."""
    posting = postings.get(body["posting_id"]) if body.get("posting_id") else None
    contact = None
    if body.get("contact_id"):
        contact = Contact.get_or_none(Contact.id == body["contact_id"])
        if contact is None:
            raise NotFound(f"no contact with id {body['contact_id']}")
    now = _now()
    row = followups.create(body["kind"], _naive_utc(body["due_at"]), posting=posting, contact=contact,
                           message=body["message"], now=now)
    return followups.to_dict(row, now)


@blp.route("/followups/<int:followup_id>/done", methods=["POST"])
@blp.response(200, FollowUpSchema)
def complete_followup(followup_id):
    now = _now()
    return followups.to_dict(network.followup_done(followups.get(followup_id), now), now)


@blp.route("/followups/<int:followup_id>/dismiss", methods=["POST"])
@blp.response(200, FollowUpSchema)
def dismiss_followup(followup_id):
    now = _now()
    return followups.to_dict(followups.dismiss(followups.get(followup_id), now), now)


@blp.route("/followups/<int:followup_id>/snooze", methods=["POST"])
@blp.arguments(SnoozeSchema)
@blp.response(200, FollowUpSchema)
def snooze_followup(body, followup_id):
    """Hide it until `until`, or for `days`/`hours` from now (one of the three)."""
    now = _now()
    given = [k for k in ("until", "days", "hours") if body.get(k) is not None]
    if len(given) != 1:
        raise ServiceError("give exactly one of until, days or hours", code="invalid")
    if given[0] == "until":
        until = _naive_utc(body["until"])
    else:
        until = now + timedelta(**{given[0]: body[given[0]]})
    return followups.to_dict(followups.snooze(followups.get(followup_id), until, now), now)


# ---- reflections ------------------------------------------------------------------------------

@blp.route("/reflections", methods=["GET"])
@blp.arguments(ReflectionQuerySchema, location="query")
@blp.response(200, ReflectionListSchema)
def list_reflections(args):
    """Reflections, newest first; `q` searches the answers, the title and the company."""
    now = _now()
    if args["status"] == "due":
        rows = reflection.due(now, q=args.get("q"))
    else:
        written = {"all": None, "written": True, "open": False}[args["status"]]
        rows = reflection.search(args.get("q"), written=written)
    return {"reflections": [reflection.to_dict(r, now) for r in rows]}


@blp.route("/reflections/<int:reflection_id>", methods=["GET"])
@blp.response(200, ReflectionSchema)
def get_reflection(reflection_id):
    return reflection.to_dict(reflection.get(reflection_id), _now())


@blp.route("/reflections/<int:reflection_id>", methods=["PATCH"])
@blp.arguments(ReflectionEditSchema)
@blp.response(200, ReflectionSchema)
def edit_reflection(changes, reflection_id):
    """Write the answers; the first answer marks the reflection written. Feedback can follow later."""
    if not changes:
        raise ServiceError("nothing to change: send at least one answer", code="empty_patch")
    now = _now()
    return reflection.to_dict(reflection.update(reflection.get(reflection_id), changes, now), now)


# ---- interviews ----------------------------------------------------------------------------------

def _interview_out(event) -> dict:
    details = event.details or {}
    return {"id": event.id, "posting_id": event.posting_id, "at": event.at, "kind": details.get("kind", ""),
            "with_": details.get("with", ""), "duration_minutes": details.get("duration_minutes", 60),
            "note": event.note}


@blp.route("/postings/<int:posting_id>/interviews", methods=["GET"])
@blp.response(200, InterviewListSchema)
def list_interviews(posting_id):
    return {"interviews": [_interview_out(e) for e in followups.interviews(posting=postings.get(posting_id))]}


@blp.route("/postings/<int:posting_id>/interviews", methods=["POST"])
@blp.arguments(InterviewInSchema)
@blp.response(201, InterviewSchema)
def create_interview(body, posting_id):
    """Log an interview (past or scheduled): it joins the timeline and the calendar, moves the
    stage on to interviewing if it was earlier, and schedules the thank-you note."""
    event = pipeline.log_interview(postings.get(posting_id), _naive_utc(body["at"]), kind=body["kind"],
                                   with_=body["with_"], note=body["note"],
                                   duration_minutes=body["duration_minutes"], now=_now())
    return _interview_out(event)


@blp.route("/postings/<int:posting_id>/offer-deadline", methods=["POST"])
@blp.arguments(OfferDeadlineSchema)
@blp.response(200, FollowUpSchema)
def offer_deadline(body, posting_id):
    """When the offer must be answered: moves the reply-to-offer follow-up to that time."""
    now = _now()
    row = followups.set_offer_deadline(postings.get(posting_id), _naive_utc(body["deadline"]), now)
    return followups.to_dict(row, now)
