"""The parse pipeline: read the page once, then take evidence in order — site adapter,
JSON-LD, microdata, embedded app state, OpenGraph/meta, heuristics — and reconcile."""
from __future__ import annotations

import re
from datetime import datetime

from . import appstate, classify, company, fields, heuristics, salary, skills, structured, title
from .description import tree_html
from .document import Page, _inside
from .draft import PostingDraft
from .sites import site_for
from .text import clean, fold
from .urls import canonical_url

SIMILAR = re.compile(
    r"^(similar|related|other|more|recommended|suggested) (jobs|positions|roles|openings)|^other jobs at\b|people also (viewed|applied)|"
    r"jobs you may (like|be interested)|^(ähnliche|weitere) (jobs|stellen)|offres similaires|empleos similares|lavori simili|"
    r"^more jobs (at|from|like)|схожі вакансії|похожие вакансии",
    re.I)
COUNTRY_CODES = {
    "IN": "India", "US": "United States", "USA": "United States", "GB": "United Kingdom", "UK": "United Kingdom",
    "DE": "Germany", "FR": "France", "ES": "Spain", "IT": "Italy", "NL": "Netherlands", "CA": "Canada",
    "AU": "Australia", "BR": "Brazil", "MX": "Mexico", "PL": "Poland", "UA": "Ukraine", "IE": "Ireland", "PT": "Portugal",
    "SE": "Sweden", "CH": "Switzerland", "AT": "Austria", "BE": "Belgium", "SG": "Singapore", "JP": "Japan",
}
NON_US = re.compile(r"\b(canada|india|united kingdom|uk|germany|france|spain|italy|netherlands|australia|brazil|mexico|poland|"
                    r"ireland|portugal|sweden|switzerland|austria|belgium|singapore|japan|ukraine|israel|argentina|"
                    r"deutschland|quebec|ontario|british columbia|montreal|toronto|vancouver|london|berlin|paris)\b", re.I)
US_CONTEXT = re.compile(r"\b(u\.s\.|us-based|u\.s\.-based|united states|usa|within the us|in the us|us only)\b", re.I)


def parse(html, url: str, now: datetime | None = None) -> PostingDraft:
    """Never raises: a page we cannot read is reported as not a posting, with the reason."""
    try:
        return parse_strict(html, url or "", now)
    except Exception as exc:  # noqa: BLE001 — robustness is the contract here
        return unreadable(url, type(exc).__name__)


def unreadable(url: str, why: str) -> PostingDraft:
    """The draft of a page the parser could not read: not a posting, and why."""
    try:
        canon = canonical_url(url or "")
    except Exception:  # noqa: BLE001
        canon = url or ""
    return PostingDraft(url=url or "", canonical_url=canon, is_posting=False, reason=f"could not read this page ({why})")


def parse_strict(html, url: str, now: datetime | None = None) -> PostingDraft:
    """parse() without the safety net: an internal error raises (robustness tests call this)."""
    page = Page(html, url, now)
    draft = PostingDraft(url=url, canonical_url=canonical_url(url))
    draft.now = now
    site = site_for(page)
    draft.source = site.NAME
    site_kind, site_reason = site.kind(page)
    if site_kind is not False:
        site.extract(page, draft)

    jobs = structured.job_postings(page.jsonld_nodes)
    job = _pick(jobs, draft.title)
    if job:
        structured.fill_from_jobposting(draft, job)
    if page.microdata_scopes:
        structured.fill_from_jobposting(draft, structured.microdata_job(page.microdata_scopes[0]), "microdata")

    h1 = heuristics.main_title(page)
    hints = [h for h in (draft.title, h1, page.meta_get("og:title", "twitter:title"), page.title_tag) if h]
    # Embedded app state is the costliest evidence to read: skip it when the page already said everything.
    complete = all(getattr(draft, f) for f in ("title", "company", "locations", "employment_type", "date_posted")) \
        and draft.remote and draft.salary and not all(len(l) <= 3 for l in draft.locations)
    state_job = appstate.find_job(page, hints) if site_kind is not False and not complete else None
    state_locs = []
    if state_job:
        state_locs = appstate.locations(state_job)  # what the page state says, whatever the draft already has
        appstate.fill(draft, state_job)

    draft.set("title", h1, "h1")
    draft.set("title", _strip_title(page.meta_get("og:title", "twitter:title"), draft), "og")
    draft.set("title", _strip_title(page.title_tag, draft), "title")
    site_name = page.meta_get("og:site_name", "application-name")
    if site_name and (_CAREERS_WORD.search(site_name) or (draft.title and fold(draft.title) in fold(site_name))):
        site_name = None

    strings = page.strings
    cut = next((i for i, s in enumerate(strings) if len(s) < 80 and SIMILAR.search(s)), len(strings))
    facts = heuristics.labelled_values(strings, range(0, min(cut, 4000)))
    copyright_holder = company.copyright_name(strings)
    title.choose(page, draft, facts, [page.meta_get("og:site_name"), copyright_holder, draft.company])
    zone = heuristics.header_zone(page, draft.title)
    zone = range(zone.start, min(zone.stop, cut))
    heuristics.fill_from_header(draft, page, zone)
    heuristics.fill_from_labels(draft, facts)

    is_posting, reason = classify.decide(page, draft, site_kind, site_reason, jobs, bool(state_job), facts)
    draft.is_posting, draft.reason = is_posting, reason
    if not is_posting:
        # A page that is not one posting carries no posting fields: the employer, the
        # reconciled fields and the skills below would all be blanked, so they are not read.
        _blank(draft)
        if reason == classify.VERIFICATION:
            draft.title = None  # the challenge's heading, not the job's
        return draft

    # The classifier never reads the company; it is weighed before the description is read
    # from the page (with none found, the page text is searched for an institution).
    company.choose(page, draft, facts, heuristics.company_from_titles(page, draft.title), site_name, heuristics.logo_company(page),
                   copyright_holder)
    if not draft.description_html:
        root = (page.by_tag.get("main") or page.by_tag.get("article") or [page.body])[0]
        if root is not None:
            forms = [f for f in page.by_tag.get("form", []) if _inside(f, root)][:20]  # an application form is not the description
            html_text = tree_html([root], skip=forms)
            if not draft.set_description(html_text, "text") or len(draft.description_text) < 300:
                meta = page.meta_get("og:description", "description")
                if meta and len(meta) > len(draft.description_text or ""):
                    draft.description_html = draft.description_text = ""
                    draft.set_description("<p>" + meta + "</p>", "meta")
            if cut < len(strings) and draft.description_text:
                marker = draft.description_text.find(strings[cut])
                if marker > 0:
                    draft.description_text = draft.description_text[:marker].rstrip()
    _reconcile(draft, page, zone, state_locs, job)
    if draft.description_text:
        found = skills.extract(draft.description_text, draft.company)
        draft.skills, draft.required_skills, draft.nice_to_have_skills = found.all, found.required, found.nice
    return draft


def _pick(jobs: list[dict], title: str | None) -> dict | None:
    if not jobs:
        return None
    if title:
        for job in jobs:
            if fold(clean(job.get("title")) or "") == fold(title):
                return job
    return jobs[0]


_CAREERS_WORD = re.compile(r"\b(careers?|jobs?)\b", re.I)
_APPLY_PREFIX = re.compile(r"^(job application for|apply for|bewerbung als)\s+", re.I)
_TITLE_TAIL = re.compile(r"\s+[|–—]\s+|\s+-\s+(?=[^-]*$)")
_AT_COMPANY = re.compile(r"\s+(at|@)\s+[^,]+$")


def _strip_title(raw: str | None, draft: PostingDraft) -> str | None:
    """'Job Application for X at Y' / 'X - Y | Board' -> X."""
    t = clean(raw)
    if not t:
        return None
    t = _APPLY_PREFIX.sub("", t)
    t = _TITLE_TAIL.split(t)[0]
    t = _AT_COMPANY.sub("", t)
    return t.strip() or None


DOLLAR_TLDS = {"au": "AUD", "ca": "CAD", "nz": "NZD", "sg": "SGD", "hk": "HKD", "mx": "MXN"}
DOLLAR_PLACES = [(code, re.compile(rx, re.I)) for code, rx in (
    ("AUD", r"\b(australia|nsw|vic|qld|sydney|melbourne|brisbane|perth|adelaide)\b"),
    ("CAD", r"\b(canada|ontario|quebec|british columbia|alberta|toronto|vancouver|montreal|calgary|ottawa)\b"),
    ("NZD", r"\b(new zealand|auckland|wellington)\b"), ("SGD", r"\bsingapore\b"))]


def _dollar_currency(page, draft: PostingDraft) -> str | None:
    """A bare '$' on an Australian or Canadian page is not US dollars."""
    parts = page.host.split(".")
    for part in (parts[-1], parts[0]):
        if part in DOLLAR_TLDS:
            return DOLLAR_TLDS[part]
    locs = " ".join(draft.locations)
    for code, rx in DOLLAR_PLACES:
        if rx.search(locs):
            return code
    return None


_DATE_LIKE = re.compile(r"\d|today|yesterday|heute|gestern", re.I)
_YEAR = re.compile(r"\d{4}")


def _reconcile(draft: PostingDraft, page, zone: range, state_locs: list[str], job: dict | None) -> None:
    # Country-only structured locations ("US") lose to a fuller label the page shows.
    if draft.sources.get("locations") in ("jsonld", "microdata") and state_locs and all(len(l) <= 3 for l in draft.locations):
        draft.replace("locations", state_locs, "state")
    draft.locations = [COUNTRY_CODES.get(l, l) if len(l) <= 3 else l for l in draft.locations]

    text = draft.description_text or ""
    if not draft.locations and draft.is_posting:
        draft.set("locations", fields.location_from_text(text[:30_000]), "text")
    if draft.remote is None:
        if any(fields.remote_kind(l) == "remote" for l in draft.locations):
            draft.set("remote", "remote", "location")
        else:
            said = fields.remote_from_text(text[:60_000])
            draft.set("remote", said or fields.remote_words_in(text[:60_000] or page.text[:20_000]), "text")
        if draft.remote is None and draft.is_posting and draft.locations and not fields.mentions_remote(text[:60_000]):
            # A posting that names its workplace and never speaks of remote or hybrid work is on-site.
            draft.set("remote", "onsite", "inferred")
    elif draft.remote != "hybrid" and not draft.sources.get("remote", "").startswith("site:") \
            and fields.remote_from_text(text[:60_000]) == "hybrid":
        # The description spells out a hybrid arrangement: stale metadata ("TELECOMMUTE") and
        # coarse board tags ("In-Office") lose to it.
        draft.replace("remote", "hybrid", "text")

    if draft.employment_type in (None, "OTHER") and draft.is_posting:  # "OTHER" says nothing: the text may
        draft.replace("employment_type", fields.employment_from_text(text or page.text[:20_000]), "text")
    if draft.salary is None and text:
        found = salary.from_text(text)
        if found and not _foreign_salary(text, found, draft):
            draft.set("salary", found, "text")
    if draft.salary is not None and getattr(draft.salary, "bare_dollar", False):
        structured_pay = salary.from_structured(job.get("baseSalary")) if job else None
        if structured_pay and structured_pay.min == draft.salary.min and structured_pay.max == draft.salary.max:
            draft.replace("salary", structured_pay, "jsonld")
        else:
            draft.salary.currency = _dollar_currency(page, draft) or draft.salary.currency
    draft.set("date_posted", draft.pending.get("date_posted"), "text")
    if draft.date_posted is None:
        for i in list(range(max(0, zone.start - 4), zone.start)) + list(zone):  # a date line just above the title too
            s = page.strings[i]
            if len(s) < 60 and _DATE_LIKE.search(s):
                d = fields.iso_date(s, draft.now) if _YEAR.search(s) else fields.relative_date(s, draft.now)
                if d:
                    draft.set("date_posted", d, "text")
                    break


def _foreign_salary(text: str, found, draft: PostingDraft) -> bool:
    """A US range quoted for US-based roles, on a job located elsewhere, is not this job's pay."""
    if found.currency != "USD":
        return False
    idx = text.find(str(int(found.min or found.max or 0)).rstrip("0")[:3])
    window = text[max(0, idx - 400): idx + 50] if idx >= 0 else text
    return bool(US_CONTEXT.search(window)) and bool(draft.locations) and all(NON_US.search(l) for l in draft.locations)


def _blank(draft: PostingDraft) -> None:
    """A page that is not one posting carries no posting fields (the user may still save it)."""
    draft.title = draft.title or None
    for name in ("company", "remote", "employment_type", "salary", "date_posted", "valid_through", "apply_url"):
        setattr(draft, name, None)
    draft.locations, draft.skills, draft.required_skills, draft.nice_to_have_skills = [], [], [], []
    draft.sources = {}
