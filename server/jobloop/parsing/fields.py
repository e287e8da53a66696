"""Field normalizers: salary, employment type, dates."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from .draft import Salary

PERIODS = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}
EMPLOYMENT_TYPES = {
    "FULL_TIME": "FULL_TIME", "FULLTIME": "FULL_TIME", "FULL TIME": "FULL_TIME",
    "PART_TIME": "PART_TIME", "PARTTIME": "PART_TIME", "PART TIME": "PART_TIME",
    "CONTRACTOR": "CONTRACTOR", "CONTRACT": "CONTRACTOR", "TEMPORARY": "TEMPORARY",
    "INTERN": "INTERN", "INTERNSHIP": "INTERN", "VOLUNTEER": "VOLUNTEER",
    "PER_DIEM": "PER_DIEM", "OTHER": "OTHER",
}


def employment_type(value: str | None) -> str | None:
    if not value:
        return None
    key = value.strip().upper().replace("-", "_")
    return EMPLOYMENT_TYPES.get(key) or EMPLOYMENT_TYPES.get(key.replace("_", " "))


def iso_date(value: str | None) -> str | None:
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        cleaned = re.sub(r"[^\d.]", "", value.replace(",", ""))
        try:
            return float(cleaned) if cleaned else None
        except ValueError:
            return None
    return None


def salary_from_jsonld(base: Any) -> Salary | None:
    if not isinstance(base, dict):
        return None
    currency = base.get("currency")
    value = base.get("value")
    unit = None
    if isinstance(value, dict):
        lo, hi = _number(value.get("minValue")), _number(value.get("maxValue"))
        if lo is None and hi is None:
            lo = hi = _number(value.get("value"))
        unit = value.get("unitText")
    else:
        lo = hi = _number(value)
    unit = unit or base.get("unitText")
    if not currency or not isinstance(currency, str) or not (lo or hi):
        return None  # placeholders such as 0–0 or a missing currency say nothing
    return Salary(lo or None, hi or None, currency.upper()[:3], PERIODS.get(str(unit or "").upper()))


CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP"}
_RANGE = re.compile(
    r"(?P<cur>[$€£])\s?(?P<lo>\d[\d,.]*)\s?(?P<lok>[kK])?\s?(?:-|–|—|to)\s?[$€£]?\s?(?P<hi>\d[\d,.]*)\s?(?P<hik>[kK])?"
    r"(?:\s*(?:/|per|an?)\s*(?P<per>hour|hr|year|yr|annum|month|mo|week|day))?",
    re.I,
)


def salary_from_text(text: str) -> Salary | None:
    m = _RANGE.search(text or "")
    if not m:
        return None
    lo, hi = _number(m["lo"]), _number(m["hi"])
    if lo is None or hi is None:
        return None
    lo *= 1000 if m["lok"] else 1
    hi *= 1000 if (m["hik"] or m["lok"]) else 1
    per = (m["per"] or "").lower()
    period = {"hr": "hour", "yr": "year", "annum": "year", "mo": "month"}.get(per, per or None)
    if period is None:
        period = "year" if lo >= 1000 else "hour"
    return Salary(lo, hi, CURRENCY_SIGNS[m["cur"]], period)
