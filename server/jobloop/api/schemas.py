"""Marshmallow schemas: they validate requests and generate the OpenAPI document."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from ..models import REMOTE_KINDS, SALARY_PERIODS, STAGES

MAX_TEXT = 20_000


class StrictSchema(Schema):
    class Meta:
        unknown = EXCLUDE


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
    stage_changed_at = fields.DateTime()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    tracker_url = fields.String()


class EventSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String(allow_none=True)
    at = fields.DateTime()
    note = fields.String()
    details = fields.Dict()


class PostingDetailSchema(PostingSchema):
    events = fields.List(fields.Nested(EventSchema))


class PostingEditSchema(StrictSchema):
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
    description_text = fields.String(validate=validate.Length(max=200_000))
    skills = fields.List(fields.String(validate=validate.Length(max=80)), validate=validate.Length(max=200))


class CaptureSchema(StrictSchema):
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False)
    html = fields.String(required=True)
    title = fields.String(validate=validate.Length(max=512), allow_none=True)
    selection = fields.String(validate=validate.Length(max=MAX_TEXT), allow_none=True)
    stage = fields.String(validate=validate.OneOf(STAGES), allow_none=True)
    note = fields.String(validate=validate.Length(max=MAX_TEXT), allow_none=True)
    fields_ = fields.Nested(PostingEditSchema, data_key="fields", attribute="fields", allow_none=True)


class ParseSchema(StrictSchema):
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False)
    html = fields.String(required=True)


class PreviewSchema(Schema):
    draft = fields.Nested(DraftSchema)
    posting = fields.Nested(PostingSchema, allow_none=True)


class PostingQuerySchema(StrictSchema):
    stage = fields.String(validate=validate.OneOf(STAGES))
    q = fields.String(validate=validate.Length(max=200))
    url = fields.String(validate=validate.Length(max=4096))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class PostingListSchema(Schema):
    postings = fields.List(fields.Nested(PostingSchema))


class EventInSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(("stage", "note")))
    stage = fields.String(validate=validate.OneOf(STAGES))
    at = fields.DateTime(allow_none=True)
    note = fields.String(validate=validate.Length(max=MAX_TEXT), load_default="")


class HealthSchema(Schema):
    app = fields.String()
    version = fields.String()
