"""Salary: from structured data and from text, to min, max, ISO currency and period."""
from __future__ import annotations

import re
from typing import Any

from . import labels
from .draft import Salary
from .text import clean, fold, lower

PERIOD_WORDS = [
    ("hour", r"hour|hr|h|hourly|stunde|std|heure|hora|ora|годину|час"),
    ("day", r"day|daily|tag|jour|dia|día|giorno|день|diem"),
    ("week", r"week|weekly|wk|woche|semaine|semana|settimana|тиждень"),
    ("month", r"month|monthly|mo|mth|monat|monatlich|mois|mes|mese|mensile|mensual|місяць|месяц"),
    ("year", r"year|yearly|yr|annum|annual|annually|pa|p\.a\.|jahr|jährlich|an|année|annuel|año|anual|anno|annuo|ano|рік|год"),
]
_PERIOD_LOOKUP = [(name, re.compile(rf"^(?:{p})\.?$", re.I)) for name, p in PERIOD_WORDS]


_PER = re.compile(r"^(per|a|an|each|pro|par|al|all'|/)\s*")


def period(value) -> str | None:
    s = fold(clean(value) or "").strip(" ./")
    s = _PER.sub("", s)
    for name, pat in _PERIOD_LOOKUP:
        if pat.match(s) or s.startswith(name):
            return name
    return None


CODES = {"USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BGN",
         "UAH", "RUB", "INR", "JPY", "CNY", "HKD", "SGD", "BRL", "MXN", "ZAR", "ILS", "TRY", "AED", "SAR", "KRW",
         "PHP", "IDR", "MYR", "THB", "VND", "ARS", "CLP", "COP", "PEN", "NGN", "KES", "EGP", "PKR", "TWD"}
SIGNS = {"US$": "USD", "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD", "NZ$": "NZD", "HK$": "HKD", "S$": "SGD",
         "R$": "BRL", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₴": "UAH", "₽": "RUB", "zł": "PLN",
         "₩": "KRW", "₪": "ILS", "fr.": "CHF", "kr": "SEK", "грн": "UAH"}


def currency(value) -> str | None:
    s = (clean(value) or "").strip()
    if not s:
        return None
    if s.upper() in CODES:
        return s.upper()
    return SIGNS.get(s) or SIGNS.get(s.lower())


# number()'s shapes, compiled once: every amount read from text or data goes through it.
_AMOUNT = re.compile(r"^[^\d]*(\d[\d.,]*)\s*([kKmM])?")
_GROUPED = re.compile(r"\d{1,3}([.,]\d{3})+")
_DOTS_THEN_COMMA = re.compile(r"\d{1,3}(\.\d{3})+,\d{1,2}")
_COMMAS_THEN_DOT = re.compile(r"\d{1,3}(,\d{3})+\.\d{1,2}")


def number(value: Any) -> float | None:
    """'147,000' '45.000' '1.500,50' '120k' '27.85' 147000 -> float; None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    s = (clean(value) or "").replace("\u00a0", "").replace(" ", "").replace("'", "")
    m = _AMOUNT.match(s)
    if not m:
        return None
    digits, mult = m[1].rstrip(".,"), m[2]
    if _GROUPED.fullmatch(digits):
        digits = digits.replace(".", "").replace(",", "")  # grouping separators either way
    elif _DOTS_THEN_COMMA.fullmatch(digits):
        digits = digits.replace(".", "").replace(",", ".")
    elif _COMMAS_THEN_DOT.fullmatch(digits):
        digits = digits.replace(",", "")
    else:
        digits = digits.replace(",", ".")
        if digits.count(".") > 1:
            return None
    try:
        n = float(digits)
    except ValueError:
        return None
    if mult:
        n *= 1000 if mult in "kK" else 1_000_000
    return n


def make(lo, hi, cur, per) -> Salary | None:
    """Validated salary; placeholders (0–0, missing currency, absurd values) are no salary."""
    lo = lo if lo and lo > 0 else None
    hi = hi if hi and hi > 0 else None
    if lo is None and hi is None:
        return None
    if not cur:
        return None
    if lo and hi and hi < lo:
        lo, hi = hi, lo
    top = hi or lo
    per = per or guess_period(top)
    limits = {"hour": 2000, "day": 20000, "week": 50000, "month": 500000, "year": 20_000_000}
    if per in limits and top > limits[per] and cur not in ("JPY", "KRW", "IDR", "VND", "INR", "HUF", "CLP", "COP", "PHP", "PKR", "NGN", "RUB", "UAH"):
        return None
    return Salary(lo, hi, cur, per)


def guess_period(value: float | None) -> str | None:
    if not value:
        return None
    if value < 300:
        return "hour"
    if 1500 <= value < 15000:
        return "month"
    if value >= 15000:
        return "year"
    return None


def from_structured(base: Any) -> Salary | None:
    """schema.org MonetaryAmount (baseSalary / estimatedSalary), possibly a list."""
    if isinstance(base, list):
        for item in base:
            found = from_structured(item)
            if found:
                return found
        return None
    if not isinstance(base, dict):
        return from_text(clean(base) or "") if isinstance(base, str) else None
    cur = currency(base.get("currency") or base.get("salaryCurrency"))
    value = base.get("value")
    unit = base.get("unitText")
    if isinstance(value, dict):
        lo, hi = number(value.get("minValue")), number(value.get("maxValue"))
        if lo is None and hi is None:
            lo = hi = number(value.get("value"))
        unit = value.get("unitText") or unit
        cur = cur or currency(value.get("currency"))
    else:
        lo, hi = number(base.get("minValue")), number(base.get("maxValue"))
        if lo is None and hi is None:
            lo = hi = number(value)
    return make(lo, hi, cur, period(unit))


# --- text --------------------------------------------------------------------------

_CUR_PRE = r"(?P<cur>US\$|CA\$|AU\$|NZ\$|HK\$|[CAS]\$|R\$|[$€£¥₹₴₽₩₪]|(?:USD|EUR|GBP|CAD|AUD|CHF|SEK|NOK|DKK|PLN|INR|UAH|NZD|SGD|JPY|CZK|RON|HUF|BRL|MXN|ZAR|ILS|AED)\b)"
_NUM = r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_MULT = r"\s?(?:[kK]|[mM](?![a-z])|mil\b|tsd\.?|tausend)"
_CUR_POST = r"(?P<cur2>[$€£₴₽]|zł|грн|kr\b|(?:USD|EUR|GBP|CAD|AUD|CHF|SEK|NOK|DKK|PLN|INR|UAH|NZD|SGD|JPY|CZK|RON|HUF|BRL|MXN|ZAR|ILS|AED)\b)"
_SEP = r"\s*(?:-|–|—|~|to|bis|à|a|au|and|and up to|до|–|až)\s*"
# Every match has a digit within its first five characters (a currency sign or code is at
# most three, then one space): the lookahead rejects every other position at once instead of
# trying the thirty currency alternatives (under IGNORECASE) there first. It only prunes.
_TEXT_RE = re.compile(
    rf"(?=[\s\S]{{0,4}}\d)(?:{_CUR_PRE}\s?)?(?P<lo>{_NUM})(?P<lok>{_MULT})?\s?(?:{_CUR_POST})?(?:/(?:yr|year|hr|hour|mo|month))?"
    rf"(?:{_SEP}(?:{_CUR_PRE.replace('cur', 'curb')}\s?)?(?P<hi>{_NUM})(?P<hik>{_MULT})?\s?(?:{_CUR_POST.replace('cur2', 'cur3')})?)?"
    rf"(?P<tail>[^\d\n]{{0,40}})",
    re.I,
)
_CONTEXT = re.compile(
    r"salar|pay\b|pay range|compensation|wage|rate|base|ote\b|earn|gehalt|vergütung|verguetung|entgelt|salaire|rémunération|remuneration|"
    r"retribuzione|stipendio|ral\b|sueldo|salario|remuneración|зарплат|заробітн|оплата|range|brutto|gross|annual|hourly|per hour|budget",
    re.I,
)
_NOT_SALARY = re.compile(r"^\s*(?:[kKmM]?\s*)?(million|billion|bn\b|mn\b|mrd|milliard|\+?\s*(users|customers|employees|people|companies|funding|raised|revenue|in funding|arr\b))", re.I)


# Every amount worth reading carries a currency, so the full pattern only runs in
# windows around currency markers: a long description is mostly not money.
_MARKER = re.compile(
    r"[$€£¥₹₴₽₩₪]|zł|грн|\bkr\b|\b(?:USD|EUR|GBP|CAD|AUD|CHF|SEK|NOK|DKK|PLN|INR|UAH|NZD|SGD|JPY|CZK|RON|HUF|BRL|MXN|ZAR|ILS|AED)\b",
    re.I,
)
_BEFORE, _AFTER = 60, 140


_SIGNS = "$€£¥₹₴₽₩₪"
_CODES = ("usd", "eur", "gbp", "cad", "aud", "chf", "sek", "nok", "dkk", "pln", "inr", "uah", "nzd", "sgd", "jpy", "czk",
          "ron", "huf", "brl", "mxn", "zar", "ils", "aed", "kr")


def _markers(text: str) -> list[tuple[int, int]]:
    """Where _MARKER matches, found without running it: the signs are one character class, the
    codes plain substring searches in the lowercased text checked for word boundaries (an
    alternation of words under IGNORECASE tries every position of the text)."""
    low = lower(text)
    if len(low) != len(text):
        return [m.span() for m in _MARKER.finditer(text)]
    spans = []
    for sign in _SIGNS:  # one substring search per sign: a character class is tried at every position
        i = text.find(sign)
        while i >= 0:
            spans.append((i, i + 1))
            i = text.find(sign, i + 1)
    for lit in ("zł", "грн"):
        i = low.find(lit)
        while i >= 0:
            spans.append((i, i + len(lit)))
            i = low.find(lit, i + 1)
    n = len(low)
    for code in _CODES:
        i = low.find(code)
        while i >= 0:
            end = i + len(code)
            if (i == 0 or not (low[i - 1].isalnum() or low[i - 1] == "_")) and (end == n or not (low[end].isalnum() or low[end] == "_")):
                spans.append((i, end))
            i = low.find(code, i + 1)
    spans.sort()
    return spans


def _windows(text: str):
    """(start, end) spans around currency markers, merged, starting on a word boundary."""
    start = end = -1
    for m_start, m_end in _markers(text):
        s, e = max(0, m_start - _BEFORE), min(len(text), m_end + _AFTER)
        while s > 0 and not text[s - 1].isspace() and m_start - s < _BEFORE + 20:
            s -= 1  # never begin inside a number
        if start >= 0 and s <= end:
            end = max(end, e)
            continue
        if start >= 0:
            yield start, end
        start, end = s, e
    if start >= 0:
        yield start, end


def _matches(text: str):
    for start, end in _windows(text):
        yield from _TEXT_RE.finditer(text, start, end)


# Amounts written the East Asian way: 時給1,350円, 日額5,000円, 월 정액 30만원, 月薪1.5-2万元.
_EA_PERIOD = [(name, re.compile(rx)) for name, rx in (
    ("hour", "時給|时薪|시급"), ("day", "日給|日額|日薪|일급|일당"), ("week", "週給|周薪|주급"),
    ("month", "月給|月収|月薪|月额|월급|월\\s|월$|月"), ("year", "年収|年俸|年薪|연봉|年"))]
_EA_AMOUNT = re.compile(
    r"(?P<lo>\d[\d,]*(?:\.\d+)?)\s*(?P<lom>万|만|千|천)?\s*(?:(?P<cur1>円|원|元|人民币)\s*)?"
    r"(?:[-~〜～–至到]\s*(?P<hi>\d[\d,]*(?:\.\d+)?)\s*(?P<him>万|만|千|천)?\s*)?(?P<cur>円|원|元|人民币)?")
_EA_UNITS = {"万": 10_000, "만": 10_000, "千": 1_000, "천": 1_000}
_EA_CURRENCY = {"円": "JPY", "원": "KRW", "元": "CNY", "人民币": "CNY"}
_EA_MARK = re.compile(r"時給|日給|日額|月給|月収|年収|年俸|时薪|日薪|月薪|年薪|시급|일급|월급|연봉|급여|給与|报酬|報酬|薪资|工资")


def east_asian(text: str) -> Salary | None:
    """A labelled amount in yen, won or yuan, with its period word before it."""
    for mark in _EA_MARK.finditer(text[:100_000]):
        window = text[mark.start(): mark.end() + 40]
        for m in _EA_AMOUNT.finditer(window):
            cur = _EA_CURRENCY.get(m["cur"] or m["cur1"] or "")
            if not cur:
                continue
            lo = number(m["lo"]) * _EA_UNITS.get(m["lom"] or m["him"] or "", 1)
            hi = number(m["hi"]) * _EA_UNITS.get(m["him"] or m["lom"] or "", 1) if m["hi"] else lo
            head = window[: m.start()] or mark.group(0)
            per = next((name for name, rx in _EA_PERIOD if rx.search(head)), None)
            found = make(lo, hi, cur, per)
            if found:
                return found
    return None


_A_DIGIT = re.compile(r"\d")


def from_text(text: str, want_context: bool = True) -> Salary | None:
    """The first salary-looking amount in text that has a currency and a salary context."""
    if not text or not _A_DIGIT.search(text):  # every amount either way below has a digit
        return None
    if _EA_MARK.search(text[:100_000]):
        found = east_asian(text)
        if found:
            return found
    for m in _matches(text[:200_000]):
        cur = currency(m["cur"] or m["curb"] or m["cur2"] or m["cur3"])
        if not cur:
            continue
        tail = m["tail"] or ""
        if _NOT_SALARY.match(tail):
            continue
        lo = number(m["lo"] + (m["lok"] or ""))
        hi = number(m["hi"] + (m["hik"] or m["lok"] or "")) if m["hi"] else None
        if hi and m["lok"] and not m["hik"] and lo and hi / lo > 100:
            hi = number(m["hi"])  # "$120k - 150,000"
        before = text[max(0, m.start() - 90):m.start()]
        lead = tail.strip()
        if (not lead.startswith(("+", "plus", "&")) and _allowance(" ".join(lead.split()[:3]))) or _allowance(before[-20:]):
            continue  # "£5,400 car allowance", "bonus of $10k": money, not the salary
        per = _period_in(m.group(0)[len(m["lo"]):] if m["lo"] else "") or _period_in(tail[:25])
        if want_context and not (_CONTEXT.search(before) or _CONTEXT.search(tail[:30]) or per):
            continue
        if lo is not None and lo < 1 or (lo and lo < 7 and not hi):
            continue
        if m["hi"] and hi and lo and hi > lo * 20:
            continue  # "$5 to $200,000" is not one range
        if not m["hi"] and _up_to(before[-16:]):
            lo, hi = None, lo  # "up to £65,000" is a ceiling, not a salary of exactly that
        found = make(lo, hi or lo, cur, per)
        if found:
            sign = (m["cur"] or m["curb"] or m["cur2"] or m["cur3"] or "")
            found.bare_dollar = sign == "$"  # not a field: the caller may know the country better
            return found
    return None


def _up_to(s: str) -> bool:
    f = labels.lfold(s).rstrip(" :")
    return any(f.endswith(w) for w in labels.found_in(f, "salary", "up_to"))


def _allowance(s: str) -> bool:
    return bool(s) and bool(labels.found_in(labels.lfold(s), "salary", "allowance"))


_PER_UNIT = re.compile(
    r"(?:/|\bper\b|\ban?\b|\beach\b|\bpro\b|\bpar\b|\bal\b|\bna\b|\bза\b|brutto/|\bin\b|\bby\b|\bpor\b|^)\s*"
    r"(hourly|hour|hr|h|yearly|year|yr|annum|annually|annual|month|monthly|mo|mth|week|weekly|day|daily|jahr|monat|stunde|std|mois|heure|année|an|mes|año|mese|anno|ora|рік|місяць|годину|semana|semaine|woche|settimana|dia|día|p\.?a\.?)\b",
    re.I)
_PERIOD_WORD = re.compile(r"\b(annual(?:ly)?|yearly|per annum|monthly|hourly|weekly|daily|jährlich|monatlich|annuel|mensuel|annuo|mensile)\b", re.I)


def _period_in(s: str) -> str | None:
    m = _PER_UNIT.search(s)
    if m:
        return period(m[1])
    m = _PERIOD_WORD.search(s)
    return period(m[1]) if m else None
