"""Marshmallow schemas: they validate requests and generate the OpenAPI document."""
from __future__ import annotations

from datetime import timezone

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..clock import EARLIEST, LATEST
from ..models import REMOTE_KINDS, SALARY_PERIODS, STAGES
from ..services.bounds import MAX_AMOUNT, MAX_DESCRIPTION, MAX_INT, MAX_TEXT, date_in_window, email_ok
from ..services.draft_cache import PAGE_HASH

__all__ = ["Email", "MAX_TEXT", "RefuseUnknownKeys", "UtcDateTime"]


class UtcDateTime(fields.DateTime):
    """Times are stored as naive UTC; the API says so (2026-11-30T09:00:00+00:00), as the
    OpenAPI date-time format requires and as a browser's Date() needs to not read local time."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


def Email(**kwargs) -> fields.String:  # noqa: N802  (a field, named like one)
    """An e-mail address checked by services/bounds.py, the one rule for every path."""

    def valid(value):
        if value and not email_ok(value):
            raise ValidationError("Not a valid email address. One address like name@example.com, nothing after it.")

    return fields.String(validate=valid, metadata={"format": "email"}, **kwargs)


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "stable, machine-readable name"})
    message = fields.String(required=True, metadata={"description": "what is wrong, for the user"})
    field = fields.String(metadata={"description": "the input field at fault, when one is"})
    fields_ = fields.Dict(data_key="fields", metadata={"description": "problems per field, as validation found them"})


class ErrorSchema(Schema):
    """Every API error: {"error": {"code", "message"}} (views.py)."""

    error = fields.Nested(ErrorDetailSchema, required=True)


def _in_window(value):
    if not date_in_window(value):
        raise ValidationError(f"a date between {EARLIEST.year} and {LATEST.year}")


class RefuseUnknownKeys(Schema):
    """Base of every request schema: an unknown key is a 422 naming it, never silently
    dropped, and every date, integer and amount is held to services/bounds.py."""

    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name, field_obj):
        # One place for the bounds: each field of a request schema gets them as it binds,
        # so the OpenAPI document (minimum/maximum) and validation agree.
        if isinstance(field_obj, (fields.Date, fields.DateTime)):
            field_obj.validators.append(_in_window)
        elif isinstance(field_obj, fields.Integer):
            _bound(field_obj, MAX_INT)
        elif isinstance(field_obj, fields.Float):
            _bound(field_obj, MAX_AMOUNT)


def _bound(field_obj, limit):
    """Give a number field a ceiling (and a floor) unless its own Range already has one."""
    ranges = [v for v in field_obj.validators if isinstance(v, validate.Range)]
    if any(r.max is not None for r in ranges):
        return
    low = next((r.min for r in ranges if r.min is not None), -limit)
    field_obj.validators = [v for v in field_obj.validators if v not in ranges] + [validate.Range(min=low, max=limit)]


class SalarySchema(Schema):
    min = fields.Float(allow_none=True)
    max = fields.Float(allow_none=True)
    currency = fields.String(allow_none=True)
    period = fields.String(allow_none=True)


class ParsedFieldsSchema(Schema):
    """The fields a page yields, shared by the parser's draft and the stored posting."""

    url = fields.String()
    canonical_url = fields.String()
    is_posting = fields.Boolean()
    title = fields.String(allow_none=True)
    company = fields.String(allow_none=True)
    locations = fields.List(fields.String())
    remote = fields.String(allow_none=True)
    employment_type = fields.String(allow_none=True)
    salary = fields.Nested(SalarySchema, allow_none=True)
    date_posted = fields.String(allow_none=True)
    valid_through = fields.String(allow_none=True)
    apply_url = fields.String(allow_none=True)
    description_text = fields.String()
    skills = fields.List(fields.String())
    field_sources = fields.Dict(keys=fields.String(), values=fields.String())


class DraftSchema(ParsedFieldsSchema):
    reason = fields.String(allow_none=True)
    description_html = fields.String()
    source = fields.String()


class PostingSchema(ParsedFieldsSchema):
    id = fields.Integer()
    salary_min = fields.Float(allow_none=True)
    salary_max = fields.Float(allow_none=True)
    salary_currency = fields.String(allow_none=True)
    salary_period = fields.String(allow_none=True)
    source_site = fields.String(allow_none=True)
    user_edited = fields.List(fields.String())
    notes = fields.String()
    stage = fields.String()
    stage_changed_at = UtcDateTime()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    tracker_url = fields.String()


class EventSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String(allow_none=True)
    at = UtcDateTime()
    note = fields.String()
    details = fields.Dict()


class PostingDetailSchema(PostingSchema):
    events = fields.List(fields.Nested(EventSchema))


class PostingEditSchema(RefuseUnknownKeys):
    """Fields present in the PATCH body are saved and marked as the user's."""

    title = fields.String(validate=validate.Length(max=512), allow_none=True)
    company = fields.String(validate=validate.Length(max=255), allow_none=True)
    locations = fields.List(fields.String(validate=validate.Length(max=255)), validate=validate.Length(max=50))
    remote = fields.String(validate=validate.OneOf(REMOTE_KINDS), allow_none=True)
    employment_type = fields.String(validate=validate.Length(max=64), allow_none=True)
    salary_min = fields.Float(allow_none=True, validate=validate.Range(min=0))
    salary_max = fields.Float(allow_none=True, validate=validate.Range(min=0))
    salary_currency = fields.String(validate=validate.Length(equal=3), allow_none=True)
    salary_period = fields.String(validate=validate.OneOf(SALARY_PERIODS), allow_none=True)
    date_posted = fields.Date(allow_none=True)
    valid_through = fields.Date(allow_none=True)
    apply_url = fields.Url(allow_none=True, schemes={"http", "https"})
    notes = fields.String(validate=validate.Length(max=MAX_TEXT))
    description_text = fields.String(validate=validate.Length(max=MAX_DESCRIPTION))
    skills = fields.List(fields.String(validate=validate.Length(max=80)), validate=validate.Length(max=200))


class CaptureSchema(RefuseUnknownKeys):
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False)
    # The page, or after a preview only its page_hash (the server answers 409 page_needed
    # when it no longer holds that preview; the client then sends the page).
    html = fields.String()
    page_hash = fields.String(validate=validate.Regexp(PAGE_HASH, error="the page_hash the preview gave: 64 lowercase hex digits"))
    title = fields.String(validate=validate.Length(max=512), allow_none=True)
    selection = fields.String(validate=validate.Length(max=MAX_TEXT), allow_none=True)
    stage = fields.String(validate=validate.OneOf(STAGES), allow_none=True)
    note = fields.String(validate=validate.Length(max=MAX_TEXT), allow_none=True)
    fields_ = fields.Nested(PostingEditSchema, data_key="fields", attribute="fields", allow_none=True)

    @validates_schema
    def _page_or_hash(self, data, **kwargs):
        if "html" not in data and "page_hash" not in data:
            raise ValidationError("send the page's html (or, after a preview, its page_hash)", "html")


class ParseSchema(RefuseUnknownKeys):
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False)
    html = fields.String(required=True)


class PreviewSchema(Schema):
    draft = fields.Nested(DraftSchema)
    page_hash = fields.String(metadata={"description": "Send it to /api/captures instead of the html to save this preview"})
    posting = fields.Nested(PostingSchema, allow_none=True)


class PostingQuerySchema(RefuseUnknownKeys):
    stage = fields.String(validate=validate.OneOf(STAGES))
    q = fields.String(validate=validate.Length(max=200))
    url = fields.String(validate=validate.Length(max=4096))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class PostingListSchema(Schema):
    postings = fields.List(fields.Nested(PostingSchema))


class EventInSchema(RefuseUnknownKeys):
    kind = fields.String(required=True, validate=validate.OneOf(("stage", "note")))
    stage = fields.String(validate=validate.OneOf(STAGES))
    at = UtcDateTime(allow_none=True)
    note = fields.String(validate=validate.Length(max=MAX_TEXT), load_default="")


class HealthSchema(Schema):
    app = fields.String()
    version = fields.String()
