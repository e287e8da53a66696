"""Time in one place: the store keeps naive UTC, people type and read local time.

- `utcnow()` is "now" as the store keeps it; the app's clock (Config.clock) is
  injectable so rules like "a reflection is due the next morning" can be tested,
  and driven in browser tests, with a fixed time; views read it with
  `views.app_now()` (this module stays free of Flask).
- Every date or time typed into a form is parsed here (`parse_date`,
  `parse_local_datetime`, `local_day_time`, `day_to_utc`) and becomes naive UTC;
  pages turn it back with `utc_to_local` (web/filters.py).

The server runs on the user's own machine, so the machine's time zone is theirs.
"""
from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Dates outside this window are typing mistakes, and far-future ones overflow date arithmetic.
EARLIEST = date(1970, 1, 1)
LATEST = date(2200, 12, 31)
NOON = time(12)


class TimeInputError(ValueError):
    """A date or time from a form that cannot be read; the message says what is expected."""

    code = "invalid_date"

    def __init__(self, label: str, reason: str):
        self.reason = reason  # without the field's name, for forms that show it beside the field
        self.message = f"{label}: {reason}"
        super().__init__(self.message)


def utcnow() -> datetime:
    # Naive UTC everywhere in the store: SQLite has no time zones.
    return datetime.now(timezone.utc).replace(tzinfo=None)


def naive_utc(dt: datetime | None) -> datetime | None:
    """A time with an offset becomes naive UTC; a naive one is already read as UTC."""
    if dt is not None and dt.tzinfo is not None:
        try:
            dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:  # year 1 or 9999 with an offset: outside any sane window anyway
            dt = datetime.min if dt.year < 5000 else datetime.max
    return dt


def utc_to_local(dt: datetime) -> datetime:
    try:
        return dt.replace(tzinfo=timezone.utc).astimezone().replace(tzinfo=None)
    except (OverflowError, ValueError):  # within hours of year 1 or 9999: no room for the offset
        return dt


def local_to_utc(dt: datetime) -> datetime:
    # A naive datetime's astimezone() reads it as the machine's local time. (Form input is
    # held to 1970–2200 before it gets here, so there is room for any offset.)
    return dt.astimezone(timezone.utc).replace(tzinfo=None)


def local_zone() -> ZoneInfo | None:
    """The machine's time zone by its IANA name (for calendar feeds), or None when it has none."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            target = str(Path("/etc/localtime").resolve())
        except OSError:
            return None
        name = target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_today(now: datetime) -> date:
    """The user's calendar day at `now` (naive UTC): not now.date(), which is the UTC day."""
    return utc_to_local(now).date()


def _in_window(day: date, label: str) -> date:
    if not EARLIEST <= day <= LATEST:
        raise TimeInputError(label, f"{day.isoformat()} is too far in the past or future; "
                                    f"pick a date between {EARLIEST.year} and {LATEST.year}")
    return day


def parse_date(raw: str | None, label: str = "date") -> date | None:
    """A YYYY-MM-DD from a form (an <input type=date>); empty means not given."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise TimeInputError(label, f"{text!r} is not a date (YYYY-MM-DD)") from None
    return _in_window(day, label)


def parse_local_datetime(raw: str | None, label: str = "date and time") -> datetime | None:
    """An <input type=datetime-local> (the user's local time) as naive UTC; empty means not given."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise TimeInputError(label, f"{text!r} is not a date and time") from None
    if value.tzinfo is not None:
        return naive_utc(value)
    _in_window(value.date(), label)
    return local_to_utc(value)


def local_day_time(day_raw: str | None, time_raw: str | None, *, default_time: time | None = None,
                   label: str = "date") -> datetime:
    """A local date and time picked in two fields, as naive UTC; both needed unless a default time."""
    try:
        day = parse_date(day_raw, label)
    except TimeInputError as err:
        raise TimeInputError(label, f"{err.reason}: pick a date") from None
    if day is None:
        raise TimeInputError(label, "pick a date")
    text = (time_raw or "").strip()
    try:
        clock = time.fromisoformat(text) if text else default_time
    except ValueError:
        raise TimeInputError(label, f"{text!r} is not a time (HH:MM)") from None
    if clock is None:
        raise TimeInputError(label, "pick a time")
    return local_to_utc(datetime.combine(day, clock))


def day_to_utc(day: date, now: datetime) -> datetime:
    """A day the user picked for something that happened ("applied on", "in touch on"):
    their today means now; an earlier (or later) day means its local noon, so the day
    reads the same in every time zone and a week later is still the same weekday."""
    if day == local_today(now):
        return now
    return local_to_utc(datetime.combine(day, NOON))


def add_days(dt: datetime, days: float) -> datetime:
    """dt + days, held at the last representable moment instead of overflowing (far-future input)."""
    try:
        return dt + timedelta(days=days)
    except OverflowError:
        return datetime.max if days > 0 else datetime.min
