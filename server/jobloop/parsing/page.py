"""The parse pipeline: build the soup once, then read evidence in order."""
from __future__ import annotations

import re
from datetime import datetime

from bs4 import BeautifulSoup

from . import fields, structured
from .description import sanitize_html, html_to_text
from .draft import PostingDraft
from .skills import extract_skills
from .urls import canonical_url, host_of

MAX_HTML_CHARS = 20 * 1024 * 1024


def _clean(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def parse(html: str | bytes | None, url: str, now: datetime | None = None) -> PostingDraft:
    url = url or ""
    draft = PostingDraft(url=url, canonical_url=canonical_url(url))
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    html = (html or "")[:MAX_HTML_CHARS]
    try:
        soup = BeautifulSoup(html, "lxml")
    except Exception:  # lxml refuses some binary input; an empty page is the honest answer
        soup = BeautifulSoup("", "lxml")

    job = structured.find_jobposting(soup)
    if job:
        structured.fill_from_jsonld(draft, job)

    # Generic fallbacks: what any page shows.
    og_title = soup.find("meta", attrs={"property": "og:title"})
    h1 = soup.find("h1")
    title_tag = soup.title.string if soup.title and soup.title.string else None
    draft.set("title", _clean(h1.get_text(" ")) if h1 else None, "h1")
    draft.set("title", _clean(og_title.get("content")) if og_title else None, "og")
    draft.set("title", _clean(title_tag), "title")
    og_site = soup.find("meta", attrs={"property": "og:site_name"})
    draft.set("company", _clean(og_site.get("content")) if og_site else None, "og")

    if not draft.description_html:
        body = soup.find("main") or soup.body
        if body is not None:
            draft.description_html = sanitize_html(str(body))
            draft.sources["description"] = "text"
    if not draft.description_text:
        draft.description_text = html_to_text(draft.description_html)
    draft.skills = extract_skills(draft.description_text)
    if draft.salary is None:
        draft.set("salary", fields.salary_from_text(draft.description_text), "text")

    if not job:
        draft.is_posting = False
        draft.reason = "no job posting data found on this page"
    draft.source = host_of(url) or "generic"
    return draft
