"""Follow-ups: what to do after each event, and when.

The pipeline calls `reconcile` after every change to a posting's timeline (and
`after_interview` for an interview); each rule makes a FollowUp row with a due
date, timed from the event that decided the current stage, so the calendar feed
and the dashboard just read rows:

- applied          → check in after 7 days; once the check-in is done or dismissed and
                     nothing came back, suggest "ghosted" (30 days after applying at
                     the earliest): one next step at a time
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

from ..clock import add_days, utcnow
from ..db import database
from ..models import POSTING_LIST_COLUMNS, Company, Contact, Event, FollowUp, Posting
from ..stages import OPEN
from . import Conflict, NotFound, ServiceError, messages, settings
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
    "thank_you": frozenset(OPEN),
    "feedback_request": frozenset({"rejected"}),
    "keep_in_touch": frozenset({"rejected"}),
    "offer_reply": frozenset({"offer"}),
}
INTERVIEW_KINDS = ("phone", "video", "onsite", "technical", "panel", "other")
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


# ---- settings --------------------------------------------------------------------------

RULES = settings.Numbers("follow-up rule", DEFAULT_RULES, RULE_BOUNDS, key=RULES_KEY)


def rules() -> dict[str, int]:
    return RULES.read()


def save_rules(changes: dict[str, Any]) -> dict[str, int]:
    """Validate everything first, then save: a bad value changes nothing."""
    return RULES.save(changes)


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
    return (FollowUp.status == "open") & not_snoozed & started & ~_behind_a_check_in()


def _behind_a_check_in():
    """A ghosted suggestion waits while the posting's check-in is open (one next step;
    stores made before that rule can hold both)."""
    checking = FollowUp.alias()
    open_check_ins = checking.select(checking.posting).where((checking.kind == "check_in") & (checking.status == "open")
                                                              & checking.posting.is_null(False))
    return (FollowUp.kind == "suggest_ghosted") & FollowUp.posting.in_(open_check_ins)


def _query():
    # The contact's company too: a contact's keep-in-touch names it (one query per row otherwise).
    # The posting's list columns, not its description: a page of follow-ups read 100 of those.
    contact_company = Company.alias()
    return (FollowUp.select(FollowUp, Event, *POSTING_LIST_COLUMNS, Company, Contact, contact_company)
            .join(Event, JOIN.LEFT_OUTER, on=(FollowUp.source_event == Event.id)).switch(FollowUp)
            .join(Posting, JOIN.LEFT_OUTER).join(Company, JOIN.LEFT_OUTER).switch(FollowUp)
            .join(Contact, JOIN.LEFT_OUTER, on=(FollowUp.contact == Contact.id))
            .join(contact_company, JOIN.LEFT_OUTER, on=(Contact.company == contact_company.id)))


def due(now: datetime, limit: int | None = None, offset: int = 0) -> list[FollowUp]:
    """Open follow-ups to act on now (not snoozed), soonest deadline first."""
    query = _query().where(_actionable(now)).order_by(FollowUp.due_at, FollowUp.id)
    return list(query.limit(limit).offset(offset) if limit else query)


def count_due(now: datetime) -> int:
    return (FollowUp.select().join(Event, JOIN.LEFT_OUTER, on=(FollowUp.source_event == Event.id))
            .where(_actionable(now)).count())


def count_snoozed(now: datetime) -> int:
    """Open follow-ups a snooze keeps off the list right now."""
    return FollowUp.select().where((FollowUp.status == "open") & (FollowUp.snoozed_until > now)).count()


def grouped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Follow-ups (to_dicts) grouped by their posting — or contact — in the order they come,
    so a list shows each application once with its steps under it."""
    groups: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = ("posting", row["posting_id"]) if row["posting_id"] else ("contact", row["contact_id"])
        group = groups.setdefault(key, {"posting_id": row["posting_id"], "posting_title": row["posting_title"],
                                        "company": row["company"], "contact_name": row["contact_name"],
                                        "followups": []})
        group["followups"].append(row)
    return list(groups.values())


def upcoming(now: datetime, days: int = 30, limit: int | None = None, offset: int = 0) -> list[FollowUp]:
    """Open follow-ups not yet to act on (later, or snoozed) within `days`."""
    horizon = now + timedelta(days=days)
    query = _query().where((FollowUp.status == "open") & ~_actionable(now) & (
        (FollowUp.due_at <= horizon) | (FollowUp.snoozed_until <= horizon))).order_by(FollowUp.due_at, FollowUp.id)
    return list(query.limit(limit).offset(offset) if limit else query)


def for_posting(posting: Posting) -> list[FollowUp]:
    """Open ones first, soonest due first; then the closed ones, latest first."""
    rows = list(_query().where(FollowUp.posting == posting).order_by(FollowUp.due_at, FollowUp.id))
    open_ones = [f for f in rows if f.status == "open"]
    closed = sorted((f for f in rows if f.status != "open"), key=lambda f: f.closed_at or f.due_at, reverse=True)
    return open_ones + closed


def next_due(posting_ids) -> dict[int, tuple[datetime, str]]:
    """Each posting's next action: the open follow-up that comes up first (a snoozed one
    counts from the end of its snooze), as (when, label). One query for a whole board."""
    ids = list(posting_ids)
    if not ids:
        return {}
    rows = (FollowUp.select(FollowUp.posting, FollowUp.kind, FollowUp.due_at, FollowUp.snoozed_until)
            .where(FollowUp.posting.in_(ids) & (FollowUp.status == "open")))
    found: dict[int, tuple[datetime, str]] = {}
    for f in rows:
        when = max(f.due_at, f.snoozed_until) if f.snoozed_until else f.due_at
        if f.posting_id not in found or when < found[f.posting_id][0]:
            found[f.posting_id] = (when, label(f))
    return found


def is_snoozed(followup: FollowUp, now: datetime) -> bool:
    return followup.status == "open" and followup.snoozed_until is not None and followup.snoozed_until > now


def is_overdue(followup: FollowUp, now: datetime) -> bool:
    """Past its due time, still open and not snoozed: a snoozed one reads "snoozed until …"."""
    return followup.status == "open" and followup.due_at < now and not is_snoozed(followup, now)


def is_actionable(followup: FollowUp, now: datetime) -> bool:
    if followup.status != "open" or is_snoozed(followup, now):
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
    """Done. (A contact's follow-up done is also a touch-point: network.followup_done records it.)"""
    with database.atomic():
        _close(followup, "done", now)
        _after_check_in(followup, now)
    return followup


def dismiss(followup: FollowUp, now: datetime) -> FollowUp:
    with database.atomic():
        _close(followup, "dismissed", now)
        _after_check_in(followup, now)
    return followup


def _after_check_in(followup: FollowUp, now: datetime) -> None:
    # One next step at a time: the ghosted suggestion comes only once the check-in is behind.
    if followup.kind == "check_in" and followup.posting_id and followup.source_event_id:
        reconcile(Posting.get_by_id(followup.posting_id), followup.source_event, now)


def snooze(followup: FollowUp, until: datetime, now: datetime) -> FollowUp:
    if followup.status != "open":
        raise Conflict(f"this follow-up is already {followup.status}", code="not_open")
    if check_date(until, "until") <= now:
        raise ServiceError("snooze until a time in the future", code="invalid_date")
    followup.snoozed_until = until
    followup.save()
    return followup


def set_offer_deadline(posting: Posting, deadline: datetime, now: datetime) -> FollowUp:
    """The offer's reply-by date: moves the open offer_reply follow-up (or makes one)."""
    if posting.stage != "offer":
        raise ServiceError("this posting has no open offer", code="no_offer")
    check_date(deadline, "deadline")
    found = (FollowUp.select().where((FollowUp.posting == posting) & (FollowUp.kind == "offer_reply")
                                     & (FollowUp.status == "open")).first())
    if found is None:
        offer = (Event.select().where((Event.posting == posting) & (Event.kind == "stage") & (Event.to_stage == "offer"))
                 .order_by(Event.at.desc(), Event.id.desc()).first())
        return create("offer_reply", deadline, posting=posting, now=now, source_event=offer)
    found.due_at = deadline
    found.save()
    return found


def interviews(*, posting: Posting | None = None, since: datetime | None = None) -> list[Event]:
    if posting is not None:
        # One posting's timeline by its own index, sorted here: asked for kind and posting in SQL,
        # SQLite walks every interview in the store by (kind, at) instead (65 ms at 100,000 postings).
        rows = [e for e in Event.select().where(Event.posting == posting)
                if e.kind == "interview" and (since is None or e.at >= since)]
        for e in rows:
            e.posting = posting
        return sorted(rows, key=lambda e: (e.at, e.id))
    query = Event.select(Event, Posting).join(Posting).where(Event.kind == "interview")
    if since is not None:
        query = query.where(Event.at >= since)
    return list(query.order_by(Event.at, Event.id))


# ---- the rules (called by the pipeline after every change to a timeline) ------------------------

# What each current stage schedules from the event that decided it, in order.
STAGE_RULES: dict[str, tuple[str, ...]] = {
    "applied": ("check_in", "suggest_ghosted"),
    "rejected": ("feedback_request", "keep_in_touch"),
    "offer": ("offer_reply",),
}
RULE_DELAY = {"check_in": "check_in_days", "suggest_ghosted": "ghosted_days", "feedback_request": "feedback_days",
              "keep_in_touch": "keep_in_touch_days", "offer_reply": "offer_reply_days"}


def moot_kinds(stage: str) -> list[str]:
    """The rule-made kinds a posting in `stage` has no use for."""
    return [kind for kind, stages in RELEVANT.items() if stage not in stages]


def close_moot(posting: Posting, now: datetime) -> int:
    """Close rule-made follow-ups that the posting's current stage makes pointless."""
    moot = moot_kinds(posting.stage)
    return (FollowUp.update(status="closed", closed_at=now)
            .where((FollowUp.posting == posting) & (FollowUp.status == "open")
                   & FollowUp.source_event.is_null(False) & FollowUp.kind.in_(moot))
            .execute()) if moot else 0


def reconcile(posting: Posting, decider: Event | None, now: datetime) -> None:
    """Bring the rule-made follow-ups in line with the current stage. Idempotent: moot ones
    close; the current stage's ones exist once per deciding event (one closed as moot comes
    back when its stage does, e.g. after a wrongly recorded rejection is deleted)."""
    close_moot(posting, now)
    if decider is None or decider.to_stage != posting.stage or not STAGE_RULES.get(posting.stage):
        return
    r = rules()  # read only for a stage that schedules something
    for kind in STAGE_RULES[posting.stage]:
        _ensure(kind, decider, posting, now, r)


def _ensure(kind: str, source: Event, posting: Posting, now: datetime, r: dict[str, int]) -> None:
    made = list(FollowUp.select().where((FollowUp.source_event == source) & (FollowUp.kind == kind)))
    if any(f.status in ("open", "done", "dismissed") for f in made):
        return
    moot = next((f for f in made if f.status == "closed"), None)
    if moot is not None:
        moot.status, moot.closed_at = "open", None
        moot.save()
        return
    if _open_of_kind(posting, kind):
        return  # one made by hand (or before this rule existed) already stands for it
    due_at = _due(kind, source, r)
    if due_at is not None:
        contact = messages.contact_for(posting) if kind == "keep_in_touch" else None
        create(kind, due_at, posting=posting, contact=contact, now=now, source_event=source)


def _due(kind: str, source: Event, r: dict[str, int]) -> datetime | None:
    check_in = None
    if kind == "suggest_ghosted" and r["check_in_days"] > 0:
        check_in = (FollowUp.select().where((FollowUp.source_event == source) & (FollowUp.kind == "check_in")
                                            & FollowUp.status.in_(("done", "dismissed"))).first())
    return due_at_for(kind, source.at, r, check_in.closed_at if check_in else None)


def due_at_for(kind: str, at: datetime, r: dict[str, int], check_in_closed_at: datetime | None) -> datetime | None:
    """When the rule's follow-up of `kind` for an event at `at` falls due (None: not now)."""
    days = r[RULE_DELAY[kind]]
    if days <= 0:
        return None  # 0 = rule switched off
    due_at = add_days(at, days)
    if kind == "suggest_ghosted" and r["check_in_days"] > 0:
        # After the check-in, not beside it: only once it was done or dismissed, and then
        # no sooner than a check-in's wait after it (an answer takes a few days).
        if check_in_closed_at is None:
            return None
        due_at = max(due_at, add_days(check_in_closed_at, r["check_in_days"]))
    return due_at


def reconcile_planned(made: list[dict[str, Any]], stage: str, decider, now: datetime, r: dict[str, int]) -> None:
    """reconcile() for a posting being created in bulk (a spreadsheet import), whose follow-ups
    are all in `made` (dicts with kind, due_at, status, closed_at, source): the same rules,
    applied in memory, no queries. Such a posting has no contact yet, so a keep-in-touch
    it schedules names none (as reconcile() would find)."""
    moot = moot_kinds(stage)
    for f in made:
        if f["status"] == "open" and f["source"] is not None and f["kind"] in moot:
            f["status"], f["closed_at"] = "closed", now
    if decider is None or decider.to_stage != stage:
        return
    for kind in STAGE_RULES.get(stage, ()):
        same = [f for f in made if f["source"] is decider and f["kind"] == kind]
        if any(f["status"] in ("open", "done", "dismissed") for f in same):
            continue
        moot_one = next((f for f in same if f["status"] == "closed"), None)
        if moot_one is not None:
            moot_one["status"], moot_one["closed_at"] = "open", None
            continue
        if any(f["kind"] == kind and f["status"] == "open" for f in made):
            continue
        check_in = next((f for f in made if f["source"] is decider and f["kind"] == "check_in"
                         and f["status"] in ("done", "dismissed")), None)
        due_at = due_at_for(kind, decider.at, r, check_in["closed_at"] if check_in else None)
        if due_at is not None:
            made.append({"kind": kind, "due_at": due_at, "status": "open", "closed_at": None, "source": decider})


def after_interview(posting: Posting, event: Event, now: datetime) -> None:
    hours = rules()["thank_you_hours"]
    if hours > 0:
        create("thank_you", add_days(event.at, hours / 24), posting=posting, now=now, source_event=event)


def _open_of_kind(posting: Posting, kind: str) -> bool:
    return FollowUp.select().where((FollowUp.posting == posting) & (FollowUp.kind == kind)
                                   & (FollowUp.status == "open")).exists()


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
        "overdue": is_overdue(followup, now),
        "snoozed": is_snoozed(followup, now),
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
