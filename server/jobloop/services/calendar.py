"""The .ics feed: open follow-ups, interviews and goal deadlines, for any calendar app.

Follow-ups and goal deadlines are all-day events on their (local) due date: they
are tasks for a day, not appointments at the minute a button was clicked.
Interviews keep their time, in the machine's time zone (with its VTIMEZONE), so
a calendar shows them as entered. Every event's UID is made from its row
("followup-12@jobloop"), so a calendar app updates an event instead of adding a
second one when a date moves.

The feed is a window, not the whole history: what falls from WINDOW_BEFORE ago to
WINDOW_AHEAD from now, soonest first, at most MAX_FOLLOWUPS follow-ups and
MAX_INTERVIEWS interviews (calendar apps poll the feed every few hours; a store with
years of applications must not make each poll read them all). Open goals with a
deadline are few and all in. Postings, companies and contacts come in the same query
as the rows that name them, so the feed costs what it holds.

Calendar apps cannot send an Authorization header, so the feed lives at a secret
URL (/calendar/<secret>.ics). The secret is 32 random bytes kept in the Setting
table, compared in constant time, and regenerable (which breaks old subscriptions).
"""
from __future__ import annotations

import hmac
import secrets
from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar, Event as VEvent
from peewee import JOIN

from ..clock import add_days, local_zone, utc_to_local
from ..models import Company, Contact, Event, FollowUp, Goal, Posting
from . import followups, messages, settings

SECRET_KEY = "calendar.secret"
WINDOW_BEFORE = timedelta(days=30)
WINDOW_AHEAD = timedelta(days=180)
# Each event costs icalendar about a millisecond to build and fold: the caps bound the feed's time.
MAX_FOLLOWUPS = 200
MAX_INTERVIEWS = 100
MAX_GOALS = 200
# What a feed line names of a posting: never its description.
_POSTING = (Posting.id, Posting.title, Posting.company, Company.id, Company.name)


def ensure_secret() -> None:
    """Made once, when the app starts (never by a page view): the insert is a no-op
    when the secret is there, so two starting processes cannot make two."""
    settings.put_new(SECRET_KEY, secrets.token_urlsafe(32))


def secret() -> str:
    value = settings.get(SECRET_KEY)
    if not value:  # only a store changed behind the app's back lacks it
        ensure_secret()
        value = settings.get(SECRET_KEY)
    return value


def regenerate() -> str:
    value = secrets.token_urlsafe(32)
    settings.put(SECRET_KEY, value)
    return value


def secret_matches(given: str) -> bool:
    expected = settings.get(SECRET_KEY) or ""
    return bool(expected) and hmac.compare_digest((given or "").encode(), expected.encode())


def _where(posting) -> str:
    if posting is None:
        return ""
    title = posting.title or "a posting"
    return f"{title} at {posting.company.name}" if posting.company_id else title


def _all_day(ev: VEvent, day: date) -> None:
    ev.add("dtstart", day)
    if day < date.max:  # without DTEND an all-day event lasts its one day (RFC 5545 3.6.1)
        ev.add("dtend", day + timedelta(days=1))


def _zoned(dt: datetime, zone) -> datetime:
    aware = dt.replace(tzinfo=timezone.utc)
    if zone is None:
        return aware
    try:
        return aware.astimezone(zone)
    except (OverflowError, ValueError):
        return aware


def _edits(event) -> int:
    return len((event.details or {}).get("edits", []))


def window_followups(now: datetime):
    """Open follow-ups whose day (due, or the end of a snooze) falls in the window, soonest first."""
    since, until = now - WINDOW_BEFORE, now + WINDOW_AHEAD
    starts_in = (((FollowUp.due_at >= since) | (FollowUp.snoozed_until >= since)) & (FollowUp.due_at <= until)
                 & (FollowUp.snoozed_until.is_null() | (FollowUp.snoozed_until <= until)))
    contact_company = Company.alias()  # a contact's keep-in-touch names the contact's company
    query = (FollowUp.select(FollowUp, *_POSTING, Contact, contact_company)
             .join(Posting, JOIN.LEFT_OUTER).join(Company, JOIN.LEFT_OUTER).switch(FollowUp)
             .join(Contact, JOIN.LEFT_OUTER, on=(FollowUp.contact == Contact.id))
             .join(contact_company, JOIN.LEFT_OUTER, on=(Contact.company == contact_company.id))
             .where((FollowUp.status == "open") & starts_in).order_by(FollowUp.due_at, FollowUp.id))
    return query.limit(MAX_FOLLOWUPS)


def window_interviews(now: datetime):
    query = (Event.select(Event, *_POSTING).join(Posting).join(Company, JOIN.LEFT_OUTER)
             .where((Event.kind == "interview") & (Event.at >= now - WINDOW_BEFORE) & (Event.at <= now + WINDOW_AHEAD))
             .order_by(Event.at, Event.id))
    return query.limit(MAX_INTERVIEWS)


def feed(now: datetime, *, tracker_url: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//jobloop//follow-ups//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "jobloop")
    stamp = now.replace(tzinfo=timezone.utc)
    zone = local_zone()

    rows = list(window_followups(now))
    renderer = messages.Renderer([fu.posting for fu in rows if fu.posting_id])
    for fu in rows:
        posting = fu.posting if fu.posting_id else None
        start = max(fu.due_at, fu.snoozed_until or fu.due_at)
        ev = VEvent()
        ev.add("uid", f"followup-{fu.id}@jobloop")
        ev.add("dtstamp", stamp)
        _all_day(ev, utc_to_local(start).date())
        ev.add("transp", "TRANSPARENT")  # a task for the day, not time taken
        about = _where(posting) or (fu.contact.name if fu.contact_id else "")
        ev.add("summary", f"{followups.label(fu)}: {about}" if about else followups.label(fu))
        # The subject, not the whole message: it says what to send, and line folding of long
        # texts is most of the feed's cost. The message itself is one click away in the tracker.
        message = followups.message_for(fu, renderer)
        if message:
            ev.add("description", f"Message: {message['subject']}")
        if posting is not None and tracker_url:
            ev.add("url", f"{tracker_url}/postings/{posting.id}")
        cal.add_component(ev)

    for interview in window_interviews(now):
        details = interview.details or {}
        minutes = int(details.get("duration_minutes") or 60)
        ev = VEvent()
        ev.add("uid", f"interview-{interview.id}@jobloop")
        ev.add("dtstamp", stamp)
        ev.add("sequence", _edits(interview))  # a corrected time is an update, not a new event
        ev.add("dtstart", _zoned(interview.at, zone))
        ev.add("dtend", _zoned(add_days(interview.at, minutes / (24 * 60)), zone))
        who = f" with {details['with']}" if details.get("with") else ""
        ev.add("summary", f"Interview{who}: {_where(interview.posting)}")
        if interview.note:
            ev.add("description", interview.note)
        if tracker_url:
            ev.add("url", f"{tracker_url}/postings/{interview.posting_id}")
        cal.add_component(ev)

    goals = Goal.select().where(Goal.deadline.is_null(False) & Goal.done_at.is_null()).order_by(Goal.deadline, Goal.id)
    for goal in goals.limit(MAX_GOALS):
        ev = VEvent()
        ev.add("uid", f"goal-{goal.id}@jobloop")
        ev.add("dtstamp", stamp)
        _all_day(ev, goal.deadline)
        ev.add("transp", "TRANSPARENT")
        ev.add("summary", f"Goal deadline: {goal.title}")
        cal.add_component(ev)
    if zone is not None:
        cal.add_missing_timezones()
    return cal.to_ical()
