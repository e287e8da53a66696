"""The whole schema on one screen.

A posting's current stage is cached on the row for fast listing, but the
timeline (Event) is the truth: stage changes only ever add events.
"""
from __future__ import annotations

import json
import peewee
from peewee import BigIntegerField, BlobField, CompositeKey, BooleanField, DateField, DateTimeField, FloatField, ForeignKeyField, IntegerField, Model

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
    key = CharField(null=True, index=True)  # added in schema v11, like the three below
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
    # Archived: off the board and the default table, still in search, insights and history.
    archived_at = DateTimeField(null=True, index=True)  # added in schema v9


# A posting's salary compared per year, whatever period it is given in (currencies are not
# converted): the table's salary sort, written once here so that the query and the expression
# index that serves it (migrations.PAGE_INDEXES) are the same text, which SQLite needs to match them.
SALARY_PER_YEAR = ("(CASE salary_period WHEN 'hour' THEN 2080 WHEN 'day' THEN 260 WHEN 'week' THEN 52"
                   " WHEN 'month' THEN 12 ELSE 1 END * COALESCE(salary_max, salary_min))")


# What a list (table, board, follow-ups) shows of a posting: every column but the long texts,
# so sorting thousands of rows or reading a page of them does not drag their descriptions along.
POSTING_LIST_COLUMNS = [f for f in Posting._meta.sorted_fields
                        if f.name not in ("description_html", "description_text", "field_sources")]


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


class Tag(BaseModel):
    """A free tag ("referral", "dream"), kept normalized (services/tags.py): one row per name."""

    name = CharField(unique=True, max_length=40)
    created_at = DateTimeField(default=utcnow)


class PostingTag(BaseModel):
    posting = ForeignKeyField(Posting, backref="tag_links", on_delete="CASCADE")
    tag = ForeignKeyField(Tag, backref="posting_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("posting", "tag"), True),)


class BulkBatch(BaseModel):
    """One bulk change made in the table, with the rows it changed before and after, so
    that it can be undone as one step (services/bulk.py). Not exported: it is undo state."""

    token = CharField(unique=True, max_length=40)
    action = CharField(max_length=32)
    summary = CharField(max_length=255)
    postings = IntegerField(default=0)
    changes = JSONField(default=dict)
    created_at = DateTimeField(default=utcnow, index=True)
    undone_at = DateTimeField(null=True)


class PostingSkill(BaseModel):
    """One skill a posting asks for, by its comparison key (parsing/skills.py skill_key),
    derived from Posting.skills, with the posting's stage copied (a trigger keeps it in
    step), so skill gaps are counted without decoding every posting's list
    (services/posting_skills.py writes the rows; migrations.py has the triggers)."""

    # No index of its own: the primary key (posting, skill) serves lookups by posting.
    posting = ForeignKeyField(Posting, backref="skill_rows", on_delete="CASCADE", index=False)
    skill = TextField()  # the comparison key: "kubernetes" for "k8s"
    name = TextField()  # as shown: "Kubernetes"
    stage = CharField(null=True)  # the posting's stage (null only while the v8 schema step runs)

    class Meta:
        primary_key = CompositeKey("posting", "skill")
        # a skill's postings, newest first, with their stage: gap lists and the table's filter
        indexes = ((("skill", "posting", "stage"), False),)


class SkillTally(BaseModel):
    """How many postings in each stage ask for each skill (as spelled): posting_skill
    counted, kept by triggers on it (migrations.py), so gaps read a few hundred rows."""

    skill = TextField()
    name = TextField()
    stage = CharField()
    n = IntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("skill", "name", "stage")


class PostingStory(BaseModel):
    """What one posting's stage history says, as insights count it (services/insights.py):
    kept by triggers on posting and event (migrations.py), so insights never read every event.
    Text, not NULL, where the tally below groups by the column."""

    posting_id = IntegerField(primary_key=True)  # no foreign key: the posting's delete trigger removes the row
    host = TextField(default="")  # what follows "://" in canonical_url up to "/": the site is named from it
    explicit_at = DateTimeField(null=True)  # the first event to applied
    applied_at = DateTimeField(null=True, index=True)  # that, else the first event to a stage that implies applying
    response_at = DateTimeField(null=True)  # the first event to a stage that is an answer
    interviewed = IntegerField(default=0)  # 1: an event to interviewing or later, or an interview
    offered = IntegerField(default=0)
    moved_at = DateTimeField(null=True, index=True)  # the first move to interviewing, when no interview is logged
    wait_us = BigIntegerField(null=True, index=True)  # explicit_at to response_at in microseconds, when >= 0
    stage = CharField(default="")  # the posting's current stage
    reached = IntegerField(default=-1)  # when that is an ending: the furthest of stages.FORWARD reached before it

    class Meta:
        table_name = "posting_story"
        indexes = ((("host", "wait_us"), False),)


class StoryTally(BaseModel):
    """posting_story counted by what insights group on (a trigger on it keeps the counts),
    so the funnel, sites and endings read a few hundred rows whatever the store holds."""

    host = TextField()
    applied = IntegerField()
    response = IntegerField()
    interviewed = IntegerField()
    offered = IntegerField()
    moved = IntegerField()
    waited = IntegerField()
    stage = CharField()
    reached = IntegerField()
    n = IntegerField(default=0)

    class Meta:
        table_name = "story_tally"
        primary_key = CompositeKey("host", "applied", "response", "interviewed", "offered", "moved", "waited",
                                   "stage", "reached")


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


DOCUMENT_KINDS = ("pdf", "docx", "odt", "txt")


class Document(BaseModel):
    """A document sent with applications ("CV", "Cover letter"), kept in numbered versions."""

    name = CharField(unique=True, max_length=200)
    created_at = DateTimeField(default=utcnow)


class DocumentVersion(BaseModel):
    """One uploaded file of a document ("CV v3"). The bytes are not in the store: they live
    in the data dir under their SHA-256 (services/documents.py), once however often sent."""

    document = ForeignKeyField(Document, backref="versions", on_delete="CASCADE")
    number = IntegerField()
    sha256 = CharField(max_length=64, index=True)
    size = IntegerField()
    kind = CharField(max_length=8)  # DOCUMENT_KINDS, read from the content
    filename = CharField()  # as uploaded: shown and offered on download, never a path
    uploaded_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("document", "number"), True),)


class DocumentSent(BaseModel):
    """A version sent with an application, and when."""

    posting = ForeignKeyField(Posting, backref="documents_sent", on_delete="CASCADE")
    version = ForeignKeyField(DocumentVersion, backref="sent", on_delete="CASCADE")
    sent_at = DateTimeField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("posting", "version"), True),)


V1_MODELS = [Company, Posting, Snapshot, Event, Contact, FollowUp, Reflection, Goal, Setting]
V2_MODELS = [ProfileSkill, PostingContact]
COMPANY_MODELS = [PostingUrl, Target]
TAG_MODELS = [Tag, PostingTag]
DOCUMENT_MODELS = [Document, DocumentVersion, DocumentSent]
ALL_MODELS = V1_MODELS + V2_MODELS + COMPANY_MODELS + TAG_MODELS + DOCUMENT_MODELS  # what export and import carry, parents first
UNDO_MODELS = [BulkBatch]
