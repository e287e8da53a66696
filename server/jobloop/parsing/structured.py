"""Structured data: schema.org JobPosting in JSON-LD and microdata, and OpenGraph/meta tags."""
from __future__ import annotations

import html as htmllib
import json
import re
from typing import Any, Iterator

from . import fields, salary
from .draft import PostingDraft
from .text import clean

MAX_NODES = 50_000


_COMMENT_START = re.compile(r"^\s*(<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def loads_lenient(raw: str) -> Any:
    """json.loads that survives what sites actually ship: control characters, HTML
    comments/CDATA around the JSON, entity-escaped JSON, trailing commas, several objects."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 8_000_000:
        return None
    raw = _COMMENT_START.sub("", raw)
    raw = _comment_end_removed(raw).strip().rstrip(";")
    attempts = [raw]
    if "&quot;" in raw or raw.startswith("{&"):
        attempts.append(htmllib.unescape(raw))
    attempts.append(_TRAILING_COMMA.sub(r"\1", raw))
    for text in attempts:
        try:
            return json.loads(text, strict=False)
        except RecursionError:
            return None  # absurdly deep: nothing a job page needs is in there
        except ValueError:
            pass
    # Several top-level values, or garbage after the first one (a few tries, no more).
    out, pos, dec, failures = [], 0, json.JSONDecoder(strict=False), 0
    while pos < len(raw) and len(out) < 20 and failures < 20:
        start = min((i for i in (raw.find("{", pos), raw.find("[", pos)) if i >= 0), default=-1)
        if start < 0:
            break
        try:
            value, pos = dec.raw_decode(raw, start)
            out.append(value)
        except RecursionError:
            break
        except ValueError:
            failures += 1
            pos = start + 1
    return out or None


def _comment_end_removed(raw: str) -> str:
    """re.sub(r"(-->|//\\s*\\]\\]>|\\]\\]>)\\s*$", "", raw) for text without trailing spaces,
    read off its end: the pattern tried every "-", "/" and "]" of a megabyte of script."""
    if raw.endswith("-->"):
        return raw[:-3]
    if raw.endswith("]]>"):
        head = raw[:-3]
        before = head.rstrip()
        return before[:-2] if before.endswith("//") else head
    return raw


def walk(node: Any, max_depth: int = 40) -> Iterator[dict]:
    """Every dict inside a JSON value, iteratively (no recursion limit to hit), bounded."""
    stack, seen = [(node, 0)], 0
    while stack and seen < MAX_NODES:
        item, depth = stack.pop()
        seen += 1
        if isinstance(item, dict):
            yield item
            if depth < max_depth:
                _push(stack, item.values(), depth + 1)
        elif isinstance(item, list) and depth < max_depth:
            _push(stack, item, depth + 1)


def _push(stack: list, values, depth: int) -> None:
    """The dicts and lists among values onto the stack, last first (so they pop in order)."""
    kids = [v for v in values if isinstance(v, (dict, list))]
    if kids:
        kids.reverse()
        stack.extend([(v, depth) for v in kids])


def is_type(node: dict, *names: str) -> bool:
    t = node.get("@type")
    types = t if isinstance(t, list) else [t]
    wanted = {n.lower() for n in names}
    return any(isinstance(x, str) and x.split("/")[-1].lower() in wanted for x in types)


def jsonld_nodes(scripts: list[str]) -> list[dict]:
    nodes: list[dict] = []
    for raw in scripts:
        value = loads_lenient(raw)
        if value is not None:
            nodes.extend(walk(value))
    return nodes


def job_postings(nodes: list[dict]) -> list[dict]:
    jobs, titles = [], set()
    for node in nodes:
        if is_type(node, "JobPosting"):
            key = (clean(node.get("title")) or "").lower(), str(node.get("identifier") or node.get("url") or "")
            if key not in titles:  # sites often print the same JobPosting twice
                titles.add(key)
                jobs.append(node)
    return jobs


ARTICLE_TYPES = ("Article", "NewsArticle", "ReportageNewsArticle", "BlogPosting", "Recipe", "BlogPost",
                 "AnalysisNewsArticle", "OpinionNewsArticle", "TechArticle", "LiveBlogPosting", "Product", "Event")


def name_of(value: Any) -> str | None:
    if isinstance(value, list):
        for v in value:
            found = name_of(v)
            if found:
                return found
        return None
    if isinstance(value, dict):
        return clean(value.get("name") or value.get("legalName") or value.get("@value"))
    return clean(value)


def locations(job: dict) -> list[str]:
    raw = job.get("jobLocation")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    out: list[str] = []
    for item in items[:60]:
        if isinstance(item, str):
            out.extend(fields.split_locations(item))
            continue
        if not isinstance(item, dict):
            continue
        addr = item.get("address", item)
        if isinstance(addr, list):
            addr = addr[0] if addr else {}
        if isinstance(addr, str):
            out.extend(fields.split_locations(addr))
            continue
        if not isinstance(addr, dict):
            continue
        parts = []
        for key in ("addressLocality", "addressRegion", "addressCountry"):
            part = name_of(addr.get(key))
            if part and part.lower() not in (p.lower() for p in parts):
                parts.append(part)
        label = ", ".join(parts) or name_of(item)
        if label and label not in out:
            out.append(label)
    if not out:  # remote jobs name where applicants may live instead
        req = job.get("applicantLocationRequirements")
        reqs = req if isinstance(req, list) else [req] if req else []
        out = [n for n in (name_of(r) for r in reqs[:20]) if n]
    return out


def fill_from_jobposting(draft: PostingDraft, job: dict, src: str = "jsonld") -> None:
    draft.set("title", clean(job.get("title") or job.get("name")), src)
    draft.set("company", name_of(job.get("hiringOrganization")), src)
    draft.set("locations", locations(job), src)
    jlt = job.get("jobLocationType")
    if jlt and "telecommute" in str(jlt).lower():
        draft.set("remote", "remote", src)
    draft.set("employment_type", fields.employment_type(job.get("employmentType")), src)
    draft.set("salary", salary.from_structured(job.get("baseSalary")) or salary.from_structured(job.get("estimatedSalary")), src)
    draft.set("date_posted", fields.iso_date(job.get("datePosted")), src)
    draft.set("valid_through", fields.iso_date(job.get("validThrough")), src)
    desc = job.get("description")
    if isinstance(desc, str) and desc.strip() and not draft.description_html:
        draft.set_description(htmllib.unescape(desc) if "&lt;" in desc else desc, src)


# --- microdata -------------------------------------------------------------------------

def microdata_job(scope) -> dict:
    """The JobPosting itemscope as a JSON-LD-shaped dict, so one filler serves both."""
    out: dict[str, Any] = {}
    for el in scope.find_all(attrs={"itemprop": True}, limit=400):
        prop = el.get("itemprop")
        if not isinstance(prop, str) or prop in out:
            continue
        if el.has_attr("itemscope"):
            sub = {}
            for child in el.find_all(attrs={"itemprop": True}, limit=40):
                sub.setdefault(child.get("itemprop"), _micro_value(child))
            if prop == "jobLocation" and "address" not in sub:
                sub = {"address": sub}
            elif prop == "jobLocation":
                sub["address"] = {k: v for k, v in sub.items() if k.startswith("address")}
            out[prop] = sub
        elif prop == "description":
            out[prop] = el.decode_contents()
        else:
            out[prop] = _micro_value(el)
    return out


def _micro_value(el) -> str | None:
    for attr in ("content", "datetime", "href", "value"):
        if el.has_attr(attr):
            return el.get(attr)
    return el.get_text(" ", strip=True)
