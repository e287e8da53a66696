"""The limits every value entering jobloop is held to, wherever it enters (API, tracker
forms, import, CSV): one place, so the API, the forms and the store agree.

Dates outside EARLIEST..LATEST (clock.py's window) are refused rather than stored: a snooze until 9999-12-31
would later overflow any arithmetic on it (a reminder 15 minutes before, a UTC offset).
Integers stop at 2**53 - 1, the largest a browser's JSON keeps exact and far below
SQLite's 64-bit limit, so ids, offsets and limits can never overflow a query.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

from ..clock import EARLIEST, LATEST
from .errors import ServiceError

MAX_INT = 2**53 - 1
MAX_AMOUNT = 1e12          # a salary figure; larger is a typo or an attack
MAX_TEXT = 20_000          # a note, a message, a reflection answer
MAX_DESCRIPTION = 200_000  # a posting's description text
MAX_JSON_DEPTH = 32        # API bodies nest 3 deep; 32 leaves room and stops recursion bombs
MAX_SHEET_BYTES = 32 * 1024 * 1024  # an uploaded spreadsheet; 50,000 rows of a tracker export is ~10 MB
MAX_SHEET_ROWS = 100_000   # rows of one spreadsheet import, held in memory while it is read
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # a CV or cover letter sent with an application (PDF, DOCX, ODT, TXT)


def date_in_window(value: date | datetime) -> bool:
    """True when the value's calendar day (in UTC for an aware datetime) is in the window."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            if not EARLIEST.year <= value.year <= LATEST.year:  # converting could overflow
                return False
            value = value.astimezone(timezone.utc)
        value = value.date()
    return EARLIEST <= value <= LATEST


def check_date(value, field: str = "date"):
    """The value itself, or a ServiceError naming the field; None passes through."""
    if value is not None and not date_in_window(value):
        raise ServiceError(f"{field}: a date between {EARLIEST.year} and {LATEST.year}, please", code="invalid_date")
    return value


def check_int(value, field: str = "number", *, low: int = -MAX_INT, high: int = MAX_INT):
    if value is not None and not low <= value <= high:
        raise ServiceError(f"{field}: a whole number from {low} to {high}", code="invalid_number")
    return value


def json_depth_ok(value, limit: int = MAX_JSON_DEPTH) -> bool:
    """Nesting of a parsed JSON value within `limit`, checked without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return True


# One address, as a mailto: link and a vCard can carry it: no spaces, and none of the
# characters that would add headers or recipients to a mailto: URL (? & # % , ;).
_EMAIL = re.compile(r"[^\s@?&#%/\\<>\"'(),;:\[\]]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")


def email_ok(text: str) -> bool:
    return len(text) <= 254 and _EMAIL.fullmatch(text) is not None


def check_email(text: str | None, field: str = "email") -> str | None:
    """The address itself; None or "" pass through (no address); anything else names the field."""
    if text and not email_ok(text):
        raise ServiceError(f"{field}: one address like name@example.com, nothing after it", code="invalid_email")
    return text
def max_chars(field) -> int | None:
    """How long a model field's text may be (CharField max_length); None for unbounded text."""
    return getattr(field, "max_length", None)


def fit(value, field):
    """A parsed value cut to what its model field holds: the page said more than the store keeps."""
    limit = max_chars(field)
    if isinstance(value, str) and limit and len(value) > limit:
        return value[:limit].rstrip()
    return value


def check_fits(value, field, name: str):
    """A typed value, or a ServiceError naming the field when it is longer than the model allows."""
    limit = max_chars(field)
    if isinstance(value, str) and limit and len(value) > limit:
        raise ServiceError(f"{name}: at most {limit} characters, please", code="too_long")
    return value
