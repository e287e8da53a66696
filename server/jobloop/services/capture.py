"""Capture: a clipped page becomes a posting (or refreshes the one it already is)."""
from __future__ import annotations

import gzip
import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from typing import Any

from peewee import IntegrityError

from ..db import database
from ..models import Company, Posting, Snapshot, utcnow
from ..parsing import PostingDraft
from ..parsing.urls import canonical_url
from . import ServiceError, pipeline, posting_skills, postings
from .parse_workers import parse_page
from .draft_cache import DraftCache
from .errors import Conflict
from .bounds import check_fits, fit

# Parsed field -> how it is stored on the posting (salary spreads over four columns).
def _draft_values(draft: PostingDraft) -> dict[str, Any]:
    salary = draft.salary
    return {
        "title": draft.title,
        "company": draft.company,
        "locations": draft.locations or [],
        "remote": draft.remote,
        "employment_type": draft.employment_type,
        "salary_min": salary.min if salary else None,
        "salary_max": salary.max if salary else None,
        "salary_currency": salary.currency if salary else None,
        "salary_period": salary.period if salary else None,
        "date_posted": _day(draft.date_posted),
        "valid_through": _day(draft.valid_through),
        "apply_url": draft.apply_url,
        "description_html": draft.description_html,
        "description_text": draft.description_text,
        "skills": draft.skills or [],
    }


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# What the API accepts as a hand edit (api/schemas.py PostingEditSchema) is at least this
# wide, so a parsed value the popup sends back unchanged is never refused.
MAX_LOCATIONS = 50
MAX_LOCATION_CHARS = 200


def capped(draft: PostingDraft) -> PostingDraft:
    """Cut parsed lists to what the store and the API take. The parser caps its own
    output too; this is the server's guarantee, applied to preview and capture alike
    so the popup shows exactly what will be stored."""
    locations: list[str] = []
    for place in draft.locations or []:
        place = str(place).strip()[:MAX_LOCATION_CHARS].strip()
        if place and place not in locations:
            locations.append(place)
    draft.locations = locations[:MAX_LOCATIONS]
    return draft


def fitted(values: dict[str, Any]) -> dict[str, Any]:
    """Parsed values cut to the model's limits (a company name of 300 characters in a page's
    JSON-LD is kept as its first 255), the same on SQLite and PostgreSQL."""
    fields = {**Posting._meta.fields, "company": Company.name}
    return {name: fit(value, fields[name]) if name in fields else value for name, value in values.items()}


def user_changes(fields: dict[str, Any] | None, parsed: dict[str, Any]) -> dict[str, Any]:
    """The hand edits that really change something: a field sent back equal to what
    the parser read is not the user's (an older popup sent every field)."""
    return {name: value for name, value in (fields or {}).items()
            if name not in parsed or value != parsed[name]}


def preview(url: str, html: str, now: datetime | None = None, *, drafts: DraftCache | None = None,
            client: str = "") -> dict[str, Any]:
    """What the popup shows before saving: the draft, and the tracked posting if any. With a
    draft cache, the draft and page are held for the save, named by `page_hash`."""
    packing = Packing(html) if drafts is not None else None  # compressed while the page is parsed
    draft = capped(parse_page(html, url, now))
    existing = postings.find_by_url(url)
    out = {"draft": draft.to_dict(), "posting": postings.to_dict(existing) if existing else None}
    if packing is not None:
        out["page_hash"] = packing.digest
        drafts.put(client, draft.canonical_url, packing.digest, draft, html, snapshot=packing)
    return out


PAGE_NEEDED = "page_needed"


def _read(url: str, html: str | None, digest: str | None, now: datetime, drafts: DraftCache | None,
          client: str) -> tuple[PostingDraft, dict[str, Any]]:
    """The draft for a save and the snapshot's columns: the preview's when it is still held
    (no second parse, the page already packed), else a parse of the page sent. A save that
    sent only the hash of a page no longer held is refused with `page_needed`: the client
    sends the page again."""
    packing = Packing(html) if html is not None else None
    digest = packing.digest if packing is not None else digest
    held = drafts.get(client, canonical_url(url), digest) if drafts is not None and digest else None
    if held is not None:
        return held.draft, (packing or held.snapshot or Packing(held.html)).columns()
    if packing is None:
        raise Conflict("the preview of this page is no longer held: send the page again", code=PAGE_NEEDED)
    return capped(parse_page(html, url, now)), packing.columns()


def capture(url: str, html: str, *, title: str | None = None, selection: str | None = None,
            stage: str | None = None, note: str | None = None, fields: dict[str, Any] | None = None,
            now: datetime | None = None, page_hash: str | None = None, drafts: DraftCache | None = None,
            client: str = "") -> tuple[Posting, bool]:
    """Parse and store. Returns (posting, created).

    Idempotent by canonical URL: a second capture refreshes parsed fields and adds a
    snapshot, and never overwrites a field the user edited by hand. `fields` are the
    user's own corrections from the popup preview; they count as hand edits. After a preview,
    `html` may be None and `page_hash` name the previewed page (see draft_cache).
    """
    if not (url or "").strip().lower().startswith(("http://", "https://")):
        raise ServiceError("url must be an http(s) address", code="invalid_url")
    now = now or utcnow()
    draft, snapshot = _read(url, html, page_hash, now, drafts, client)  # packed before the write lock
    check_fits(draft.canonical_url, Posting.canonical_url, "url")  # the posting's key: never cut
    values = _draft_values(draft)
    if not values["title"] and title:
        values["title"] = title.strip()
    if selection and not values["description_text"]:
        values["description_text"] = selection
    values = fitted(values)

    # One capture is one transaction. On SQLite it takes the write lock first (db.py), so
    # the lookup below already sees a row another request just made. Where two creators
    # can still meet (PostgreSQL, or a company made at the same moment), the loser's
    # unique-key error is retried: the second time round it is the refresh case.
    for attempt in range(3):
        try:
            with database.atomic():
                return _save(url, snapshot, draft, values, stage, note, fields, now)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _save(url: str, snapshot: dict[str, Any], draft: PostingDraft, values: dict[str, Any], stage: str | None,
          note: str | None, fields: dict[str, Any] | None, now: datetime) -> tuple[Posting, bool]:
    # An address attached to a tracked posting (the same job on another site, services/companies.py)
    # finds that posting: the clip adds a snapshot, a stage, a note, but the fields stay read
    # from the posting's own address.
    posting = postings.find_by_url(draft.canonical_url)
    created = posting is None
    if created:
        posting = Posting(canonical_url=draft.canonical_url, url=url, created_at=now,
                          stage="saved", stage_changed_at=now)
    if posting.canonical_url == draft.canonical_url:
        _refresh(posting, url, draft, values)
    posting.updated_at = now
    posting.save()
    posting_skills.refresh(posting, created=created)
    fields = user_changes(fields, values)
    if fields:
        postings.update(posting, fields)
    Snapshot.create(posting=posting, url=url, captured_at=now, **snapshot)
    if created:
        pipeline.start(posting, at=now, now=now, note="clipped")
    if stage and stage != posting.stage:
        pipeline.change_stage(posting, stage, at=now, now=now)
    if note and note.strip():
        pipeline.add_note(posting, note.strip(), at=now, now=now)
    return posting, created


def _refresh(posting: Posting, url: str, draft: PostingDraft, values: dict[str, Any]) -> None:
    kept = set(posting.user_edited or [])
    for name, value in values.items():
        if name in kept:
            continue
        if name == "company":
            posting.company = postings.company_named(value, url)
        else:
            setattr(posting, name, value)
    posting.is_posting = draft.is_posting
    posting.source_site = draft.source
    posting.field_sources = draft.sources
    posting.url = url


# zlib lets go of the GIL while it compresses, so a page is packed on another core while the
# request's thread parses it (or, after a preview, while the user reads the fields). A page of
# up to PACK_HERE_BYTES is packed at once instead: its gzip takes less than the hand-over to a
# packer thread and back, which saves of a small page waited on under parallel clips.
_PACKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="jobloop-snapshot")
PACK_HERE_BYTES = 16 * 1024


class Packing:
    """A page on its way to a snapshot's stored columns. Its SHA-256 (the page hash the
    preview hands out, draft_cache.page_hash) at once; the gzip in the background (a small
    page's at once). Level 1: about half the time of the default for ~25 % more bytes; a
    capture is interactive."""

    def __init__(self, html: str):
        raw = html.encode("utf-8", errors="replace")
        self.digest, self.size = hashlib.sha256(raw).hexdigest(), len(raw)
        self._gz: bytes | Future = gzip.compress(raw, 1) if len(raw) <= PACK_HERE_BYTES \
            else _PACKERS.submit(gzip.compress, raw, 1)

    def columns(self) -> dict[str, Any]:
        gz = self._gz if isinstance(self._gz, bytes) else self._gz.result()
        return {"html_gz": gz, "size": self.size, "sha256": self.digest}


def snapshot_html(snapshot: Snapshot) -> str:
    return gzip.decompress(bytes(snapshot.html_gz)).decode("utf-8", errors="replace")
