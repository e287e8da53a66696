"""Time in one place: the store keeps naive UTC, and views read the app's clock.

The clock is injectable (Config.clock, read by views through views.app_now) so
rules like "a reflection is due the next morning" can be tested, and driven in
browser tests, with a fixed time.
"""
from __future__ import annotations

from datetime import datetime, timezone


def naive_utc(dt: datetime | None) -> datetime | None:
    """A time with an offset becomes naive UTC; a naive one is already read as UTC."""
    if dt is not None and dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt


# The server runs on the user's own machine, so its time zone is theirs.

def utc_to_local(dt: datetime) -> datetime:
    return dt.replace(tzinfo=timezone.utc).astimezone().replace(tzinfo=None)


def local_to_utc(dt: datetime) -> datetime:
    # A naive datetime's astimezone() reads it as the machine's local time.
    return dt.astimezone(timezone.utc).replace(tzinfo=None)
