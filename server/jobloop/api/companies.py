"""Companies API: employers with their history, merges and notes, fit, target companies, and
the other addresses a posting was clipped from. The popup reads the same data in its preview
(POST /api/parse, `ClipPreviewSchema`) and attaches an address with POST /api/postings/<id>/urls.
"""
from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields, validate

from .blueprint import Blueprint
from ..services import companies, postings
from ..services.bounds import MAX_TEXT
from ..views import app_now as _now
from .schemas import PostingSchema, PreviewSchema, RefuseUnknownKeys, UtcDateTime

blp = Blueprint("api_companies", __name__, url_prefix="/api", description="Companies, history, fit, target companies")


# ---- schemas -------------------------------------------------------------------------------

class HistoryLinesSchema(Schema):
    company_id = fields.Integer()
    company = fields.String()
    lines = fields.List(fields.String(), metadata={"description": "two lines at most: the last application and"
                                                                   " how it ended, the contact there"})
    company_url = fields.String(metadata={"description": "the company's page in the tracker"})


class MissingSkillSchema(Schema):
    skill = fields.String()
    rejections = fields.Integer(metadata={"description": "how many of the user's rejected or ghosted postings asked for it"})


class FitSchema(Schema):
    asked = fields.Integer()
    have = fields.Integer()
    missing = fields.List(fields.Nested(MissingSkillSchema))
    text = fields.String(metadata={"description": "You have 6 of 9 asked. Missing: …"})


class SameJobSchema(Schema):
    id = fields.Integer()
    title = fields.String(allow_none=True)
    url = fields.String()
    stage = fields.String()
    site = fields.String()
    tracker_url = fields.String()


class TargetBriefSchema(Schema):
    company_id = fields.Integer()
    company = fields.String()
    why = fields.String()
    priority = fields.Integer()
    priority_label = fields.String()
    careers_url = fields.String(allow_none=True)


class ClipPreviewSchema(PreviewSchema):
    history = fields.Nested(HistoryLinesSchema, allow_none=True)
    fit = fields.Nested(FitSchema, allow_none=True)
    same_job = fields.Nested(SameJobSchema, allow_none=True,
                             metadata={"description": "a tracked posting that is most likely this job on another site"})
    target = fields.Nested(TargetBriefSchema, allow_none=True)


class CompanyRowSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    postings = fields.Integer()
    applied = fields.Integer()
    last = UtcDateTime(allow_none=True)


class CompanyListSchema(Schema):
    companies = fields.List(fields.Nested(CompanyRowSchema))


class ApplicationSchema(Schema):
    posting_id = fields.Integer()
    title = fields.String()
    stage = fields.String()
    reached = fields.String(allow_none=True)
    outcome = fields.String()
    applied_at = UtcDateTime(allow_none=True)
    clipped_at = UtcDateTime()
    ended_at = UtcDateTime(allow_none=True)
    feedback = fields.String()
    reflections = fields.List(fields.Dict())


class CompanyContactSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    role = fields.String(allow_none=True)
    warmth = fields.String()
    email = fields.String(allow_none=True)
    last_contact_at = UtcDateTime(allow_none=True)
    days_since = fields.Integer(allow_none=True)


class CompanyFollowUpSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    due_at = UtcDateTime()
    message = fields.String()
    posting_id = fields.Integer(allow_none=True)
    contact_id = fields.Integer(allow_none=True)


class CompanyBriefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    names = fields.List(fields.String())
    notes = fields.String()


class CompanySchema(Schema):
    company = fields.Nested(CompanyBriefSchema)
    lines = fields.List(fields.String())
    applications = fields.List(fields.Nested(ApplicationSchema))
    contacts = fields.List(fields.Nested(CompanyContactSchema))
    followups = fields.List(fields.Nested(CompanyFollowUpSchema))
    target = fields.Nested(TargetBriefSchema, allow_none=True)


class NotesInSchema(RefuseUnknownKeys):
    notes = fields.String(required=True, validate=validate.Length(max=MAX_TEXT))


class MergeInSchema(RefuseUnknownKeys):
    other_id = fields.Integer(required=True, validate=validate.Range(min=1),
                              metadata={"description": "the company that is the same as this one"})


class FitInSchema(RefuseUnknownKeys):
    skills = fields.List(fields.String(validate=validate.Length(min=1, max=80)), required=True,
                         validate=validate.Length(max=200))


class FitOutSchema(Schema):
    fit = fields.Nested(FitSchema, allow_none=True)


class TargetSchema(TargetBriefSchema):
    id = fields.Integer()
    name = fields.String()
    check_weeks = fields.Integer(allow_none=True)
    checked_at = UtcDateTime(allow_none=True, metadata={"description": "when the user last looked at their openings"})
    check_due_at = UtcDateTime(allow_none=True, metadata={"description": "the next look is due: check_weeks after the last"})
    created_at = UtcDateTime()
    applied = fields.Boolean(metadata={"description": "an application at this company exists"})


class TargetInSchema(RefuseUnknownKeys):
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    why = fields.String(load_default="", validate=validate.Length(max=MAX_TEXT))
    careers_url = fields.Url(schemes={"http", "https"}, require_tld=False, allow_none=True,
                             validate=validate.Length(max=2048))
    priority = fields.Integer(load_default=2, validate=validate.Range(min=1, max=3),
                              metadata={"description": "1 high, 2 medium, 3 low"})
    check_weeks = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=companies.MAX_CHECK_WEEKS),
                                 metadata={"description": "check their openings every N weeks"})


class TargetListSchema(Schema):
    targets = fields.List(fields.Nested(TargetSchema))


class UrlInSchema(RefuseUnknownKeys):
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=2048))


class UrlListSchema(Schema):
    urls = fields.List(fields.String())


# ---- what the preview adds -------------------------------------------------------------------

def clip_context(draft: dict, url: str, tracked_id: int | None = None) -> dict:
    """The preview's history, fit, same job and target, with the tracker's links."""
    out = companies.clip_context(draft, url, _now(), tracked=tracked_id)
    if out["history"]:
        out["history"]["company_url"] = url_for("companies.company", company_id=out["history"]["company_id"],
                                                _external=True)
    if out["same_job"]:
        out["same_job"]["tracker_url"] = url_for("web.posting", posting_id=out["same_job"]["id"], _external=True)
    return out


# ---- routes ----------------------------------------------------------------------------------

def _company_out(head) -> dict:
    now = _now()
    data = companies.history(head, now)
    target = companies.target_of(head)
    return {**data, "lines": companies.summary(data, now),
            "target": next((t for t in companies.targets() if t["id"] == target.id), None) if target else None}


@blp.route("/companies", methods=["GET"])
@blp.response(200, CompanyListSchema)
def list_companies():
    """Every employer (merged names count once), most recently active first."""
    return {"companies": companies.listing()}


@blp.route("/companies/<int:company_id>", methods=["GET"])
@blp.response(200, CompanySchema)
def get_company(company_id):
    """An employer's history: applications, feedback, reflections, contacts, open follow-ups."""
    return _company_out(companies.get(company_id))


@blp.route("/companies/<int:company_id>/notes", methods=["PUT"])
@blp.arguments(NotesInSchema)
@blp.response(200, CompanySchema)
def put_notes(body, company_id):
    head = companies.get(company_id)
    companies.set_notes(head, body["notes"])
    return _company_out(head)


@blp.route("/companies/<int:company_id>/merge", methods=["POST"])
@blp.arguments(MergeInSchema)
@blp.response(200, CompanySchema)
def merge_company(body, company_id):
    """The other company is the same as this one: remembered for every later clip of either name."""
    head = companies.merge(companies.get(company_id), companies.get(body["other_id"]))
    return _company_out(head)


@blp.route("/companies/<int:company_id>/separate", methods=["POST"])
@blp.response(200, CompanySchema)
def separate_company(company_id):
    """Undo a merge for one name (the name's own id): it is a company of its own again, with
    the postings clipped under it. 409 for the name a company is listed under."""
    name, _ = companies.separate(company_id)
    return _company_out(name)


@blp.route("/fit", methods=["POST"])
@blp.arguments(FitInSchema)
@blp.response(200, FitOutSchema)
def fit(body):
    """Skills asked against the profile (aliases count), with how many rejections asked for the missing ones."""
    return {"fit": companies.fit(body["skills"])}


@blp.route("/targets", methods=["GET"])
@blp.response(200, TargetListSchema)
def list_targets():
    return {"targets": companies.targets()}


@blp.route("/targets", methods=["POST"])
@blp.arguments(TargetInSchema)
@blp.response(201, TargetSchema)
def add_target(body):
    """Add a target company, or change the one of that name."""
    return companies.target_dict(companies.set_target(body.pop("name"), now=_now(), **body))


@blp.route("/targets/<int:company_id>", methods=["DELETE"])
@blp.response(204)
def remove_target(company_id):
    companies.remove_target(companies.get(company_id))


@blp.route("/targets/<int:company_id>/checked", methods=["POST"])
@blp.response(200, TargetSchema)
def target_checked(company_id):
    """The user looked at the target's openings today: the next look is due check_weeks from now."""
    return companies.target_dict(companies.checked(companies.get(company_id), _now()))


@blp.route("/postings/<int:posting_id>/urls", methods=["GET"])
@blp.response(200, UrlListSchema)
def list_urls(posting_id):
    """Every address the posting was clipped from, its own first."""
    return {"urls": companies.urls(postings.get(posting_id))}


@blp.route("/postings/<int:posting_id>/urls", methods=["POST"])
@blp.arguments(UrlInSchema)
@blp.response(200, PostingSchema)
def attach_url(body, posting_id):
    """This address is the same job as the posting: kept with it, and found by lookups from now on."""
    posting = companies.attach_url(postings.get(posting_id), body["url"], _now())
    data = postings.to_dict(posting)
    data["tracker_url"] = url_for("web.posting", posting_id=posting.id, _external=True)
    return data
