"""The work-search log: what a benefits office asks for, read from the timeline.

An unemployment office counts job-search *activities*: applications sent, interviews
attended, follow-ups sent to employers. Each becomes one row (date, employer,
position, how, contact person, result, URL), grouped by week (Monday–Sunday in the
user's time zone, the zone every date in jobloop is read in: clock.py). Nothing here
is stored apart from "how" an application was sent, kept on its applied event
(`details["how"]`), and the user's name for the log's header (a setting).

Column presets (the US state log, the German Bewerbungsnachweis, the UK work search)
are data: headers, words and the date format in the office's language (docs/worklog.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peewee import JOIN

from ..clock import local_to_utc, local_today, utc_to_local
from ..db import database
from ..models import Company, Contact, Event, FollowUp, Posting, PostingContact
from . import ServiceError, settings
from .bounds import check_date
from .sheet_export import to_csv as csv_bytes
from .spreadsheet import is_placeholder

HOW = ("online", "e-mail", "in person", "phone", "referral")
MAX_DAYS = 366  # one log covers at most a year: an office asks for weeks, a typo asks for centuries
PERSON_KEY = "worklog.person"
MAX_PERSON = 200
# Follow-ups that are not a message to an employer: the ghosted suggestion is a note to oneself.
NOT_SENT = frozenset({"suggest_ghosted"})
INTERVIEW_HOW = {"phone": "phone", "video": "online", "technical": "online", "onsite": "in person",
                 "panel": "in person"}

RESULT = {
    "saved": "not applied yet", "applied": "awaiting reply", "screening": "in screening",
    "interviewing": "interviewing", "offer": "offer received", "accepted": "offer accepted",
    "rejected": "rejected", "withdrawn": "withdrawn", "ghosted": "no reply",
}


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    title: str
    headers: dict[str, str]  # column key -> header, in column order
    date_format: str
    activity: dict[str, str]
    how: dict[str, str]
    result: dict[str, str]
    page: str  # A4 or Letter
    person: str = "Name"
    reference: str = "Reference"
    period: str = "Period"
    week: str = "Week"
    none: str = "No job-search activity recorded this week."


COLUMNS = ("date", "activity", "employer", "position", "how", "contact", "result", "url")

PRESETS: dict[str, Preset] = {p.key: p for p in (
    Preset("jobloop", "jobloop (English, ISO dates)", "Work-search log",
           dict(zip(COLUMNS, ("Date", "Activity", "Employer", "Position", "How", "Contact person",
                              "Result / current stage", "URL"))),
           "%Y-%m-%d", {"application": "application", "interview": "interview", "follow-up": "follow-up sent"},
           {h: h for h in HOW}, RESULT, "A4"),
    Preset("us", "US state work search log", "Work Search Log",
           dict(zip(COLUMNS, ("Date of Contact", "Activity", "Employer Name", "Position Applied For",
                              "Method of Contact", "Person Contacted", "Results", "Employer Website / URL"))),
           "%m/%d/%Y", {"application": "Applied", "interview": "Interviewed", "follow-up": "Followed up"},
           {"online": "Online", "e-mail": "E-mail", "in person": "In person", "phone": "Phone",
            "referral": "Referral"},
           {"saved": "Not applied", "applied": "Pending", "screening": "Pending (screening)",
            "interviewing": "Interview", "offer": "Offer", "accepted": "Hired", "rejected": "Not hired",
            "withdrawn": "Withdrawn", "ghosted": "No response"},
           "Letter", person="Claimant", reference="Claimant ID", period="Week(s)", week="Week of"),
    Preset("de", "Bewerbungsnachweis (DE)", "Bewerbungsnachweis",
           dict(zip(COLUMNS, ("Datum", "Art der Aktivität", "Arbeitgeber", "Stelle", "Art der Bewerbung",
                              "Ansprechpartner/in", "Ergebnis / Stand", "Fundstelle (URL)"))),
           "%d.%m.%Y", {"application": "Bewerbung", "interview": "Vorstellungsgespräch",
                        "follow-up": "Nachfrage"},
           {"online": "online", "e-mail": "per E-Mail", "in person": "persönlich", "phone": "telefonisch",
            "referral": "Empfehlung"},
           {"saved": "noch nicht beworben", "applied": "offen", "screening": "in Prüfung",
            "interviewing": "Vorstellungsgespräch", "offer": "Angebot erhalten", "accepted": "Zusage",
            "rejected": "Absage", "withdrawn": "zurückgezogen", "ghosted": "keine Rückmeldung"},
           "A4", person="Name", reference="Kundennummer", period="Zeitraum", week="Woche",
           none="In dieser Woche keine Aktivität erfasst."),
    Preset("uk", "UK work search", "Work search record",
           dict(zip(COLUMNS, ("Date", "Activity", "Employer", "Job title", "How you applied", "Contact name",
                              "Outcome", "Job link"))),
           "%d/%m/%Y", {"application": "Applied for job", "interview": "Attended interview",
                        "follow-up": "Followed up application"},
           {"online": "Online", "e-mail": "Email", "in person": "In person", "phone": "Phone",
            "referral": "Referral"},
           {"saved": "Not applied", "applied": "Waiting to hear", "screening": "Being considered",
            "interviewing": "Interview stage", "offer": "Job offered", "accepted": "Job accepted",
            "rejected": "Unsuccessful", "withdrawn": "Withdrew", "ghosted": "No response"},
           "A4", reference="National Insurance number", week="Week beginning"),
)}


def preset(key: str | None) -> Preset:
    found = PRESETS.get(key or "jobloop")
    if found is None:
        raise ServiceError(f"unknown column set {key!r}; expected one of {', '.join(PRESETS)}", code="invalid_preset")
    return found


@dataclass
class Activity:
    at: datetime  # naive UTC
    day: date  # the user's local day
    kind: str  # application | interview | follow-up
    posting_id: int
    employer: str
    position: str
    how: str | None
    contact: str
    stage: str
    url: str

    def values(self, p: Preset) -> dict[str, str]:
        return {"date": self.day.strftime(p.date_format), "activity": p.activity[self.kind],
                "employer": self.employer, "position": self.position,
                "how": p.how.get(self.how, self.how) if self.how else "", "contact": self.contact,
                "result": p.result.get(self.stage, self.stage), "url": self.url}


@dataclass
class Week:
    monday: date
    activities: list[Activity] = field(default_factory=list)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def count(self, kind: str) -> int:
        return sum(1 for a in self.activities if a.kind == kind)


@dataclass
class Log:
    start: date
    end: date
    weeks: list[Week]
    name: str
    reference: str

    @property
    def activities(self) -> list[Activity]:
        return [a for w in self.weeks for a in w.activities]


# ---- the period -----------------------------------------------------------------------------

def last_week(now: datetime) -> tuple[date, date]:
    """Last Monday–Sunday in the user's time zone: the week an office asks about."""
    today = local_today(now)
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=6)


def period(start: date | None, end: date | None, now: datetime) -> tuple[date, date]:
    """The log's first and last day (inclusive); last week when neither is given."""
    if start is None and end is None:
        return last_week(now)
    if start is None or end is None:
        raise ServiceError("give both the first and the last day, or neither for last week", code="invalid_range")
    check_date(start, "from")
    check_date(end, "to")
    if end < start:
        raise ServiceError("the period ends before it starts", code="invalid_range")
    if (end - start).days + 1 > MAX_DAYS:
        raise ServiceError(f"a log covers at most {MAX_DAYS} days; pick a shorter period", code="invalid_range")
    return start, end


def _utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    # Local midnights, so a Sunday-evening application in Sydney is Sunday's, not Saturday's (UTC).
    return (local_to_utc(datetime.combine(start, time.min)),
            local_to_utc(datetime.combine(end + timedelta(days=1), time.min)))


# ---- how an application was sent ----------------------------------------------------------------

def default_how(posting: Posting) -> str | None:
    """Read when the user did not say: a mailto: apply link is e-mail; a clipped page
    (the extension captured it from a job site) is online; a hand-added posting is unknown."""
    if (posting.apply_url or "").lower().startswith("mailto:"):
        return "e-mail"
    if posting.source_site and posting.source_site != "manual":
        return "online"
    return None


def how_applied(posting: Posting, event: Event | None) -> str | None:
    given = (event.details or {}).get("how") if event is not None else None
    return given if given in HOW else default_how(posting)


def set_how(posting: Posting, how: str, *, now: datetime) -> Event:
    """Say how the application was sent; kept on the applied event (the first one)."""
    from . import pipeline  # a sibling service, as postings.create_manual does

    if how not in HOW:
        raise ServiceError(f"how: one of {', '.join(HOW)}", code="invalid_how")
    with database.atomic():
        event = pipeline.applied_event(posting)
        if event is None:
            raise ServiceError("this posting has no application yet: set the day you applied first",
                               code="not_applied")
        event.details = {**(event.details or {}), "how": how}
        event.save(only=[Event.details])
    return event


# ---- the activities -----------------------------------------------------------------------------

def _first_contacts(posting_ids: set[int]) -> dict[int, str]:
    if not posting_ids:
        return {}
    rows = (PostingContact.select(PostingContact.posting, Contact.name).join(Contact)
            .where(PostingContact.posting.in_(sorted(posting_ids))).order_by(PostingContact.id).tuples())
    found: dict[int, str] = {}
    for posting_id, name in rows:
        found.setdefault(posting_id, name)
    return found


def _postings(ids: set[int]) -> dict[int, Posting]:
    if not ids:
        return {}
    query = (Posting.select(Posting.id, Posting.title, Posting.url, Posting.stage, Posting.apply_url,
                            Posting.source_site, Posting.company, Company)
             .join(Company, join_type=JOIN.LEFT_OUTER).where(Posting.id.in_(sorted(ids))))
    return {p.id: p for p in query}


def activities(start: date, end: date, now: datetime) -> list[Activity]:
    """Every counted activity from `start` to `end` (local days, inclusive), oldest first."""
    low, high = _utc_bounds(start, end)
    high = min(high, now + timedelta(seconds=1))  # an interview ahead has not happened yet
    applied = list(Event.select().where((Event.kind == "stage") & (Event.to_stage == "applied")
                                         & (Event.at >= low) & (Event.at < high)))
    interviews = list(Event.select().where((Event.kind == "interview") & (Event.at >= low) & (Event.at < high)))
    sent = list(FollowUp.select(FollowUp, Contact).join(Contact, join_type=JOIN.LEFT_OUTER)
                .where((FollowUp.status == "done") & FollowUp.posting.is_null(False)
                       & FollowUp.kind.not_in(sorted(NOT_SENT))
                       & (FollowUp.closed_at >= low) & (FollowUp.closed_at < high)))
    ids = {e.posting_id for e in applied + interviews} | {f.posting_id for f in sent}
    posts = _postings(ids)
    contacts = _first_contacts(ids)

    def row(at: datetime, kind: str, posting_id: int, how: str | None, contact: str | None) -> Activity:
        p = posts[posting_id]
        return Activity(at=at, day=utc_to_local(at).date(), kind=kind, posting_id=posting_id,
                        employer=p.company.name if p.company_id else "", position=p.title or "",
                        how=how, contact=contact or contacts.get(posting_id, ""), stage=p.stage, url="" if is_placeholder(p.url) else p.url)

    out = [row(e.at, "application", e.posting_id, how_applied(posts[e.posting_id], e), None) for e in applied]
    out += [row(e.at, "interview", e.posting_id, INTERVIEW_HOW.get((e.details or {}).get("kind")),
                (e.details or {}).get("with")) for e in interviews]
    out += [row(f.closed_at, "follow-up", f.posting_id, "e-mail", f.contact.name if f.contact_id else None)
            for f in sent]
    return sorted(out, key=lambda a: (a.at, a.kind, a.posting_id))


def build(start: date | None, end: date | None, now: datetime) -> Log:
    start, end = period(start, end, now)
    monday = start - timedelta(days=start.weekday())
    weeks: list[Week] = []
    while monday <= end:
        weeks.append(Week(monday))
        monday += timedelta(days=7)
    for activity in activities(start, end, now):
        weeks[(activity.day - weeks[0].monday).days // 7].activities.append(activity)
    who = person()
    return Log(start=start, end=end, weeks=weeks, name=who["name"], reference=who["reference"])


# ---- the user's name on the log ------------------------------------------------------------------

def person() -> dict[str, str]:
    stored = settings.get(PERSON_KEY, {})
    stored = stored if isinstance(stored, dict) else {}
    return {k: str(stored.get(k) or "")[:MAX_PERSON] for k in ("name", "reference")}


def save_person(name: str, reference: str = "") -> dict[str, str]:
    values = {"name": (name or "").strip(), "reference": (reference or "").strip()}
    for key, value in values.items():
        if len(value) > MAX_PERSON:
            raise ServiceError(f"{key}: at most {MAX_PERSON} characters", code="too_long")
    settings.put(PERSON_KEY, values)
    return values


# ---- CSV -------------------------------------------------------------------------------------------

def to_csv(log: Log, p: Preset) -> bytes:
    """One row per activity in the preset's columns, written like every CSV jobloop makes
    (UTF-8 with a BOM, formula-like cells escaped: sheet_export.to_csv)."""
    rows = [list(p.headers.values())]
    rows += [[a.values(p)[k] for k in p.headers] for a in log.activities]
    return csv_bytes(rows)
