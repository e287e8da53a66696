"""The whole schema on one screen.

A posting's current stage is cached on the row for fast listing, but the
timeline (Event) is the truth: stage changes only ever add events.
"""
from __future__ import annotations

import json
import peewee
from peewee import BlobField, BooleanField, DateField, DateTimeField, FloatField, ForeignKeyField, IntegerField, Model

from .clock import utcnow  # noqa: F401  (column defaults; services import it from here too)
from .db import database
from .stages import ENDINGS, STAGES  # noqa: F401  (the stage names live in stages.py)

REMOTE_KINDS = ("onsite", "hybrid", "remote")
SALARY_PERIODS = ("hour", "day", "week", "month", "year")
WARMTH = ("cold", "warm", "close")


def _without_nul(value):
    # PostgreSQL text cannot hold NUL (SQLite can): removed on the way in, on both, so both
    # keep the same text and no write fails for it.
    return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value


class CharField(peewee.CharField):
    """Text up to max_length (255 unless said): the model's limit, the same on both stores
    (services/bounds.py cuts parsed values to it and refuses longer typed ones)."""

    def db_value(self, value):
        return super().db_value(_without_nul(value))


class TextField(peewee.TextField):
    def db_value(self, value):
        return super().db_value(_without_nul(value))


class JSONField(TextField):
    """JSON kept as text, so the same schema works on SQLite and PostgreSQL."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Company(BaseModel):
    """One name as postings and contacts gave it. Names of one employer ("Acme", "ACME Inc.")
    share a `key` (parsing/identity.py); `merged_into` points at the row that stands for the
    employer when the user said two are the same (or the key or careers host matched).
    A plain id, not a foreign key: the row it names may come later in an export."""

    name = CharField(unique=True)
    website = CharField(null=True)
    created_at = DateTimeField(default=utcnow)
    key = CharField(null=True, index=True)  # added in schema v8, like the three below
    host = CharField(null=True, index=True)  # the employer a careers address names ("acme")
    merged_into = IntegerField(null=True, index=True)
    notes = TextField(default="")


class Posting(BaseModel):
    canonical_url = CharField(unique=True, max_length=2048)
    url = TextField()
    is_posting = BooleanField(default=True)
    title = CharField(null=True, max_length=512)
    company = ForeignKeyField(Company, null=True, backref="postings", on_delete="SET NULL")
    locations = JSONField(default=list)
    remote = CharField(null=True)  # onsite | hybrid | remote
    employment_type = CharField(null=True)
    salary_min = FloatField(null=True)
    salary_max = FloatField(null=True)
    salary_currency = CharField(null=True, max_length=3)
    salary_period = CharField(null=True)
    date_posted = DateField(null=True)
    valid_through = DateField(null=True)
    apply_url = TextField(null=True)
    description_html = TextField(default="")  # sanitized before it is stored
    description_text = TextField(default="")
    skills = JSONField(default=list)
    source_site = CharField(null=True)
    field_sources = JSONField(default=dict)  # field -> where the parser found it
    user_edited = JSONField(default=list)  # fields the user changed by hand
    notes = TextField(default="")
    stage = CharField(default="saved", index=True)
    stage_changed_at = DateTimeField(default=utcnow)
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)


class Snapshot(BaseModel):
    """The raw page of one capture, gzip-compressed: postings get taken down."""

    posting = ForeignKeyField(Posting, backref="snapshots", on_delete="CASCADE")
    url = TextField()
    html_gz = BlobField()
    size = IntegerField()
    sha256 = CharField(max_length=64)
    captured_at = DateTimeField(default=utcnow)


class Event(BaseModel):
    """One line of a posting's timeline: a stage change, a note, an interview…"""

    posting = ForeignKeyField(Posting, backref="events", on_delete="CASCADE")
    kind = CharField(index=True)  # stage | note | capture | interview | contact
    from_stage = CharField(null=True)
    to_stage = CharField(null=True)
    at = DateTimeField(default=utcnow, index=True)
    note = TextField(default="")
    details = JSONField(default=dict)  # added in schema v2
    created_at = DateTimeField(default=utcnow)


class Contact(BaseModel):
    name = CharField()
    role = CharField(null=True)
    company = ForeignKeyField(Company, null=True, backref="contacts", on_delete="SET NULL")
    email = CharField(null=True)
    linkedin_url = CharField(null=True)
    how_met = TextField(default="")
    warmth = CharField(default="cold")
    last_contact_at = DateTimeField(null=True)
    notes = TextField(default="")
    created_at = DateTimeField(default=utcnow)


class FollowUp(BaseModel):
    posting = ForeignKeyField(Posting, null=True, backref="followups", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, null=True, backref="followups", on_delete="CASCADE")
    kind = CharField()  # check_in | suggest_ghosted | thank_you | feedback_request | keep_in_touch | offer_reply | …
    due_at = DateTimeField(index=True)
    status = CharField(default="open", index=True)  # open | done | dismissed | closed
    snoozed_until = DateTimeField(null=True)
    message = TextField(default="")
    source_event = ForeignKeyField(Event, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    closed_at = DateTimeField(null=True)


class Reflection(BaseModel):
    posting = ForeignKeyField(Posting, backref="reflections", on_delete="CASCADE")
    due_at = DateTimeField()
    stage_reached = CharField(null=True)
    went_well = TextField(default="")
    to_improve = TextField(default="")
    feedback = TextField(default="")
    confidence = IntegerField(null=True)  # 1..5
    written_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)


class Goal(BaseModel):
    title = CharField()
    skill = CharField(null=True)
    deadline = DateField(null=True)
    progress = TextField(default="")
    done_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)


class Setting(BaseModel):
    key = CharField(unique=True)
    value = JSONField(null=True)


class ProfileSkill(BaseModel):
    """The user's own skill profile, against which postings' skills are read."""

    name = CharField(unique=True)
    level = IntegerField(default=3)  # 1..5
    created_at = DateTimeField(default=utcnow)


class PostingContact(BaseModel):
    posting = ForeignKeyField(Posting, backref="contact_links", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, backref="posting_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("posting", "contact"), True),)


class PostingUrl(BaseModel):
    """Another address the same job was clipped from (LinkedIn and the company's own board):
    the posting's own canonical_url is not repeated here."""

    posting = ForeignKeyField(Posting, backref="other_urls", on_delete="CASCADE")
    canonical_url = CharField(unique=True, max_length=2048)
    url = TextField()
    added_at = DateTimeField(default=utcnow)


class Target(BaseModel):
    """A company the user would like to work for."""

    company = ForeignKeyField(Company, unique=True, backref="target", on_delete="CASCADE")
    why = TextField(default="")
    careers_url = TextField(null=True)
    priority = IntegerField(default=2)  # 1 high .. 3 low
    check_weeks = IntegerField(null=True)  # "check their openings every N weeks"
    checked_at = DateTimeField(null=True)  # when the user last looked at their openings
    created_at = DateTimeField(default=utcnow)


V1_MODELS = [Company, Posting, Snapshot, Event, Contact, FollowUp, Reflection, Goal, Setting]
V2_MODELS = [ProfileSkill, PostingContact]
V8_MODELS = [PostingUrl, Target]
ALL_MODELS = V1_MODELS + V2_MODELS + V8_MODELS
