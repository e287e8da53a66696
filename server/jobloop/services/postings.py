"""Reading, editing and deleting postings."""
from __future__ import annotations

import operator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import reduce
from typing import Any

from peewee import JOIN, SQL, Case, Ordering, Value, chunked, fn

from ..db import database, is_sqlite
from ..models import POSTING_LIST_COLUMNS, REMOTE_KINDS, SALARY_PER_YEAR, STAGES, Company, Event, Posting, PostingSkill, PostingUrl, Snapshot, utcnow
from ..parsing.job_site import site_name
from ..parsing.skills import skill_key
from ..parsing.urls import canonical_url
from . import Conflict, NotFound, ServiceError, companies, posting_skills
from . import search as text_search
from . import tags as posting_tags
from ..stages import IN_FLIGHT
from .bounds import check_date
from .kept import kept

# Fields a user may edit by hand; an edit marks the field so re-captures keep it.
EDITABLE = (
    "title", "company", "locations", "remote", "employment_type", "salary_min", "salary_max",
    "salary_currency", "salary_period", "date_posted", "valid_through", "apply_url", "notes",
    "description_text", "skills",
)


def get(posting_id: int) -> Posting:
    posting = Posting.get_or_none(Posting.id == posting_id)
    if posting is None:
        raise NotFound(f"no posting with id {posting_id}")
    return posting


def find_by_url(url: str) -> Posting | None:
    """By the posting's own address or another one it was clipped from (companies.attach_url)."""
    return companies.posting_for_url(url)


def company_named(name: str | None, url: str | None = None) -> Company | None:
    return companies.named(name, url)


SORTS = {
    "updated": Posting.updated_at,
    "created": Posting.created_at,
    "moved": Posting.stage_changed_at,
    "title": Posting.title,
    "company": Company.name,
    # Pipeline order, not alphabetical: saved before applied before offer.
    "stage": Case(Posting.stage, [(s, i) for i, s in enumerate(STAGES)], len(STAGES)),
    # Kept on the row by triggers (migrations.DERIVED_SORT_KEYS): the first "applied" event,
    # and the soonest open follow-up (a snoozed one at its snooze's end).
    "applied": SQL("applied_at"),
    # Days waiting: since the current stage began, for applications waiting on the employer.
    # More days is an earlier date, so this key runs the other way (INVERTED).
    "waiting": Case(None, [(Posting.stage.in_(IN_FLIGHT), Posting.stage_changed_at)], None),
    "next": SQL("next_action_at"),
    "salary": SQL(SALARY_PER_YEAR),  # models.py: per year, as its index reads it
    "location": fn.NULLIF(Posting.locations, "[]"),  # the JSON list's text: by first location
}
INVERTED = {"waiting"}
# The job site is read from the URL, not stored: the table sorts by it by ranges of URLs (_page_by_site).
SORTABLE = (*SORTS, "source")
ARCHIVED = ("show", "only")  # Filters.archived besides the default (see filtered())


def not_archived():
    """The condition "not archived". On SQLite, "the id is not among the archived ones": the
    few archived ids come from the archived_at index, and each candidate is checked by its id
    alone. Testing the column itself read every candidate row (archived_at sits after the long
    texts, so past their overflow pages: 1 s to count the board's columns at 100,000), and as
    an index term SQLite took `archived_at IS NULL` for selective and sorted every posting.
    PostgreSQL's planner knows from its statistics that most postings match."""
    if not is_sqlite():
        return Posting.archived_at.is_null()
    archived = Posting.alias("archived")
    return Posting.id.not_in(archived.select(archived.id).where(archived.archived_at.is_null(False)))


@dataclass
class Filters:
    """What the table (and the API) can narrow postings by. Empty values mean "any"."""

    stage: str | None = None
    q: str | None = None
    url: str | None = None
    company: str | None = None
    source: str | None = None  # the job site's readable name (parsing/job_site.py)
    remote: str | None = None
    since: date | None = None  # saved on or after this day (UTC)
    until: date | None = None  # saved on or before this day (UTC)
    tag: str | None = None
    archived: str | None = None  # None: left out, unless searching by text; "show": in too; "only"
    skill: str | None = None  # asks for this skill (by its key: "k8s" finds Kubernetes; services/gaps.py)


LIST_COLUMNS = POSTING_LIST_COLUMNS  # models.py: every column but the long texts


def filtered(filters: Filters, *, columns=None, company: bool = True):
    """Postings (joined to their company) matching every given filter, unordered.
    `company=False` joins the company only to filter or search by it: a count then reads
    indexes alone."""
    query = Posting.select(*(columns or [Posting]), *([Company] if company else []))
    # A search by its index needs no company; without one (an old PostgreSQL) it reads the name.
    if company or filters.company or (text_search.phrases(filters.q) and not text_search.fts_ready()):
        query = query.join(Company, join_type=JOIN.LEFT_OUTER).switch(Posting)
    if filters.stage:
        if filters.stage not in STAGES:
            raise ServiceError(f"unknown stage {filters.stage!r}", code="invalid_stage")
        query = query.where(Posting.stage == filters.stage)
    if filters.url:
        wanted = canonical_url(filters.url)
        query = query.where((Posting.canonical_url == wanted) | Posting.id.in_(
            PostingUrl.select(PostingUrl.posting).where(PostingUrl.canonical_url == wanted)))
    if filters.company:
        query = query.where(fn.LOWER(Company.name).contains(filters.company.strip().lower()))
    if filters.source:
        prefixes = _site_prefixes().get(filters.source, [])
        query = query.where(reduce(operator.or_, map(_site_range, prefixes)) if prefixes else Posting.id.is_null())
    if filters.remote:
        if filters.remote not in REMOTE_KINDS:
            raise ServiceError(f"unknown remote kind {filters.remote!r}", code="invalid_remote")
        query = query.where(Posting.remote == filters.remote)
    if filters.since:
        query = query.where(Posting.created_at >= datetime.combine(filters.since, time.min))
    if filters.until:
        query = query.where(Posting.created_at < datetime.combine(filters.until + timedelta(days=1), time.min))
    if filters.skill:
        query = query.where(Posting.id.in_(PostingSkill.select(PostingSkill.posting)
                                           .where(PostingSkill.skill == skill_key(filters.skill))))
    if filters.since and filters.until and filters.since > filters.until:
        raise ServiceError("the date range ends before it starts", code="invalid_range")
    if filters.tag:
        query = query.where(Posting.id.in_(posting_tags.tagged(filters.tag)))
    if filters.archived not in (None, *ARCHIVED):
        raise ServiceError(f"archived: one of {', '.join(ARCHIVED)}", code="invalid_archived")
    if filters.archived == "only":
        query = query.where(Posting.archived_at.is_null(False))
    elif filters.archived is None and not text_search.phrases(filters.q):
        # Archived postings leave the default list; a text search still finds them.
        query = query.where(not_archived())
    return text_search.matching(query, filters.q)


def ordered(query, sort: str = "updated", descending: bool = True):
    if sort not in SORTS:
        raise ServiceError(f"cannot sort by {sort!r}; expected one of {', '.join(SORTABLE)}", code="invalid_sort")
    key = SORTS[sort]
    tie = Posting.id.desc() if descending else Posting.id.asc()
    down = descending != (sort in INVERTED)
    # Ordering rather than key.desc(): a subquery key (date applied, next action) has no .desc().
    return query.order_by(Ordering(key, "DESC" if down else "ASC", nulls="LAST"), tie)


def search(*, stage: str | None = None, q: str | None = None, url: str | None = None,
           limit: int = 100, offset: int = 0, columns=None) -> list[Posting]:
    """Newest-touched first; `q` is full-text (every word, as a prefix). Archived postings
    are listed too: the API reads the whole search. `columns=LIST_COLUMNS` leaves the long
    texts unread (a page that names postings, not one that shows them)."""
    ids = _first_matches(Filters(stage=stage, q=q, url=url, archived="show"), "updated", True, limit, offset)
    if ids is None:
        ids = [pid for (pid,) in search_ids(stage=stage, q=q, url=url, limit=limit, offset=offset).tuples()]
    return by_ids(ids, columns=columns)


def search_ids(*, stage: str | None = None, q: str | None = None, url: str | None = None,
               limit: int = 100, offset: int = 0):
    """The ids search() lists, in its order: found from indexes, before any row is read whole
    (reading whole rows in the same statement doubled a search for a word in every posting)."""
    query = filtered(Filters(stage=stage, q=q, url=url, archived="show"), company=False).select(Posting.id)
    return ordered(query).limit(limit).offset(offset)


# How deep into the order a text search checks the rows themselves (offset + limit). At
# 100,000 postings a row costs about 0.2 ms for each word in nearly all of them (a seek in
# that word's list): the API's 10 rows for one word, under 2 ms in all, against 25 ms for
# listing every match. The table's 50 rows for two words took 18 ms, and one of the 50
# lacked a word more often than not, so the listing followed anyway (42 ms in all).
CHECKED_ROWS = 20


def _first_matches(filters: Filters, sort: str, descending: bool, limit: int, offset: int) -> list[int] | None:
    """A page of a text search found from the rows that would be on it with no text asked
    for, when each of them holds the words (search.all_match): they are then the first
    matches in this order. For a word in most postings this is the cheap way round: the
    search's own way lists every match first, 25 of a 28 ms search for a word in 99,000 of
    100,000 postings, and this reads ten rows. None when a row does not hold the words (a
    rarer word, after one check) or the page is deep: the caller asks the index for every
    match."""
    if not filters.q or offset + limit > CHECKED_ROWS:
        return None
    # Archived postings count in a text search (filtered()), so in the rows checked too.
    unsearched = replace(filters, q=None, archived=filters.archived or "show")
    narrow = filtered(unsearched, company=sort == "company").select(Posting.id)
    rows = [pid for (pid,) in ordered(narrow, sort, descending).limit(offset + limit).tuples()]
    return rows[offset:] if text_search.all_match(rows, filters.q) else None


@dataclass
class Page:
    rows: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def table(filters: Filters, *, sort: str = "updated", descending: bool = True, page: int = 1,
          per_page: int = 50) -> Page:
    """One page of the table plus the total count, for pagination."""
    total = None
    if filters.q and filters.archived in (None, "show") and not any(
            getattr(filters, f) for f in ("stage", "url", "company", "source", "remote", "since", "until", "tag", "skill")):
        # A plain search: the FTS index counts its matches far faster than a join can.
        total = text_search.count(filters.q)
    if total is None:
        def count() -> int:
            return filtered(filters, columns=[Posting.id], company=False).count()
        # The table as it opens, unfiltered, is counted once until a write (kept.py).
        total = kept("table_total", count) if filters == Filters() else count()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    return Page(rows=page_of(filters, sort, descending, page, per_page, columns=LIST_COLUMNS), total=total,
                page=page, per_page=per_page)


def page_of(filters: Filters, sort: str, descending: bool, page: int, per_page: int, *, columns=None) -> list:
    """One page of the filtered postings in the given order (the table's and its export's).
    The order is found over the ids alone (the store answers from its indexes), then only the
    page's rows are read: sorting whole rows read every posting's, past its long texts."""
    if sort == "source":
        ids = _page_by_site(filters, descending, page, per_page)
    else:
        ids = _first_matches(filters, sort, descending, per_page, (page - 1) * per_page)
        if ids is None:
            narrow = filtered(filters, company=sort == "company").select(Posting.id)
            ids = [pid for (pid,) in ordered(narrow, sort, descending).paginate(page, per_page).tuples()]
    return by_ids(ids, columns=columns)


def by_ids(ids: list[int], *, columns=None) -> list[Posting]:
    """These postings (joined to their company), in the order of `ids`."""
    if not ids:
        return []
    query = (Posting.select(*(columns or [Posting]), Company).join(Company, join_type=JOIN.LEFT_OUTER)
             .where(Posting.id.in_(ids)))
    found = {p.id: p for p in query}
    return [found[pid] for pid in ids if pid in found]


def _site_range(prefix: str):
    """URLs that start with a "scheme://host/" prefix, or are that host alone: a range of the
    canonical_url index, where a LIKE would read every URL."""
    host = prefix[:-1]
    return (Posting.canonical_url == host) | ((Posting.canonical_url >= prefix) & (Posting.canonical_url < host + "0"))


def _page_by_site(filters: Filters, descending: bool, page: int, per_page: int) -> list[int]:
    """The ids of one page sorted by job site name (then id). A site's URLs share a few
    "scheme://host/" starts (_site_prefixes), each a range of the canonical_url index: the
    sites are counted from those ranges, and only the sites the page falls in are listed.
    Postings no site is named for come last."""
    groups: dict[str, list[str]] = {}
    for name, prefixes in _site_prefixes().items():
        groups.setdefault(name.lower(), []).extend(prefixes)
    order = sorted(groups, reverse=descending)
    narrow = filtered(filters, columns=[Posting.id], company=False)

    def count() -> dict[str, int]:
        counts: dict[str, int] = {}
        for part in chunked(order, 400):  # one statement for up to 400 sites (SQLite's compound limit is 500)
            counted = reduce(operator.add, [
                narrow.select(Value(i).alias("site"), fn.COUNT(Posting.id))
                .where(reduce(operator.or_, map(_site_range, groups[name]))) for i, name in enumerate(part)])
            counts.update((part[i], n) for i, n in counted.tuples())
        return counts
    # The unfiltered table's sites are counted once until a write (kept.py).
    counts = kept("site_counts", count) if filters == Filters() else count()
    skip, wanted, ids = (page - 1) * per_page, per_page, []
    tie = Posting.id.desc() if descending else Posting.id.asc()
    for name in order:
        if skip >= counts[name]:
            skip -= counts[name]
            continue
        cond = reduce(operator.or_, map(_site_range, groups[name]))
        found = [pid for (pid,) in narrow.where(cond).order_by(tie).limit(wanted).offset(skip).tuples()]
        ids += found
        skip, wanted = 0, wanted - len(found)
        if not wanted:
            return ids
    # Past every named site (the last pages): the URLs no site is named for, read here.
    unnamed = sorted((pid for pid, url in narrow.select(Posting.id, Posting.canonical_url).tuples()
                      if not site_name(url)), reverse=descending)
    return ids + unnamed[skip:skip + wanted]


def _site_prefixes() -> dict[str, list[str]]:
    """Each job site's name -> the "scheme://host/" starts of the canonical URLs found on it,
    so a filter by site stays one SQL condition per host. Kept until a write (kept.py): the
    table asks on every view, and the store has a few hundred hosts under many thousand URLs."""
    return kept("site_prefixes", _read_site_prefixes)


def _read_site_prefixes() -> dict[str, list[str]]:
    # The store cuts each URL at the end of its host and hands back the distinct starts: the
    # name and prefix depend on nothing after them, so this is the same as naming every URL.
    prefixes: dict[str, set[str]] = {}
    for (start,) in database.execute_sql(f"SELECT DISTINCT {_url_start_sql()} FROM posting"):
        name, prefix = site_name(start), _prefix(start)
        if name and prefix:
            prefixes.setdefault(name, set()).add(prefix)
    return {name: sorted(found) for name, found in prefixes.items()}


def _url_start_sql() -> str:
    """canonical_url up to (not including) the first "/" after its "://"; NULL without "://"."""
    if is_sqlite():
        scheme_end = "instr(canonical_url, '://') + 2"
        rest = f"substr(canonical_url, {scheme_end} + 1)"
        return (f"CASE WHEN instr(canonical_url, '://') = 0 THEN NULL WHEN instr({rest}, '/') > 0"
                f" THEN substr(canonical_url, 1, {scheme_end} + instr({rest}, '/') - 1) ELSE canonical_url END")
    return ("CASE WHEN strpos(canonical_url, '://') = 0 THEN NULL ELSE substr(canonical_url, 1, strpos(canonical_url, '://') + 2)"
            " || split_part(substr(canonical_url, strpos(canonical_url, '://') + 3), '/', 1) END")


def _prefix(url: str) -> str:
    scheme, sep, rest = (url or "").partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/" if sep and rest else ""


def counts_by_stage(*, archived: bool = True, tag: str | None = None) -> dict[str, int]:
    """Postings per stage; `archived=False` leaves archived ones out (the board's columns),
    `tag` counts only the postings carrying it. Without a tag (the dashboard and the board),
    kept until a write (kept.py): a pass over every posting's stage on each view."""
    def read() -> dict[str, int]:
        query = Posting.select(Posting.stage, fn.COUNT(Posting.id))
        if not archived:
            query = query.where(not_archived())
        if tag:
            query = query.where(Posting.id.in_(posting_tags.tagged(tag)))
        found = dict(query.group_by(Posting.stage).tuples())
        return {stage: found.get(stage, 0) for stage in STAGES}
    return read() if tag else dict(kept(f"stage_counts:{'all' if archived else 'not_archived'}", read))


def source_sites() -> list[str]:
    """The job sites postings were found on, by readable name, for the table's filter."""
    return sorted(_site_prefixes(), key=str.lower)


def in_stage(stage: str, limit: int = 50, tag: str | None = None) -> list[Posting]:
    """A board column: the postings most recently moved into `stage` first (archived ones
    are not on the board); with `tag`, only those carrying it."""
    # Only what a card shows: building full rows was most of the board's time.
    query = (Posting.select(Posting.id, Posting.title, Posting.url, Posting.stage, Posting.stage_changed_at,
                            Posting.company, Company.id, Company.name)
             .join(Company, join_type=JOIN.LEFT_OUTER).switch(Posting)
             .where((Posting.stage == stage) & not_archived())
             .order_by(Posting.stage_changed_at.desc(), Posting.id.desc()))
    if tag:
        query = query.where(Posting.id.in_(posting_tags.tagged(tag)))
    return list(query.limit(limit))


def waiting_longest(stages, limit: int = 6) -> list[Posting]:
    """Applications that have sat in a stage the longest: the ones to nudge (archived ones are not)."""
    # One short query per stage walks the (stage, stage_changed_at) index; a
    # single `stage IN (...)` query would sort every in-flight posting instead.
    found = []
    for stage in stages:
        query = (Posting.select(*LIST_COLUMNS, Company).join(Company, join_type=JOIN.LEFT_OUTER).switch(Posting)
                 .where((Posting.stage == stage) & not_archived())  # put away: no nudge
                 .order_by(Posting.stage_changed_at.asc(), Posting.id.asc()))
        found.extend(query.limit(limit))
    return sorted(found, key=lambda p: (p.stage_changed_at, p.id))[:limit]


@dataclass
class Activity:
    """One row of the dashboard's recent activity: what one action did to one posting."""

    posting: Posting
    kind: str
    from_stage: str | None
    to_stage: str | None
    at: datetime
    note: str


def recent_events(limit: int = 12) -> list[Activity]:
    """The latest actions on every timeline, with their posting, for the dashboard. The
    events one action wrote (a clip saved as applied with a note: a "saved", an "applied"
    and a note event, all created at the same moment) are one row, not three."""
    query = (Event.select(Event, *LIST_COLUMNS, Company).join(Posting)
             .join(Company, join_type=JOIN.LEFT_OUTER, on=(Posting.company == Company.id))
             .order_by(Event.at.desc(), Event.id.desc()))
    groups: dict[tuple, list[Event]] = {}
    # An action writes at most a few events: 4x the rows fills `limit` actions.
    for event in query.limit(limit * 4):
        action = (event.posting_id, event.created_at)
        if action not in groups and len(groups) == limit:
            break
        groups.setdefault(action, []).append(event)
    return [_activity(events) for events in groups.values()]


def _activity(events: list[Event]) -> Activity:
    # `events` is newest first; the row reads oldest to newest.
    events = events[::-1]
    moves = [e for e in events if e.kind == "stage"]
    main = moves[-1] if moves else events[-1]
    notes = [e.note.strip() for e in events if (e.note or "").strip()]
    return Activity(posting=main.posting, kind=main.kind, from_stage=moves[0].from_stage if moves else None,
                    to_stage=main.to_stage, at=events[-1].at, note=" · ".join(dict.fromkeys(notes)))


def latest_snapshot(posting: Posting) -> Snapshot | None:
    return (Snapshot.select().where(Snapshot.posting == posting)
            .order_by(Snapshot.captured_at.desc(), Snapshot.id.desc()).first())


def has_snapshot(posting: Posting) -> bool:
    return Snapshot.select(Snapshot.id).where(Snapshot.posting == posting).exists()


class Duplicate(Conflict):
    code = "duplicate"

    def __init__(self, message: str, posting: Posting):
        super().__init__(message)
        self.posting = posting


def create_manual(url: str, fields: dict[str, Any] | None = None, *, stage: str = "saved",
                  at: datetime | None = None, note: str = "", now: datetime | None = None) -> Posting:
    """A posting added by hand (found offline, through a referral): no page, just fields.

    The fields are the user's own words, so they are marked as hand edits and a
    later clip of the same URL fills in only what the user left out.
    """
    from . import pipeline  # pipeline is a sibling; imported here to keep module import light

    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")):
        raise ServiceError("the URL must start with http:// or https://", code="invalid_url")
    canonical = canonical_url(url)
    existing = Posting.get_or_none(Posting.canonical_url == canonical)
    if existing is not None:
        raise Duplicate(f"this URL is already tracked: \u201c{existing.title or existing.url}\u201d", existing)
    fields = {k: v for k, v in (fields or {}).items() if v not in (None, "", [])}
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ServiceError(f"these fields cannot be set: {', '.join(sorted(unknown))}", code="not_editable")
    now = now or utcnow()
    with database.atomic():
        posting = Posting.create(canonical_url=canonical, url=url, source_site="manual", stage="saved",
                                 stage_changed_at=at or now, created_at=now, updated_at=now)
        if fields:
            update(posting, fields, now=now)
        pipeline.change_stage(posting, "saved", at=at or now, now=now, note="added by hand")
        if stage and stage != "saved":
            pipeline.change_stage(posting, stage, at=at or now, now=now)
        if note and note.strip():
            pipeline.add_note(posting, note.strip(), at=now, now=now)
    return posting


def update(posting: Posting, changes: dict[str, Any], *, now: datetime | None = None) -> Posting:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ServiceError(f"these fields cannot be edited: {', '.join(sorted(unknown))}", code="not_editable")
    with database.atomic():
        edited = set(posting.user_edited or [])
        for name, value in changes.items():
            if isinstance(value, date):
                check_date(value, name)
            # A field is the user's only when the user changed it: the same value saved back
            # (a form submitted unchanged) leaves later clips free to refresh it.
            current = (posting.company.name if posting.company_id else None) if name == "company" \
                else getattr(posting, name)
            if value == current:
                continue
            if name == "company":
                posting.company = company_named(value)
            else:
                setattr(posting, name, value)
            edited.add(name)
        posting.user_edited = sorted(edited)
        posting.updated_at = now or utcnow()
        # The edited fields only: saving the whole row would write back what this request read
        # of the others (an archive, a stage settled by a parallel request).
        posting.save(only=[Posting.company if name == "company" else getattr(Posting, name) for name in changes]
                     + [Posting.user_edited, Posting.updated_at])
        if "skills" in changes:
            posting_skills.refresh(posting)
    return posting


def delete(posting: Posting) -> None:
    # The store's ON DELETE rules take its events, follow-ups, reflections, snapshots, links and
    # tags with it. (peewee's delete_instance(recursive=True) set the follow-ups' posting to NULL
    # instead, leaving follow-ups of no posting behind, which an export then could not import.)
    Posting.delete().where(Posting.id == posting.id).execute()


def delete_many(posting_ids: list[int]) -> None:
    """Delete many postings at once (an import undone): the schema's ON DELETE CASCADE takes
    their events, follow-ups, reflections, snapshots and contact links with them."""
    for part in chunked(posting_ids, 500):
        Posting.delete().where(Posting.id.in_(part)).execute()


def to_dict(posting: Posting) -> dict[str, Any]:
    salary = None
    if posting.salary_min is not None or posting.salary_max is not None:
        salary = {"min": posting.salary_min, "max": posting.salary_max,
                  "currency": posting.salary_currency, "period": posting.salary_period}

    def day(d):
        return d.isoformat() if isinstance(d, date) else d

    return {
        "id": posting.id,
        "url": posting.url,
        "canonical_url": posting.canonical_url,
        "is_posting": posting.is_posting,
        "title": posting.title,
        "company": posting.company.name if posting.company_id else None,
        "locations": posting.locations or [],
        "remote": posting.remote,
        "employment_type": posting.employment_type,
        "salary": salary,
        "salary_min": posting.salary_min,
        "salary_max": posting.salary_max,
        "salary_currency": posting.salary_currency,
        "salary_period": posting.salary_period,
        "date_posted": day(posting.date_posted),
        "valid_through": day(posting.valid_through),
        "apply_url": posting.apply_url,
        "description_text": posting.description_text,
        "skills": posting.skills or [],
        "source_site": posting.source_site,
        "field_sources": posting.field_sources or {},
        "user_edited": posting.user_edited or [],
        "notes": posting.notes,
        "stage": posting.stage,
        "stage_changed_at": posting.stage_changed_at,
        "created_at": posting.created_at,
        "updated_at": posting.updated_at,
    }
