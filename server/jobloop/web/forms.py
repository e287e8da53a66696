"""Form text in, typed values out: what a hand edit or a hand-added posting means.

Each posted string becomes the value services/postings.update expects, or a
ServiceError that names the field and says what is wrong with it.
"""
from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import urlsplit

from .. import clock
from ..models import REMOTE_KINDS, SALARY_PERIODS
from ..services import ServiceError
from ..services.bounds import MAX_AMOUNT, MAX_DESCRIPTION, MAX_TEXT

LIST_FIELDS = {"locations", "skills"}
NUMBER_FIELDS = {"salary_min", "salary_max"}
DATE_FIELDS = {"date_posted", "valid_through"}
CHOICES = {"remote": REMOTE_KINDS, "salary_period": SALARY_PERIODS}
LIMITS = {"title": 512, "company": 255, "employment_type": 64, "notes": MAX_TEXT, "description_text": MAX_DESCRIPTION,
          "apply_url": 2048}
LABELS = {
    "title": "Title", "company": "Company", "locations": "Locations", "remote": "Remote",
    "employment_type": "Employment type", "salary_min": "Salary from", "salary_max": "Salary to",
    "salary_currency": "Currency", "salary_period": "Per", "date_posted": "Posted on",
    "valid_through": "Open until", "apply_url": "Apply link", "skills": "Skills", "notes": "Notes",
    "description_text": "Description",
}


class FieldError(ServiceError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{LABELS.get(field, field)}: {message}", code="invalid_field")
        self.field = field


def field_value(name: str, raw: str):
    """One form field's text as the typed value the posting stores (None for empty)."""
    text = (raw or "").strip()
    if name in LIMITS and len(text) > LIMITS[name]:
        raise FieldError(name, f"at most {LIMITS[name]} characters")
    if name in LIST_FIELDS:
        # A location holds commas of its own ("Sunnyvale, CA"): one per line, never split
        # on commas. Skills are short words: lines or commas.
        parts = text.splitlines() if name == "locations" else text.replace("\n", ",").split(",")
        return [item for item in (part.strip() for part in parts) if item]
    if name in ("notes", "description_text"):
        return text
    if not text:
        return None
    if name in NUMBER_FIELDS:
        try:
            value = float(text.replace(",", "").replace("_", ""))
        except ValueError:
            raise FieldError(name, f"{text!r} is not a number") from None
        if not 0 <= value <= MAX_AMOUNT:  # also refuses nan and inf
            raise FieldError(name, "cannot be negative" if value < 0 else f"at most {MAX_AMOUNT:,.0f}")
        return value
    if name in DATE_FIELDS:
        try:
            return clock.parse_date(text, LABELS[name])
        except clock.TimeInputError as err:
            raise FieldError(name, err.reason) from None
    if name in CHOICES:
        if text not in CHOICES[name]:
            raise FieldError(name, f"expected one of {', '.join(CHOICES[name])}")
        return text
    if name == "salary_currency":
        if len(text) != 3 or not text.isalpha():
            raise FieldError(name, "a three-letter code such as EUR or USD")
        return text.upper()
    if name == "apply_url":
        if urlsplit(text).scheme.lower() not in ("http", "https"):
            raise FieldError(name, "must start with http:// or https://")
    return text


def changes_from(form, editable) -> dict:
    return {name: field_value(name, form.get(name, "")) for name in editable if name in form}


# Dates and times are parsed in one place (jobloop/clock.py); these only turn its
# complaint into the ServiceError every form handler shows.

def _read(parse, *args, **kwargs):
    try:
        return parse(*args, **kwargs)  # the window and overflow-safe conversion are clock's
    except clock.TimeInputError as err:
        raise ServiceError(err.message, code=err.code) from None


def local_datetime(raw: str | None) -> datetime | None:
    """An <input type=datetime-local> (the user's local time) as naive UTC; empty means now."""
    return _read(clock.parse_local_datetime, raw, "date and time")


def local_date(raw: str | None, label: str) -> date | None:
    return _read(clock.parse_date, raw, label)


def local_day(raw: str | None, now: datetime, label: str = "date") -> datetime | None:
    """A day picked for something that happened (today means now, another day its local noon)."""
    day = local_date(raw, label)
    return None if day is None else clock.day_to_utc(day, now)


def local_day_time(day_raw: str | None, time_raw: str | None, *, default_time: time | None = None) -> datetime:
    return _read(clock.local_day_time, day_raw, time_raw, default_time=default_time)


def field_text(posting, name: str) -> str:
    """A posting's field as the text its form input shows (the inverse of field_value)."""
    if name == "company":
        return posting.company.name if posting.company_id else ""
    value = getattr(posting, name)
    if value is None:
        return ""
    if name in LIST_FIELDS:
        return ("\n" if name == "locations" else ", ").join(value)
    if name in NUMBER_FIELDS:
        return f"{value:.0f}" if float(value).is_integer() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
