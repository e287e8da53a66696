"""Growth API: skill profile, gaps, goals, contacts and the insights summary.

The extension popup uses POST /api/postings/<id>/contacts to attach a
recruiter's name and email to the posting it just clipped.
"""
from __future__ import annotations


from marshmallow import Schema, fields, validate

from .blueprint import Blueprint
from ..clock import naive_utc as _naive_utc
from ..models import WARMTH
from ..services import ServiceError, gaps, goals, insights, network, postings, profile
from ..views import app_now as _now
from .schemas import MAX_TEXT, Email, RefuseUnknownKeys, UtcDateTime

blp = Blueprint("api_growth", __name__, url_prefix="/api", description="Skill profile, gaps, goals, contacts, insights")


# ---- schemas -----------------------------------------------------------------------

class SkillSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    level = fields.Integer()
    level_label = fields.String()


class SkillInSchema(RefuseUnknownKeys):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    level = fields.Integer(load_default=3, validate=validate.Range(min=1, max=5))


class SkillListSchema(Schema):
    skills = fields.List(fields.Nested(SkillSchema))


class GapPostingSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    company = fields.String(allow_none=True)
    stage = fields.String()
    group = fields.String()


class GapSchema(Schema):
    skill = fields.String()
    rejected = fields.Integer(metadata={"description": "postings that ended rejected or ghosted and asked for it"})
    in_flight = fields.Integer(metadata={"description": "postings still in flight that ask for it"})
    total = fields.Integer()
    goal_id = fields.Integer(allow_none=True)
    postings = fields.List(fields.Nested(GapPostingSchema), metadata={
        "description": "the newest 5 postings that asked for it (all of them: the tracker's /table?skill=)"})


class GapListSchema(Schema):
    gaps = fields.List(fields.Nested(GapSchema))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class GapQuerySchema(RefuseUnknownKeys):
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1, max=500))


class GoalSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    skill = fields.String(allow_none=True)
    deadline = fields.String(allow_none=True)
    progress = fields.String()
    done_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()
    status = fields.String()


class GoalInSchema(RefuseUnknownKeys):
    title = fields.String(validate=validate.Length(max=255), allow_none=True)
    skill = fields.String(validate=validate.Length(max=80), allow_none=True)
    deadline = fields.Date(allow_none=True, metadata={"description": f"default: {goals.DEFAULT_WEEKS} weeks from today"})


class GoalEditSchema(RefuseUnknownKeys):
    title = fields.String(validate=validate.Length(min=1, max=255))
    deadline = fields.Date()
    progress_note = fields.String(validate=validate.Length(min=1, max=5000),
                                  metadata={"description": "appended to the progress notes with today's date"})
    done = fields.Boolean()
    add_to_profile = fields.Boolean(load_default=True, metadata={"description": "with done: add the goal's skill to the profile"})


class GoalListSchema(Schema):
    goals = fields.List(fields.Nested(GoalSchema))


class ContactSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    role = fields.String(allow_none=True)
    company = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    linkedin_url = fields.String(allow_none=True)
    how_met = fields.String()
    warmth = fields.String()
    notes = fields.String()
    last_contact_at = UtcDateTime(allow_none=True)
    next_touch_at = UtcDateTime()
    created_at = UtcDateTime()
    postings = fields.List(fields.Integer())


class ContactInSchema(RefuseUnknownKeys):
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    role = fields.String(validate=validate.Length(max=255), allow_none=True)
    company = fields.String(validate=validate.Length(max=255), allow_none=True)
    email = Email(allow_none=True)
    linkedin_url = fields.Url(schemes={"http", "https"}, allow_none=True)
    how_met = fields.String(validate=validate.Length(max=5000), allow_none=True)
    warmth = fields.String(validate=validate.OneOf(WARMTH))
    notes = fields.String(validate=validate.Length(max=MAX_TEXT), allow_none=True)


class ContactEditSchema(ContactInSchema):
    name = fields.String(validate=validate.Length(min=1, max=255))


class ContactListSchema(Schema):
    contacts = fields.List(fields.Nested(ContactSchema))


class TouchInSchema(RefuseUnknownKeys):
    note = fields.String(load_default="", validate=validate.Length(max=5000))
    at = UtcDateTime(allow_none=True)


class RecruiterInSchema(RefuseUnknownKeys):
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    email = Email(allow_none=True)
    role = fields.String(validate=validate.Length(max=255), allow_none=True)


class InsightsQuerySchema(RefuseUnknownKeys):
    weeks = fields.Integer(load_default=12, validate=validate.Range(min=1, max=104))


class FunnelStepSchema(Schema):
    step = fields.String()
    label = fields.String()
    count = fields.Integer()
    conversion = fields.Float(allow_none=True)


class SourceSchema(Schema):
    source = fields.String()
    applied = fields.Integer()
    responded = fields.Integer()
    response_rate = fields.Float(allow_none=True)
    median_days = fields.Float(allow_none=True)


class WeekSchema(Schema):
    week_start = fields.Date()
    count = fields.Integer()


class InFlightSchema(Schema):
    count = fields.Integer()
    target = fields.Integer()
    below = fields.Boolean()
    note = fields.String(allow_none=True)


class InsightsSchema(Schema):
    now = UtcDateTime()
    funnel = fields.List(fields.Nested(FunnelStepSchema))
    response_rate = fields.Float(allow_none=True)
    median_days_to_response = fields.Float(allow_none=True)
    by_source = fields.List(fields.Nested(SourceSchema))
    endings = fields.Dict()
    weekly = fields.List(fields.Nested(WeekSchema))
    weekly_target = fields.Integer()
    in_flight = fields.Nested(InFlightSchema)
    wins = fields.Dict()


# ---- profile and gaps -----------------------------------------------------------------

@blp.route("/profile/skills", methods=["GET"])
@blp.response(200, SkillListSchema)
def list_skills():
    return {"skills": [profile.to_dict(s) for s in profile.skills()]}


@blp.route("/profile/skills", methods=["POST"])
@blp.arguments(SkillInSchema)
@blp.response(200, SkillSchema)
def set_skill(body):
    """Add a skill to the profile, or change its level (names match case-insensitively)."""
    return profile.to_dict(profile.set_skill(body["name"], body["level"]))


@blp.route("/profile/skills/<string:name>", methods=["DELETE"])
@blp.response(204)
def remove_skill(name):
    profile.remove_skill(name)
    return ""


@blp.route("/gaps", methods=["GET"])
@blp.arguments(GapQuerySchema, location="query")
@blp.response(200, GapListSchema)
def list_gaps(args):
    """Skills missing from the profile (and not marked "not for me"), ranked by rejected postings that asked
    for them, then in-flight ones."""
    return {"gaps": [g.to_dict() for g in gaps.rank(limit=args.get("limit"))], "counts": gaps.group_counts()}


# ---- goals --------------------------------------------------------------------------------

@blp.route("/goals", methods=["GET"])
@blp.response(200, GoalListSchema)
def list_goals():
    now = _now()
    return {"goals": [goals.to_dict(g, now) for g in goals.open_goals() + goals.done_goals()]}


@blp.route("/goals", methods=["POST"])
@blp.arguments(GoalInSchema)
@blp.response(201, GoalSchema)
def create_goal(body):
    """A goal. With only `skill` it is the gap's goal ("Learn <skill>"); an open one for it is reused."""
    now = _now()
    if body.get("title"):
        goal = goals.create(body["title"], skill=body.get("skill"), deadline=body.get("deadline"), now=now)
    elif body.get("skill"):
        goal = goals.from_gap(body["skill"], deadline=body.get("deadline"), now=now)
    else:
        raise ServiceError("a goal needs a title or a skill", code="empty_title")
    return goals.to_dict(goal, now)


@blp.route("/goals/<int:goal_id>", methods=["PATCH"])
@blp.arguments(GoalEditSchema)
@blp.response(200, GoalSchema)
def edit_goal(body, goal_id):
    now = _now()
    goal = goals.get(goal_id)
    goals.update(goal, title=body.get("title"), deadline=body.get("deadline"))
    if body.get("progress_note"):
        goals.add_progress(goal, body["progress_note"], now=now)
    if body.get("done") is True:
        goals.complete(goal, add_to_profile=body["add_to_profile"], now=now)
    elif body.get("done") is False:
        goals.reopen(goal)
    return goals.to_dict(goal, now)


@blp.route("/goals/<int:goal_id>", methods=["DELETE"])
@blp.response(204)
def delete_goal(goal_id):
    goals.delete(goals.get(goal_id))
    return ""


# ---- contacts -----------------------------------------------------------------------------

@blp.route("/contacts", methods=["GET"])
@blp.response(200, ContactListSchema)
def list_contacts():
    return {"contacts": network.to_dicts(network.contacts())}


@blp.route("/contacts/due", methods=["GET"])
@blp.response(200, ContactListSchema)
def due_contacts():
    """Who to get back in touch with this week (next touch overdue or within 7 days)."""
    return {"contacts": network.to_dicts([c for c, _ in network.due(_now())])}


@blp.route("/contacts", methods=["POST"])
@blp.arguments(ContactInSchema)
@blp.response(201, ContactSchema)
def create_contact(body):
    return network.to_dict(network.create(now=_now(), **body))


@blp.route("/contacts/<int:contact_id>", methods=["GET"])
@blp.response(200, ContactSchema)
def get_contact(contact_id):
    return network.to_dict(network.get(contact_id))


@blp.route("/contacts/<int:contact_id>", methods=["PATCH"])
@blp.arguments(ContactEditSchema)
@blp.response(200, ContactSchema)
def edit_contact(body, contact_id):
    if not body:
        raise ServiceError("nothing to change", code="empty_patch")
    return network.to_dict(network.update(network.get(contact_id), now=_now(), **body))


@blp.route("/contacts/<int:contact_id>", methods=["DELETE"])
@blp.response(204)
def delete_contact(contact_id):
    network.delete(network.get(contact_id))
    return ""


@blp.route("/contacts/<int:contact_id>/touches", methods=["POST"])
@blp.arguments(TouchInSchema)
@blp.response(201, ContactSchema)
def log_touch(body, contact_id):
    """Log a touch-point: last contact moves on and the next keep-in-touch follow-up is scheduled."""
    contact = network.log_touch(network.get(contact_id), body.get("note", ""), at=_naive_utc(body.get("at")), now=_now())
    return network.to_dict(contact)


@blp.route("/postings/<int:posting_id>/contacts", methods=["GET"])
@blp.response(200, ContactListSchema)
def posting_contacts(posting_id):
    return {"contacts": network.to_dicts(network.posting_contacts(postings.get(posting_id)))}


@blp.route("/postings/<int:posting_id>/contacts", methods=["POST"])
@blp.arguments(RecruiterInSchema)
@blp.response(201, ContactSchema)
@blp.alt_response(200, schema=ContactSchema, description="An existing contact (same email, or same name at the company) was linked")
def attach_contact(body, posting_id):
    """Attach a recruiter (name, email?, role?) to a posting: the popup's call."""
    contact, created = network.attach_to_posting(postings.get(posting_id), name=body["name"], email=body.get("email"),
                                                 role=body.get("role"), now=_now())
    return network.to_dict(contact), 201 if created else 200


# ---- insights -------------------------------------------------------------------------------

@blp.route("/insights", methods=["GET"])
@blp.arguments(InsightsQuerySchema, location="query")
@blp.response(200, InsightsSchema)
def insights_summary(args):
    """The funnel, response by source, endings, weekly pace, in flight and wins (see services/insights.py)."""
    return insights.summary(now=_now(), weeks=args["weeks"])
