"""Free tags on postings ("referral", "dream", "relocation"): normalized, bounded, shared.

A tag is kept in one normalized spelling, so "Dream Job", " dream  job" and "DREAM JOB"
are one tag: Unicode NFKC, lower case, inner spaces collapsed to one; letters, digits,
spaces and - _ + # . & / only; at most MAX_LENGTH characters, and at most MAX_PER_POSTING
tags on one posting. The completion list offers the tags in use; a tag row no posting
carries any more stays (deleting it could race a parallel writer that is just adding it).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from peewee import fn

from ..db import database
from ..models import Posting, PostingTag, Tag
from .errors import ServiceError

MAX_LENGTH = 40
MAX_PER_POSTING = 20
MAX_TYPED = 1000  # characters of one typed tag list, before it is split
_ALLOWED = re.compile(r"[^\W_]|[ \-_+#.&/]")


def normalize(text: str) -> str:
    """The tag's one spelling, or a ServiceError saying what is wrong with it."""
    if not isinstance(text, str):
        raise ServiceError("a tag is text", code="invalid_tag")
    tag = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    if not tag:
        raise ServiceError("a tag needs some text", code="invalid_tag")
    if len(tag) > MAX_LENGTH:
        raise ServiceError(f"tag “{tag[:MAX_LENGTH]}…”: at most {MAX_LENGTH} characters", code="invalid_tag")
    bad = sorted({ch for ch in tag if not _ALLOWED.fullmatch(ch)})
    if bad:
        raise ServiceError(f"tag “{tag}”: letters, digits, spaces and - _ + # . & / only (not {' '.join(bad)})",
                           code="invalid_tag")
    return tag


def parse(text: str | None) -> list[str]:
    """A typed list ("referral, Dream job") as normalized tags, each once, in the order typed."""
    text = text or ""
    if len(text) > MAX_TYPED:
        raise ServiceError(f"tags: at most {MAX_TYPED} characters in all", code="invalid_tag")
    names = [normalize(part) for part in text.replace("\n", ",").split(",") if part.strip()]
    names = list(dict.fromkeys(names))
    if len(names) > MAX_PER_POSTING:
        raise ServiceError(f"at most {MAX_PER_POSTING} tags on a posting", code="too_many_tags")
    return names


def _tag_ids(names: Iterable[str]) -> dict[str, int]:
    """name -> id, making the tags that do not exist yet (two writers at once make one row)."""
    names = list(dict.fromkeys(names))
    if not names:
        return {}
    Tag.insert_many([{"name": n} for n in names]).on_conflict_ignore().execute()
    return dict(Tag.select(Tag.name, Tag.id).where(Tag.name.in_(names)).tuples())


def for_postings(posting_ids: list[int]) -> dict[int, list[str]]:
    """posting id -> its tags, alphabetical, for a page of postings in one query."""
    if not posting_ids:
        return {}
    found: dict[int, list[str]] = {}
    query = (PostingTag.select(PostingTag.posting, Tag.name).join(Tag)
             .where(PostingTag.posting.in_(posting_ids)).order_by(Tag.name).tuples())
    for posting_id, name in query:
        found.setdefault(posting_id, []).append(name)
    return found


def of(posting: Posting) -> list[str]:
    return for_postings([posting.id]).get(posting.id, [])


def set_tags(posting: Posting, names: Iterable[str]) -> list[str]:
    """Give the posting exactly these tags (normalized); returns them."""
    wanted = list(dict.fromkeys(normalize(n) for n in names))
    if len(wanted) > MAX_PER_POSTING:
        raise ServiceError(f"at most {MAX_PER_POSTING} tags on a posting", code="too_many_tags")
    with database.atomic():
        ids = _tag_ids(wanted)
        PostingTag.delete().where((PostingTag.posting == posting.id)
                                  & PostingTag.tag.not_in(list(ids.values()) or [0])).execute()
        if ids:
            PostingTag.insert_many([{"posting": posting.id, "tag": i} for i in ids.values()]) \
                .on_conflict_ignore().execute()
    return sorted(wanted)


def attach(tags_of: dict[int, list[str]]) -> None:
    """Tag new postings in bulk (a spreadsheet import's chunk): posting id -> normalized names."""
    ids = _tag_ids(name for names in tags_of.values() for name in names)
    rows = [{"posting": pid, "tag": ids[name]} for pid, names in tags_of.items() for name in names]
    for start in range(0, len(rows), 500):
        PostingTag.insert_many(rows[start:start + 500]).on_conflict_ignore().execute()


def add(posting_ids: list[int], name: str) -> int:
    """Tag every given posting (those already tagged stay as they are); returns how many got it.
    A posting that already has MAX_PER_POSTING tags refuses the whole change."""
    name = normalize(name)
    if not posting_ids:
        return 0
    with database.atomic():
        tag_id = _tag_ids([name])[name]
        have = set(PostingTag.select(PostingTag.posting).where(
            (PostingTag.tag == tag_id) & PostingTag.posting.in_(posting_ids)).tuples())
        new = [pid for pid in posting_ids if (pid,) not in have]
        full = (PostingTag.select(PostingTag.posting).where(PostingTag.posting.in_(new))
                .group_by(PostingTag.posting).having(fn.COUNT(PostingTag.id) >= MAX_PER_POSTING).count()) if new else 0
        if full:
            raise ServiceError(f"{full} of these postings already have {MAX_PER_POSTING} tags: remove one first",
                               code="too_many_tags")
        if new:
            PostingTag.insert_many([{"posting": pid, "tag": tag_id} for pid in new]).on_conflict_ignore().execute()
    return len(new)


def remove(posting_ids: list[int], name: str) -> int:
    """Take the tag off every given posting; returns how many had it."""
    name = normalize(name)
    with database.atomic():
        tag = Tag.get_or_none(Tag.name == name)
        if tag is None or not posting_ids:
            return 0
        removed = PostingTag.delete().where((PostingTag.tag == tag.id)
                                            & PostingTag.posting.in_(posting_ids)).execute()
    return removed


def names() -> list[str]:
    """Every tag in use, alphabetical: the completion list."""
    used = PostingTag.select(PostingTag.tag)
    return [n for (n,) in Tag.select(Tag.name).where(Tag.id.in_(used)).order_by(Tag.name).tuples()]


def tagged(name: str):
    """A subquery of the ids of postings carrying the tag (for Filters.tag)."""
    return (PostingTag.select(PostingTag.posting).join(Tag).where(Tag.name == normalize(name)))
