"""Job data that single-page apps embed in the page (__NEXT_DATA__, __remixContext,
__appData, _initialData, Inertia data-page, data-props…): find the dict that is this job."""
from __future__ import annotations

import json
import re
from itertools import islice
from typing import Any

from . import fields, salary
from .draft import PostingDraft
from .structured import loads_lenient, walk
from .text import clean, fold

TITLE_KEYS = ("title", "jobTitle", "job_title", "postingTitle", "positionName", "position_title", "name", "text")
JOB_KEYS = {
    "location", "locations", "locationName", "location_name", "job_post_location", "full_location", "jobLocation",
    "formattedLocation", "description", "descriptionHtml", "descriptionPlain", "content", "salary", "salaryRange",
    "compensation", "pay_ranges", "compensationTierSummary", "employmentType", "employment_type", "jobType",
    "commitment", "workplaceType", "workplace_type", "remote", "isRemote", "remoteWorkModel", "datePosted",
    "published_at", "publishedAt", "postedAt", "posted_date", "first_published", "datePublished", "company_name",
    "companyName", "hiringOrganization", "department", "team", "requisitionId", "job_id", "jobId", "applyUrl",
    "apply_url", "categories", "jobDescription", "descriptionText",
}
COMPANY_KEYS = ("companyName", "company_name", "hiringOrganization", "organizationName", "employerName", "company", "employer")
LOCATION_KEYS = ("locationName", "location_name", "job_post_location", "full_location", "formattedLocation",
                 "locations", "location", "jobLocation", "city")
REMOTE_KEYS = ("workplaceType", "workplace_type", "remoteWorkModel", "workplace", "locationType", "remote_type", "isRemote", "remote")
TYPE_KEYS = ("employmentType", "employment_type", "jobType", "job_type", "commitment", "employment", "contractType", "type")
SALARY_KEYS = ("salaryRange", "salary", "compensationTierSummary", "compensation", "pay_ranges", "payRange", "baseSalary", "salary_range")
DATE_KEYS = ("datePosted", "postedDate", "published_at", "publishedAt", "postedAt", "posted_date", "postingDate", "first_published",
             "datePublished", "publishedDate", "created_at", "createdAt")
DESC_KEYS = ("descriptionHtml", "description_html", "jobDescription", "content", "description", "descriptionPlain")

# An assignment of app state ends in "= {", "= [" or "= JSON.parse(", a constructor call in
# "({": those short literals are found first, and only the few characters before each are
# checked for a variable name — a regex anchored on names would try every letter of megabytes
# of inline script.
_OPENING = re.compile(r"=\s*(?=[{\[]|JSON\.parse)|\(\s*(?=\{)")
# The two halves of _OPENING, searched one at a time: a pattern that begins with one literal
# character skips ahead at C speed, one that begins with either of two walks every character
# (3.5 ms instead of 0.15 ms over 400 KB of inline script). Their matches never overlap (a
# match is its first character and spaces), so together they are _OPENING's, in order.
_OPENING_PARTS = (re.compile(r"=\s*(?=[{\[]|JSON\.parse)"), re.compile(r"\(\s*(?=\{)"))
_NAME_BEFORE = re.compile(r"(?:(?:window|self|globalThis)\.[\w$]+|(?:var|let|const) (?:__[\w$]+|_initialData|appData|jobData|initialState))\s*$")
_CONSTRUCTOR_BEFORE = re.compile(r"\bnew\s+[\w$.]*(?:Job|Opportunity|Posting|Vacancy|Requisition)[\w$.]*$")  # new X.OpportunityDetail({...})
_SCRIPT_SCAN = 2_000_000
_DECODER = json.JSONDecoder(strict=False)


def assignments(raw: str):
    """Offsets where a value assigned to app state begins in one inline script."""
    raw = raw[:_SCRIPT_SCAN]
    openings = [m for rx in _OPENING_PARTS for m in rx.finditer(raw)]
    openings.sort(key=lambda m: m.start())
    for m in openings:
        i = m.start()
        before = raw[max(0, i - 120):i]
        if (_NAME_BEFORE if raw[i] == "=" else _CONSTRUCTOR_BEFORE).search(before):
            yield m.end()


def _value_at(raw: str, start: int) -> Any:
    """The one JSON value that starts at raw[start] (decoding stops where it ends); what JSON
    cannot read directly (JSON.parse('...'), trailing commas) goes through loads_lenient."""
    if raw.startswith("JSON.parse", start):
        s = re.match(r"JSON\.parse\(\s*(['\"])(.*?)(?<!\\)\1\s*\)", raw[start:start + _SCRIPT_SCAN], re.S)
        if not s:
            return None
        try:
            text = json.loads('"' + s[2].replace('"', '\\"') + '"') if s[1] == "'" else json.loads(s[1] + s[2] + s[1])
        except ValueError:
            return None
        return loads_lenient(text if text.lstrip()[:1] in "{[" else "")
    try:
        return _DECODER.raw_decode(raw, start)[0]
    except RecursionError:
        return None
    except ValueError:
        chunk = raw[start:start + _SCRIPT_SCAN]
        value = loads_lenient(chunk)
        if isinstance(value, list) and len(value) and chunk[:1] == "{":
            value = value[0]
        return value


def blobs(page) -> list[Any]:
    """Parsed JSON values from the page's data scripts and data attributes (bounded)."""
    out, budget = [], 25_000_000
    for raw in page.data_scripts:
        if len(raw) > budget:
            continue
        budget -= len(raw)
        value = loads_lenient(raw)
        if value is not None:
            out.append(value)
    for raw in page.inline_scripts:
        if len(raw) > budget or "=" not in raw:
            continue
        for start in assignments(raw):
            value = _value_at(raw, start)
            if value is not None:
                budget -= len(raw)
                out.append(value)
    for raw in page.data_attrs:
        value = loads_lenient(raw)
        if value is not None:
            out.append(value)
    return out


def camel(d: dict) -> dict:
    """{"Title": .., "PostedDate": ..} (.NET serializers) read like {"title": .., "postedDate": ..}."""
    if not any(k[:1].isupper() for k in islice(d, 8) if isinstance(k, str)):  # not list(d): dicts of thousands of keys
        return d
    return {(k[:1].lower() + k[1:] if isinstance(k, str) else k): v for k, v in d.items()}


def _title_of(d: dict) -> str | None:
    for key in TITLE_KEYS:
        v = d.get(key)
        if isinstance(v, str) and 2 < len(v) < 200:
            return clean(v)
    return None


_NON_WORD = re.compile(r"[^\w]+")


_JOB_KEYS_EITHER_CASE = frozenset(JOB_KEYS | {k[:1].upper() + k[1:] for k in JOB_KEYS})


def _job_keys(d: dict, keys) -> int:
    # A dict of thousands of keys (translations) is asked for the few job keys, not read whole.
    return len(keys.intersection(d)) if len(d) <= len(keys) else sum(k in d for k in keys)


def find_job(page, hints: list[str]) -> dict | None:
    """The embedded dict that best looks like this page's job (title agrees with the page)."""
    hint_norm = [_NON_WORD.sub(" ", fold(h)).strip() for h in hints if h]
    best, best_score = None, 0
    for blob in page.app_blobs:
        for d in walk(blob):
            # camel() only lowercases first letters (and may merge keys): a dict with fewer than
            # two job keys in either spelling has fewer than two after it, and is not copied.
            if _job_keys(d, _JOB_KEYS_EITHER_CASE) < 2:
                continue
            d = camel(d)
            keys = _job_keys(d, JOB_KEYS)
            if keys < 2:
                continue
            title = _title_of(d)
            if not title:
                continue
            t = _NON_WORD.sub(" ", fold(title)).strip()
            score = keys
            if any(t and h and (t == h) for h in hint_norm):
                score += 20
            elif any(t and h and (t in h or h in t) for h in hint_norm):
                score += 10
            elif hint_norm:
                continue  # another job on the page (a "similar jobs" card)
            if score > best_score:
                best, best_score = d, score
    return best


def _first(d: dict, keys) -> Any:
    for k in keys:
        v = d.get(k)
        if v not in (None, "", [], {}):
            return k, v
    return None, None


def locations(job: dict) -> list[str]:
    """The places an embedded job names (what fill() sets)."""
    _, loc = _first(job, LOCATION_KEYS)
    if isinstance(loc, dict):
        loc = loc.get("name") or loc.get("text") or loc.get("label") or ", ".join(
            str(v) for k, v in loc.items() if k in ("city", "region", "state", "country") and isinstance(v, str))
    if isinstance(loc, list):
        loc = [camel(item) if isinstance(item, dict) else item for item in loc]
    return fields.split_locations(loc) if isinstance(loc, (str, list)) else []


def fill(draft: PostingDraft, job: dict, src: str = "state") -> None:
    draft.set("title", _title_of(job), src)
    _, company = _first(job, COMPANY_KEYS)
    if isinstance(company, dict):
        company = company.get("name") or company.get("displayName")
    draft.set("company", clean(company) if isinstance(company, str) else None, src)
    draft.set("locations", locations(job), src)
    key, remote = _first(job, REMOTE_KEYS)
    if isinstance(remote, dict):
        remote = remote.get("type") or remote.get("name") or remote.get("label")
    if key in ("isRemote", "remote") and not isinstance(remote, bool):
        remote = None
    draft.set("remote", fields.remote_kind(remote) if not isinstance(remote, bool) else ("remote" if remote else None), src)
    _, et = _first(job, TYPE_KEYS)
    if et is None and job.get("fullTime") in (True, False):
        et = "full time" if job["fullTime"] else "part time"
    if isinstance(et, dict):
        et = et.get("name") or et.get("label") or et.get("id")
    et = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", et) if isinstance(et, str) else et  # FullTime -> Full Time
    draft.set("employment_type", fields.employment_type(et), src)
    _, pay = _first(job, SALARY_KEYS)
    draft.set("salary", _salary(pay), src)
    _, posted = _first(job, DATE_KEYS)
    draft.set("date_posted", fields.iso_date(posted, page_now(draft)), src)
    key, desc = _first(job, DESC_KEYS)
    if isinstance(desc, str) and len(desc) > 80 and not draft.description_html:
        draft.set_description(desc if "<" in desc else "<p>" + desc.replace("\n", "<br>") + "</p>", src)


def page_now(draft):
    return getattr(draft, "now", None)


def _salary(pay: Any):
    if isinstance(pay, list):
        for item in pay[:5]:
            found = _salary(item)
            if found:
                return found
        return None
    if isinstance(pay, dict):
        if "currency" in pay or "value" in pay:
            found = salary.from_structured(pay)
            if found:
                return found
        lo, hi = pay.get("min") or pay.get("minValue") or pay.get("min_cents"), pay.get("max") or pay.get("maxValue") or pay.get("max_cents")
        cur = salary.currency(pay.get("currency_type") or pay.get("currency") or pay.get("currencyCode"))
        if lo or hi:
            los, his = salary.number(lo), salary.number(hi)
            if "min_cents" in pay and los:
                los, his = los / 100, (his or 0) / 100 or None
            text_cur = salary.from_text(f"{lo} - {hi}", want_context=False) if isinstance(lo, str) else None
            return salary.make(los, his, cur or (text_cur.currency if text_cur else None),
                               salary.period(pay.get("unit") or pay.get("interval") or pay.get("period")))
        return None
    if isinstance(pay, str):
        return salary.from_text(clean(pay) or "", want_context=False)
    return None
