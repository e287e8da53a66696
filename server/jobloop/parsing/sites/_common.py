"""Helpers the adapters share: first matching selector, fields with a site source."""
from __future__ import annotations

import re

from .. import fields, salary
from ..description import tree_html
from ..text import clean


def first_text(page, *selectors: str, root=None) -> str | None:
    for sel in selectors:
        text = page.select_text(sel, root)
        if text:
            return text
    return None


def first_html(page, *selectors: str, root=None) -> str | None:
    for sel in selectors:
        els = page.select(sel, root)
        if els:
            return tree_html(els)
    return None


def fill(draft, src: str, *, title=None, company=None, locations=None, remote=None, employment=None,
         pay=None, posted=None, description_html=None, apply_url=None) -> None:
    """Set what the site's own markup says; normalizers decide what counts as a value."""
    draft.set("title", clean(title), src)
    draft.set("company", clean(company), src)
    if locations:
        draft.set("locations", fields.split_locations(locations), src)
    if remote:
        draft.set("remote", fields.remote_kind(remote), src)
    if employment:
        draft.set("employment_type", fields.employment_type(employment), src)
    if pay:
        draft.set("salary", salary.from_text(pay, want_context=False), src)
    if posted:
        # An absolute date from any source beats "3 days ago" read against an unknown capture time.
        if fields.relative_date(posted, draft.now) and not re.search(r"\d{4}", posted):
            draft.pending.setdefault("date_posted", fields.relative_date(posted, draft.now))
        else:
            draft.set("date_posted", fields.iso_date(posted, draft.now), src)
    if description_html:
        draft.set_description(description_html, src)
    draft.set("apply_url", apply_url, src)
