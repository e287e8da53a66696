"""Follow-ups: what to do after each event, and when.

Rules run when an event is added (the pipeline calls `_on_event`), and each makes a
FollowUp row with a due date, so the calendar feed and the dashboard just read rows:

- applied          → check in after 7 days; suggest "ghosted" after 30 days of silence
- interview logged → thank-you within 24 hours of the interview
- rejected         → thank-you + feedback request within 2 days; keep in touch after 90 days
- offer            → reply by the offer's deadline (7 days unless the user gives one)

Two kinds of timing: "after N days" follow-ups become actionable at `due_at`;
"within N" follow-ups (WITHIN) are actionable from their event on, and `due_at` is
their deadline. A stage change that makes a rule's follow-up moot closes it.
Every function takes `now`, so tests (and the app's clock) decide what time it is.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from peewee import JOIN

from ..db import database
from ..models import ENDINGS, STAGES, Company, Contact, Event, FollowUp, Posting, utcnow
from . import Conflict, NotFound, ServiceError, messages, pipeline
from .bounds import check_date

RULES_KEY = "followups.rules"
# Delays; 0 switches a rule off. Bounds keep a typo from scheduling something in 2100.
DEFAULT_RULES: dict[str, int] = {
    "check_in_days": 7,
    "ghosted_days": 30,
    "thank_you_hours": 24,
    "feedback_days": 2,
    "keep_in_touch_days": 90,
    "offer_reply_days": 7,
    "reflection_days": 1,   # the reflection is due this many days after an ending…
    "reflection_hour": 9,   # …at this local hour ("the next morning")
}
RULE_BOUNDS: dict[str, tuple[int, int]] = {
    "check_in_days": (0, 365), "ghosted_days": (0, 365), "thank_you_hours": (0, 24 * 14),
    "feedback_days": (0, 60), "keep_in_touch_days": (0, 730), "offer_reply_days": (0, 90),
    "reflection_days": (0, 30), "reflection_hour": (0, 23),
}

LABELS = {
    "check_in": "Check in",
    "suggest_ghosted": "No answer for a while — mark it ghosted?",
    "thank_you": "Send a thank-you note",
    "feedback_request": "Send a thank-you and ask for feedback",
    "keep_in_touch": "Keep in touch",
    "offer_reply": "Reply to the offer",
}
WITHIN = frozenset({"thank_you", "feedback_request", "offer_reply"})
# A rule-made follow-up stays open only while the posting is in one of these stages.
RELEVANT: dict[str, frozenset[str]] = {
    "check_in": frozenset({"applied"}),
    "suggest_ghosted": frozenset({"applied"}),
    "thank_you": frozenset(STAGES) - frozenset(ENDINGS),
    "feedback_request": frozenset({"rejected"}),
    "keep_in_touch": frozenset({"rejected"}),
    "offer_reply": frozenset({"offer"}),
}
INTERVIEW_KINDS = ("phone", "video", "onsite", "technical", "panel", "other")
EARLIER_THAN_INTERVIEWING = ("saved", "applied", "screening")
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


# ---- time: the store is naive UTC, the user lives in local time ----------------------

# ---- settings --------------------------------------------------------------------------

def rules() -> dict[str, int]:
    saved = messages.get_setting(RULES_KEY, {}) or {}
    return {key: int(saved.get(key, default)) for key, default in DEFAULT_RULES.items()}


def save_rules(changes: dict[str, Any]) -> dict[str, int]:
    """Validate everything first, then save: a bad value changes nothing."""
    current = rules()
    for key, value in changes.items():
        if key not in DEFAULT_RULES:
            raise ServiceError(f"no follow-up rule called {key!r}", code="unknown_rule")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ServiceError(f"{key}: {value!r} is not a whole number", code="invalid_rule") from None
        low, high = RULE_BOUNDS[key]
        if not low <= number <= high:
            raise ServiceError(f"{key}: must be between {low} and {high}", code="invalid_rule")
        current[key] = number
    messages.set_setting(RULES_KEY, current)
    return current


# ---- the rows -------------------------------------------------------------------------------

def get(followup_id: int) -> FollowUp:
    found = FollowUp.get_or_none(FollowUp.id == followup_id)
    if found is None:
        raise NotFound(f"no follow-up with id {followup_id}")
    return found


def create(kind: str, due_at: datetime, *, posting: Posting | None = None, contact: Contact | None = None,
           message: str = "", now: datetime | None = None, source_event: Event | None = None) -> FollowUp:
    """A follow-up of any kind; rules use it, and so does the network's keep-in-touch cadence."""
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise ServiceError("kind: use lowercase letters, digits and underscores", code="invalid_kind")
    if posting is None and contact is None:
        raise ServiceError("a follow-up belongs to a posting or a contact", code="invalid_followup")
    if not isinstance(due_at, datetime):
        raise ServiceError("due_at: a date and time is needed", code="invalid_date")
    check_date(due_at, "due_at")
    now = now or utcnow()
    return FollowUp.create(kind=kind, due_at=due_at, posting=posting, contact=contact,
                           message=(message or "").strip(), source_event=source_event, created_at=now)


def _actionable(now: datetime):
    not_snoozed = FollowUp.snoozed_until.is_null() | (FollowUp.snoozed_until <= now)
    started = (FollowUp.due_at <= now) | (
        FollowUp.kind.in_(sorted(WITHIN)) & Event.id.is_null(False) & (Event.at <= now))
    return (FollowUp.status == "open") & not_snoozed & started


def _query():
    return (FollowUp.select(FollowUp, Event, Posting, Company, Contact)
            .join(Event, JOIN.LEFT_OUTER, on=(FollowUp.source_event == Event.id)).switch(FollowUp)
            .join(Posting, JOIN.LEFT_OUTER).join(Company, JOIN.LEFT_OUTER).switch(FollowUp)
            .join(Contact, JOIN.LEFT_OUTER, on=(FollowUp.contact == Contact.id)))


def due(now: datetime, limit: int | None = None) -> list[FollowUp]:
    """Open follow-ups to act on now (not snoozed), soonest deadline first."""
    query = _query().where(_actionable(now)).order_by(FollowUp.due_at, FollowUp.id)
    return list(query.limit(limit) if limit else query)


def count_due(now: datetime) -> int:
    return (FollowUp.select().join(Event, JOIN.LEFT_OUTER, on=(FollowUp.source_event == Event.id))
            .where(_actionable(now)).count())


def upcoming(now: datetime, days: int = 30, limit: int | None = None) -> list[FollowUp]:
    """Open follow-ups not yet to act on (later, or snoozed) within `days`."""
    horizon = now + timedelta(days=days)
    query = _query().where((FollowUp.status == "open") & ~_actionable(now) & (
        (FollowUp.due_at <= horizon) | (FollowUp.snoozed_until <= horizon))).order_by(FollowUp.due_at, FollowUp.id)
    return list(query.limit(limit) if limit else query)


def for_posting(posting: Posting) -> list[FollowUp]:
    """Open ones first, soonest due first; then the closed ones, latest first."""
    rows = list(_query().where(FollowUp.posting == posting).order_by(FollowUp.due_at, FollowUp.id))
    open_ones = [f for f in rows if f.status == "open"]
    closed = sorted((f for f in rows if f.status != "open"), key=lambda f: f.closed_at or f.due_at, reverse=True)
    return open_ones + closed


def is_actionable(followup: FollowUp, now: datetime) -> bool:
    if followup.status != "open" or (followup.snoozed_until and followup.snoozed_until > now):
        return False
    return followup.due_at <= now or (followup.kind in WITHIN and followup.source_event_id is not None
                                      and followup.source_event.at <= now)


def _close(followup: FollowUp, status: str, now: datetime) -> FollowUp:
    if followup.status != "open":
        raise Conflict(f"this follow-up is already {followup.status}", code="not_open")
    followup.status = status
    followup.closed_at = now
    followup.save()
    return followup


def complete(followup: FollowUp, now: datetime) -> FollowUp:
    """Done. Writing to someone is a touch-point: the network service records it on the
    contact (last contact, a timeline note, the next keep-in-touch date)."""
    with database.atomic():
        _close(followup, "done", now)
        if followup.contact_id:
            try:
                from . import network
            except ImportError:  # without the network service, at least move the date
                Contact.update(last_contact_at=now).where(Contact.id == followup.contact_id).execute()
            else:
                network.log_touch(followup.contact, f"{label(followup)}: done", at=now, now=now)
    return followup


def dismiss(followup: FollowUp, now: datetime) -> FollowUp:
    return _close(followup, "dismissed", now)


def snooze(followup: FollowUp, until: datetime, now: datetime) -> FollowUp:
    if followup.status != "open":
        raise Conflict(f"this follow-up is already {followup.status}", code="not_open")
    if check_date(until, "until") <= now:
        raise ServiceError("snooze until a time in the future", code="invalid_date")
    followup.snoozed_until = until
    followup.save()
    return followup


def confirm_ghosted(followup: FollowUp, now: datetime) -> Event:
    """The user agrees the silence means "ghosted": mark the follow-up done, then the stage."""
    if followup.kind != "suggest_ghosted" or followup.posting_id is None:
        raise ServiceError("only a ghosted suggestion can mark a posting ghosted", code="invalid_followup")
    complete(followup, now)
    return pipeline.change_stage(followup.posting, "ghosted", at=now, now=now, note="no answer; marked ghosted")


def set_offer_deadline(posting: Posting, deadline: datetime, now: datetime) -> FollowUp:
    """The offer's reply-by date: moves the open offer_reply follow-up (or makes one)."""
    if posting.stage != "offer":
        raise ServiceError("this posting has no open offer", code="no_offer")
    check_date(deadline, "deadline")
    found = (FollowUp.select().where((FollowUp.posting == posting) & (FollowUp.kind == "offer_reply")
                                     & (FollowUp.status == "open")).first())
    if found is None:
        return create("offer_reply", deadline, posting=posting, now=now,
                      source_event=pipeline.latest_stage_event(posting))
    found.due_at = deadline
    found.save()
    return found


# ---- interviews -----------------------------------------------------------------------------

def log_interview(posting: Posting, at: datetime, *, kind: str = "video", with_: str = "", note: str = "",
                  duration_minutes: int = 60, now: datetime | None = None) -> Event:
    """An interview event (past or scheduled); moves the stage on to interviewing if it was earlier."""
    now = now or utcnow()
    check_date(at, "at")
    if kind not in INTERVIEW_KINDS:
        raise ServiceError(f"kind: one of {', '.join(INTERVIEW_KINDS)}", code="invalid_kind")
    if not 5 <= int(duration_minutes) <= 24 * 60:
        raise ServiceError("duration_minutes: between 5 and 1440", code="invalid_duration")
    with_ = (with_ or "").strip()[:200]
    details = {"kind": kind, "with": with_, "duration_minutes": int(duration_minutes)}
    text = (note or "").strip() or f"{kind.capitalize()} interview" + (f" with {with_}" if with_ else "")
    with database.atomic():
        event = pipeline.add_note(posting, text, at=at, kind="interview", details=details, now=now)
        if posting.stage in EARLIER_THAN_INTERVIEWING:
            # A stage change cannot be dated in the future (a scheduled interview), nor
            # before the current stage, or it would not become the current one.
            when = max(min(at, now), posting.stage_changed_at)
            pipeline.change_stage(posting, "interviewing", at=min(when, now), now=now, note="interview logged")
    return event


def interviews(*, posting: Posting | None = None, since: datetime | None = None) -> list[Event]:
    query = Event.select(Event, Posting).join(Posting).where(Event.kind == "interview")
    if posting is not None:
        query = query.where(Event.posting == posting)
    if since is not None:
        query = query.where(Event.at >= since)
    return list(query.order_by(Event.at, Event.id))


# ---- the rules --------------------------------------------------------------------------------

def _open_of_kind(posting: Posting, kind: str) -> bool:
    return FollowUp.select().where((FollowUp.posting == posting) & (FollowUp.kind == kind)
                                   & (FollowUp.status == "open")).exists()


def _rule(kind: str, delay: timedelta | None, event: Event, posting: Posting, now: datetime,
          contact: Contact | None = None) -> None:
    if delay is None or _open_of_kind(posting, kind):
        return
    create(kind, event.at + delay, posting=posting, contact=contact, now=now, source_event=event)


def _days(n: int) -> timedelta | None:
    return timedelta(days=n) if n > 0 else None  # 0 = rule switched off


def close_moot(posting: Posting, now: datetime) -> int:
    """Close rule-made follow-ups that the posting's current stage makes pointless."""
    moot = [kind for kind, stages in RELEVANT.items() if posting.stage not in stages]
    return (FollowUp.update(status="closed", closed_at=now)
            .where((FollowUp.posting == posting) & (FollowUp.status == "open")
                   & FollowUp.source_event.is_null(False) & FollowUp.kind.in_(moot))
            .execute()) if moot else 0


def _on_event(event: Event) -> None:
    posting = Posting.get_by_id(event.posting_id)  # fresh: the stage cache just changed
    now = event.created_at or utcnow()
    r = rules()
    if event.kind == "interview":
        if r["thank_you_hours"] > 0:
            create("thank_you", event.at + timedelta(hours=r["thank_you_hours"]), posting=posting,
                   now=now, source_event=event)
        return
    if event.kind != "stage":
        return
    close_moot(posting, now)
    if event.to_stage != posting.stage:
        return  # a back-dated change that is not the current stage schedules nothing
    if event.to_stage == "applied":
        _rule("check_in", _days(r["check_in_days"]), event, posting, now)
        _rule("suggest_ghosted", _days(r["ghosted_days"]), event, posting, now)
    elif event.to_stage == "rejected":
        _rule("feedback_request", _days(r["feedback_days"]), event, posting, now)
        _rule("keep_in_touch", _days(r["keep_in_touch_days"]), event, posting, now,
              contact=messages.contact_for(posting))
    elif event.to_stage == "offer":
        _rule("offer_reply", _days(r["offer_reply_days"]), event, posting, now)


pipeline.on_event(_on_event)


# ---- reading -----------------------------------------------------------------------------------

def label(followup: FollowUp) -> str:
    return LABELS.get(followup.kind, followup.kind.replace("_", " ").capitalize())


def message_for(followup: FollowUp, renderer: messages.Renderer | None = None) -> dict[str, str] | None:
    """The kind's (editable) template, filled; a follow-up's own `message` is the text only for
    kinds without a template — otherwise it is a note shown beside it."""
    posting = followup.posting if followup.posting_id else None
    contact = followup.contact if followup.contact_id else None
    renderer = renderer or messages.Renderer([posting] if posting else [])
    own = followup.message if followup.kind not in renderer.templates else None
    return renderer.render(followup.kind, posting=posting, contact=contact, body=own or None)


def to_dict(followup: FollowUp, now: datetime, renderer: messages.Renderer | None = None) -> dict[str, Any]:
    posting = followup.posting if followup.posting_id else None
    contact = followup.contact if followup.contact_id else None
    return {
        "id": followup.id,
        "kind": followup.kind,
        "label": label(followup),
        "status": followup.status,
        "due_at": followup.due_at,
        "snoozed_until": followup.snoozed_until,
        "actionable": is_actionable(followup, now),
        "overdue": followup.status == "open" and followup.due_at < now,
        "posting_id": followup.posting_id,
        "posting_title": posting.title if posting else None,
        "company": posting.company.name if posting and posting.company_id else None,
        "contact_id": followup.contact_id,
        "contact_name": contact.name if contact else None,
        "message": message_for(followup, renderer),
        "note": followup.message if followup.kind in messages.DEFAULT_TEMPLATES else "",
        "created_at": followup.created_at,
        "closed_at": followup.closed_at,
    }


def to_dicts(rows: list[FollowUp], now: datetime) -> list[dict[str, Any]]:
    renderer = messages.Renderer([f.posting for f in rows if f.posting_id])
    return [to_dict(f, now, renderer) for f in rows]
