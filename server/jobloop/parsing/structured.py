"""Structured data: schema.org JobPosting in JSON-LD."""
from __future__ import annotations

import html as htmllib
import json
from typing import Any, Iterator

from . import fields
from .description import html_to_text, sanitize_html
from .draft import PostingDraft


def _walk(node: Any, depth: int = 0) -> Iterator[dict]:
    if depth > 20:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement", "item"):
            if key in node:
                yield from _walk(node[key], depth + 1)


def _is_type(node: dict, name: str) -> bool:
    t = node.get("@type")
    types = t if isinstance(t, list) else [t]
    return any(isinstance(x, str) and x.split("/")[-1].lower() == name.lower() for x in types)


def jsonld_blocks(soup) -> Iterator[Any]:
    for tag in soup.find_all("script", attrs={"type": "application/ld+json"}):
        raw = tag.string or tag.get_text() or ""
        try:
            yield json.loads(raw, strict=False)
        except ValueError:
            continue  # broken JSON-LD is common; other evidence will do


def find_jobposting(soup) -> dict | None:
    for block in jsonld_blocks(soup):
        for node in _walk(block):
            if _is_type(node, "JobPosting"):
                return node
    return None


def text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, (dict, list)):
        return None
    s = htmllib.unescape(str(value)).strip()
    return " ".join(s.split()) or None


def _locations(job: dict) -> list[str]:
    raw = job.get("jobLocation")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        addr = item.get("address", item)
        if isinstance(addr, str):
            out.append(addr.strip())
            continue
        if not isinstance(addr, dict):
            continue
        parts = [text(addr.get(k)) for k in ("addressLocality", "addressRegion", "addressCountry")]
        label = ", ".join(p for p in parts if p)
        if label and label not in out:
            out.append(label)
    return out


def fill_from_jsonld(draft: PostingDraft, job: dict) -> None:
    src = "jsonld"
    draft.set("title", text(job.get("title")), src)
    draft.set("company", text(job.get("hiringOrganization")), src)
    draft.set("locations", _locations(job), src)
    if str(job.get("jobLocationType", "")).upper() == "TELECOMMUTE":
        draft.set("remote", "remote", src)
    et = job.get("employmentType")
    if isinstance(et, list):
        et = et[0] if et else None
    draft.set("employment_type", fields.employment_type(text(et)), src)
    draft.set("salary", fields.salary_from_jsonld(job.get("baseSalary")), src)
    draft.set("date_posted", fields.iso_date(text(job.get("datePosted"))), src)
    draft.set("valid_through", fields.iso_date(text(job.get("validThrough"))), src)
    draft.set("apply_url", text(job.get("url")) if job.get("directApply") else None, src)
    desc = job.get("description")
    if isinstance(desc, str) and desc.strip():
        html = htmllib.unescape(desc) if "&lt;" in desc else desc
        draft.description_html = sanitize_html(html)
        draft.description_text = html_to_text(draft.description_html)
        draft.sources["description"] = src
