"""Companies as employers: who the user has met before, what came of it, and what a new
posting there asks against the profile.

Identity. A `Company` row is one name as a page or the user gave it. Names of one employer
share a key (parsing/identity.py: case, punctuation, "The", legal forms); the careers
address is the second signal ("Acme" on careers.acme.com and "Acme Robotics" on
boards.greenhouse.io/acme). The row that stands for the employer is the *head*: a row whose
`merged_into` is empty; every other row of the employer points at it. A new name is pointed
at its employer when it is made, and a merge (the user says "these are the same") points
a whole group at the other head, so later clips of either name land on the merged company.

The same job seen twice: a clip at a tracked employer, from another job site, whose title
has at least SAME_TITLE of its words in common with a posting clipped within
SAME_JOB_WEEKS weeks (see `same_job`).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from peewee import fn

from .. import stages
from ..db import database, marks, rows
from ..models import Company, FollowUp, Posting, PostingUrl, Target, utcnow
from ..parsing.identity import careers_brand, company_key, title_similarity
from ..parsing.job_site import site_name
from ..parsing.skills import canonical
from ..parsing.urls import canonical_url
from . import Conflict, NotFound, ServiceError
from .bounds import MAX_TEXT, check_fits
from .profile import key as skill_key, levels

# Jaccard similarity of the titles' word sets (parsing/identity.title_words) from which two
# clips at one employer are offered as one job. 0.75 lets one extra descriptive word through
# on a three-word title ("Data Engineer, Platform" ~ "Data Engineer - Platform Team" once
# filler words go) but never a changed or missing seniority or speciality word on a title of
# up to three words ("Senior Data Engineer" vs "Data Engineer" is 0.67; "Data Engineer II"
# vs "III" is 0.5; "Backend" vs "Frontend Engineer" is 0.33).
SAME_TITLE = 0.75
# A job stays up for weeks and is reposted on boards as it goes: six weeks covers a posting's
# usual life; older clips at the same title are more likely a new opening.
SAME_JOB_WEEKS = 6
PRIORITIES = {1: "high", 2: "medium", 3: "low"}
MAX_CHECK_WEEKS = 52


# ---- identity ------------------------------------------------------------------------------

# Lookups that usually find nothing use .first(), not get_or_none(): peewee's get() builds the
# query's SQL a second time for the message of the exception it raises on a miss, which
# costs the popup's preview about as much as the query itself.


def head_of(company: Company) -> Company:
    if company.merged_into:
        head = Company.select().where(Company.id == company.merged_into).first()
        if head is not None:
            return head
    return company


def get(company_id: int) -> Company:
    """The employer (its head row) for any of its names' ids."""
    company = Company.get_or_none(Company.id == company_id)
    if company is None:
        raise NotFound(f"no company with id {company_id}")
    return head_of(company)


def _head_id(row: Company) -> int:
    return row.merged_into or row.id


def _known(name: str, url: str | None) -> tuple[Company | None, Company | None]:
    """(the row of this exact name, the first row that names its employer by key or careers
    host), in one query over the three indexes: a capture and the popup's preview ask per clip."""
    key, brand = company_key(name) if name else "", careers_brand(url)
    match = Company.name == name
    if key:
        match |= Company.key == key
    if brand:
        match |= Company.host == brand
    found = list(Company.select().where(match).order_by(Company.id)) if name or brand else []
    exact = next((c for c in found if name and c.name == name), None)
    related = (next((c for c in found if key and c.key == key), None)
               or next((c for c in found if brand and c.host == brand), None))
    return exact, related


def find(name: str | None, url: str | None = None) -> Company | None:
    """The employer behind a name (and a careers address), without making anything: the exact
    name's, else the first name with its key's, else the careers host's."""
    exact, related = _known((name or "").strip(), url)
    row = exact or related
    return head_of(row) if row is not None else None


def named(name: str | None, url: str | None = None) -> Company | None:
    """The row for this name, made when new and pointed at its employer when one is known
    by key or careers host. The one way a company row is made."""
    name = (name or "").strip()
    if not name:
        return None
    brand = careers_brand(url)
    row, related = _known(name, url)
    if row is None:
        known = head_of(related) if related is not None else None
        row = Company.create(name=name, key=company_key(name) or None, host=brand,
                             merged_into=known.id if known else None)
    elif brand and not row.host:
        row.host = brand
        row.save(only=[Company.host])
    return row


def group_ids(head: Company) -> list[int]:
    return [head.id] + [row[0] for row in rows("SELECT id FROM company WHERE merged_into = ?", [head.id])]


# ---- narrow reads -----------------------------------------------------------------------------
# The popup's preview reads an employer's postings, their stage events, reflections and
# contacts on every clip. These few narrow reads run as plain SQL rows: building each query
# with peewee (and a model instance per row) cost several times the query itself, and most of
# the preview's added time (bench/companies_bench.py).

def _when(value) -> datetime | None:
    """A stored timestamp as a datetime (SQLite hands back text, PostgreSQL a datetime)."""
    return Posting.created_at.python_value(value)


class Seen(NamedTuple):
    """A posting at the employer, as its history and the same-job test read it."""
    id: int
    title: str | None
    url: str
    canonical_url: str
    stage: str
    stage_changed_at: datetime
    created_at: datetime


def names(head: Company) -> list[str]:
    return [c.name for c in Company.select(Company.name).where(Company.id.in_(group_ids(head))).order_by(Company.id)]


def merge(keep: Company, other: Company) -> Company:
    """`other` (and every name of it) is the same employer as `keep`; remembered on the rows."""
    keep, other = head_of(keep), head_of(other)
    if keep.id == other.id:
        raise Conflict(f"{keep.name} and {other.name} are already one company")
    with database.atomic():
        (Company.update(merged_into=keep.id)
         .where((Company.merged_into == other.id) | (Company.id == other.id)).execute())
        if other.notes.strip():
            keep.notes = "\n\n".join(n for n in (keep.notes.strip(), other.notes.strip()) if n)
            keep.save(only=[Company.notes])
        target = Target.get_or_none(Target.company == other.id)
        if target is not None and not Target.select().where(Target.company == keep.id).exists():
            target.company = keep.id
            target.save()
        elif target is not None:
            target.delete_instance()
    return keep


def separate(name_id: int) -> tuple[Company, Company]:
    """A merge undone one name at a time: the name `name_id` (one of an employer's names, not
    the row that stands for it) is a company of its own again, with the postings clipped
    under that name. The merged notes and a moved target stay with the employer: the user
    edits those. Returns (the name, now its own company; the employer it left)."""
    name = Company.get_or_none(Company.id == name_id)
    if name is None:
        raise NotFound(f"no company with id {name_id}")
    if name.merged_into is None:
        raise Conflict(f"{name.name} is the name its company is listed under: separate the other names from it")
    left = head_of(name)
    with database.atomic():
        Company.update(merged_into=None).where(Company.id == name.id).execute()
    name.merged_into = None
    return name, left


def aliases(head: Company) -> list[Company]:
    """The employer's other names, oldest first (each can be separated again)."""
    return list(Company.select(Company.id, Company.name, Company.merged_into)
                .where(Company.merged_into == head.id).order_by(Company.id))


def set_notes(head: Company, notes: str) -> Company:
    notes = (notes or "").strip()
    if len(notes) > MAX_TEXT:
        raise ServiceError(f"notes are at most {MAX_TEXT} characters", code="too_long")
    head.notes = notes
    head.save(only=[Company.notes])
    return head


def listing() -> list[dict[str, Any]]:
    """Every employer, most recently active first, with how many postings and applications."""
    counts: dict[int, dict[str, Any]] = {}
    rows = (Posting.select(Posting.company, Posting.stage, fn.COUNT(Posting.id), fn.MAX(Posting.updated_at))
            .where(Posting.company.is_null(False)).group_by(Posting.company, Posting.stage).tuples())
    heads = {c.id: c.merged_into or c.id for c in Company.select(Company.id, Company.merged_into)}
    for company_id, stage, n, last in rows:
        entry = counts.setdefault(heads.get(company_id, company_id), {"postings": 0, "applied": 0, "last": None})
        entry["postings"] += n
        entry["applied"] += n if stage in stages.APPLIED else 0
        entry["last"] = max(filter(None, (entry["last"], last)), default=None)
    out = []
    for company in Company.select().where(Company.merged_into.is_null()):
        entry = counts.get(company.id, {"postings": 0, "applied": 0, "last": None})
        out.append({"id": company.id, "name": company.name, **entry})
    out.sort(key=lambda c: (c["last"] is None, -(c["last"].timestamp() if c["last"] else 0), c["name"].casefold()))
    return out


# ---- history ---------------------------------------------------------------------------------

def _ending(posting: Posting, reached: str | None) -> str:
    if posting.stage not in stages.ENDINGS:
        return posting.stage
    words = {"rejected": "rejected", "withdrawn": "withdrawn", "ghosted": "no answer (ghosted)"}[posting.stage]
    if reached in (None, "saved"):
        return words
    after = {"applied": "after applying", "screening": "after the screening", "interviewing": "after the interview",
             "offer": "after the offer", "accepted": "after accepting"}[reached]
    return f"{words} {after}"


def history(head: Company, now: datetime, *, exclude: int | None = None) -> dict[str, Any]:
    """What happened at this employer: applications (stage reached, how it ended), feedback and
    reflections, contacts with warmth and last touch, open follow-ups."""
    ids = group_ids(head)
    met = _met(ids, _postings_at(ids, exclude), now)
    posting_ids = [a["posting_id"] for a in met["applications"]]
    followups = {}
    columns = (FollowUp.id, FollowUp.kind, FollowUp.due_at, FollowUp.message, FollowUp.posting, FollowUp.contact,
               FollowUp.status)
    for field, wanted in ((FollowUp.posting, posting_ids), (FollowUp.contact, [c["id"] for c in met["contacts"]])):
        if wanted:
            followups.update((f.id, f) for f in FollowUp.select(*columns).where(field.in_(wanted)) if f.status == "open")
    followups = sorted(followups.values(), key=lambda f: (f.due_at, f.id))
    return {"company": {"id": head.id, "name": head.name, "names": names(head), "notes": head.notes}, **met,
            "followups": [{"id": f.id, "kind": f.kind, "due_at": f.due_at, "message": f.message,
                           "posting_id": f.posting_id, "contact_id": f.contact_id} for f in followups]}


def brief_history(head: Company, now: datetime, *, exclude: int | None = None) -> list[str]:
    """summary() of history(), reading only what the two lines need (no names, no follow-ups):
    the popup's preview and the posting page show it."""
    ids = group_ids(head)
    return summary(_met(ids, _postings_at(ids, exclude), now), now)


def _postings_at(ids: list[int], exclude: int | None = None) -> list[Seen]:
    """The employer's postings, newest first (narrow columns: no descriptions)."""
    # Narrowed by the company id list alone and sorted here: with an ORDER BY in SQL, SQLite may
    # walk the whole created_at index instead, which at 10,000 postings costs tens of milliseconds.
    read = rows("SELECT id, title, url, canonical_url, stage, stage_changed_at, created_at FROM posting"
                f" WHERE company_id IN ({marks(ids)})", ids)
    seen = [Seen(*row[:5], _when(row[5]), _when(row[6])) for row in read if row[0] != exclude]
    return sorted(seen, key=lambda p: (p.created_at, p.id), reverse=True)


def _met(ids: list[int], postings: list[Posting], now: datetime) -> dict[str, Any]:
    """Applications (stage reached, how it ended, feedback, reflections) and contacts there."""
    # Each query narrows by an id list first (posting, company) and sorts here: with an ORDER BY
    # or a kind/status test in SQL, SQLite may walk the whole kind or status index instead.
    posting_ids = [p.id for p in postings]
    reached, applied = _timelines(posting_ids)
    reflections: dict[int, list[tuple]] = {}
    if posting_ids:
        for r in rows("SELECT id, posting_id, went_well, to_improve, feedback, written_at FROM reflection"
                       f" WHERE posting_id IN ({marks(posting_ids)})", posting_ids):
            reflections.setdefault(r[1], []).append(r)
    applications = []
    for p in postings:
        rs = sorted(reflections.get(p.id, []), key=lambda r: r[0])
        applications.append({
            "posting_id": p.id, "title": p.title or p.url, "stage": p.stage, "reached": reached.get(p.id),
            "outcome": _ending(p, reached.get(p.id)), "applied_at": applied.get(p.id), "clipped_at": p.created_at,
            "ended_at": p.stage_changed_at if p.stage in stages.ENDINGS else None,
            "feedback": next((feedback for *_, feedback, _ in reversed(rs) if feedback.strip()), ""),
            "reflections": [{"went_well": went_well, "to_improve": to_improve, "feedback": feedback,
                             "written_at": _when(written_at)}
                            for _, _, went_well, to_improve, feedback, written_at in rs if written_at],
        })
    people = [(cid, name, role, warmth, email, _when(last))
              for cid, name, role, warmth, email, last in rows(
                  f"SELECT id, name, role, warmth, email, last_contact_at FROM contact WHERE company_id IN ({marks(ids)})",
                  ids)]
    people.sort(key=lambda c: (c[5] is None, -(c[5].timestamp() if c[5] else 0), c[0]))
    contacts = [{"id": cid, "name": name, "role": role, "warmth": warmth, "email": email, "last_contact_at": last,
                 "days_since": (now - last).days if last else None} for cid, name, role, warmth, email, last in people]
    return {"applications": applications, "contacts": contacts}


def _timelines(posting_ids: list[int]) -> tuple[dict[int, str | None], dict[int, datetime]]:
    """Per posting: the furthest stage reached before it ended, and when the user applied."""
    events: dict[int, list[StageStep]] = {}
    if posting_ids:
        # The kind is tested here: with it in SQL, SQLite may walk the whole kind index instead.
        for eid, pid, kind, to_stage, at in rows("SELECT id, posting_id, kind, to_stage, at FROM event"
                                                  f" WHERE posting_id IN ({marks(posting_ids)})", posting_ids):
            if kind == "stage":
                events.setdefault(pid, []).append(StageStep(eid, to_stage, _when(at)))
    applied = {}
    for pid, evs in events.items():
        first = min((e for e in evs if e.to_stage == "applied"), key=lambda e: (e.at, e.id), default=None)
        if first is not None:
            applied[pid] = first.at
    return {pid: stages.reached_before_end(evs) for pid, evs in events.items()}, applied


class StageStep(NamedTuple):
    """A stage event as stages.reached_before_end reads it."""
    id: int
    to_stage: str
    at: datetime


def _month(when: datetime | None, now: datetime) -> str:
    if when is None:
        return ""
    return when.strftime("%B") if when.year == now.year else when.strftime("%B %Y")


def summary(data: dict[str, Any], now: datetime) -> list[str]:
    """The history in two lines at most: the last application and how it ended (with its
    feedback), and the contact there with the days since the last touch."""
    lines = []
    applied = [a for a in data["applications"] if a["applied_at"] or a["stage"] != "saved"]
    if applied:
        last = applied[0]
        when = _month(last["applied_at"] or last["clipped_at"], now)
        line = f"Applied in {when} for {last['title']} — {last['outcome']}."
        if last["feedback"]:
            snippet = " ".join(last["feedback"].split())
            line += f" Feedback: {snippet[:140] + '…' if len(snippet) > 140 else snippet}"
        if len(applied) > 1:
            line += f" ({len(applied)} applications there in all.)"
        lines.append(line)
    elif data["applications"]:
        n = len(data["applications"])
        lines.append(f"{n} posting{'s' if n != 1 else ''} saved here before, none applied to.")
    if data["contacts"]:
        c = data["contacts"][0]
        who = f"{c['name']} ({c['role'].lower()})" if c["role"] else c["name"]
        touch = (f"last in touch {c['days_since']} day{'s' if c['days_since'] != 1 else ''} ago"
                 if c["days_since"] is not None else "never in touch yet")
        lines.append(f"Your contact: {who}, {touch}.")
    return lines


# ---- fit --------------------------------------------------------------------------------------

def fit(skills: list[str] | None) -> dict[str, Any] | None:
    """The skills a posting asks for against the profile, aliases counted (k8s is Kubernetes):
    how many the user has, and the missing ones with how many of the user's rejections
    (rejected or ghosted postings) asked for them. No score."""
    have = levels()
    asked: dict[str, str] = {}
    for name in skills or []:
        k = skill_key(name)
        if k and k not in asked:
            asked[k] = canonical(name) or " ".join(name.split())  # shown by the vocabulary's name
    if not asked:
        return None
    missing = [k for k in asked if k not in have]
    counts = _rejections_asking(missing)
    out = [{"skill": asked[k], "rejections": counts.get(k, 0)} for k in missing]
    out.sort(key=lambda m: -m["rejections"])  # stable: the posting's order among equals
    have_n = len(asked) - len(missing)
    text = f"You have {have_n} of {len(asked)} asked."
    if out:
        text += " Missing: " + ", ".join(
            m["skill"] + (f" (asked in {m['rejections']} of your rejections)" if m["rejections"] else "") for m in out) + "."
    return {"asked": len(asked), "have": have_n, "missing": out, "text": text}


def _rejections_asking(keys: list[str]) -> dict[str, int]:
    """How many turned-down postings (rejected or ghosted) ask for each skill, by comparison key,
    so aliases count as in the profile (a rejection that asked for "k8s" counts for Kubernetes).
    Read from skill_tally, a few rows per skill, which triggers keep equal to posting_skill
    counted (services/posting_skills.py): reading every turned-down posting's list instead cost
    ~1.2 ms at 10,000 postings and grew with the store."""
    if not keys:
        return {}
    down = list(stages.TURNED_DOWN)
    tallies = rows(f"SELECT skill, SUM(n) FROM skill_tally WHERE skill IN ({marks(keys)})"
                   f" AND stage IN ({marks(down)}) GROUP BY skill", [*keys, *down])
    return {key: int(n or 0) for key, n in tallies}


# ---- the same job seen twice --------------------------------------------------------------------

def same_job(title: str | None, company: str | None, url: str, now: datetime) -> Posting | None:
    """A tracked posting that is most likely this clip's job seen on another site: same
    employer, title similarity at least SAME_TITLE, clipped within SAME_JOB_WEEKS weeks."""
    head = find(company, url)
    if head is None or not title:
        return None
    return _same_job(title, url, now, _postings_at(group_ids(head)))


def _same_job(title: str | None, url: str, now: datetime, postings: list[Posting]) -> Posting | None:
    """same_job() among the employer's postings (newest first, as _postings_at reads them)."""
    if not title:
        return None
    own = canonical_url(url)
    site = site_name(url)
    since = now - timedelta(weeks=SAME_JOB_WEEKS)
    best, best_score = None, 0.0
    for p in postings:
        if p.created_at < since or p.canonical_url == own or site_name(p.url) == site:
            continue  # two postings on one site are two openings, not one job seen twice
        score = title_similarity(title, p.title)
        if score >= SAME_TITLE and (score > best_score or (score == best_score and p.created_at > best.created_at)):
            best, best_score = p, score
    return best


def urls(posting: Posting) -> list[str]:
    """Every address the posting was clipped from, its own first."""
    return [posting.url] + [u.url for u in PostingUrl.select().where(PostingUrl.posting == posting).order_by(PostingUrl.id)]


def attach_url(posting: Posting, url: str, now: datetime | None = None) -> Posting:
    """Keep `url` as another address of `posting` (the user said it is the same job)."""
    if not (url or "").strip().lower().startswith(("http://", "https://")):
        raise ServiceError("url must be an http(s) address", code="invalid_url")
    canonical = canonical_url(url)
    check_fits(canonical, PostingUrl.canonical_url, "url")
    if canonical == posting.canonical_url:
        return posting
    other = Posting.get_or_none(Posting.canonical_url == canonical)
    if other is not None:
        raise Conflict(f"{url} is already tracked as posting {other.id}; it cannot be attached to another")
    kept = PostingUrl.get_or_none(PostingUrl.canonical_url == canonical)
    if kept is not None:
        if kept.posting_id == posting.id:
            return posting
        raise Conflict(f"{url} is already an address of posting {kept.posting_id}")
    PostingUrl.create(posting=posting, canonical_url=canonical, url=url.strip(), added_at=now or utcnow())
    return posting


def posting_for_url(url: str) -> Posting | None:
    """The posting clipped from `url`, by its own address or one attached to it."""
    canonical = canonical_url(url)
    # The id first, by one narrow query on both address indexes: the preview's usual answer is
    # "not tracked", and a select of every posting column costs more to build than the look-up.
    found = rows("SELECT id FROM posting WHERE canonical_url = ?"
                  " UNION ALL SELECT posting_id FROM posting_url WHERE canonical_url = ?", [canonical, canonical])
    return Posting.select().where(Posting.id == found[0][0]).first() if found else None  # None if deleted meanwhile


# ---- target companies ------------------------------------------------------------------------------

def _check_target(why: str, careers_url: str | None, priority, check_weeks) -> dict[str, Any]:
    why = (why or "").strip()
    if len(why) > MAX_TEXT:
        raise ServiceError(f"why is at most {MAX_TEXT} characters", code="too_long")
    careers_url = (careers_url or "").strip() or None
    if careers_url and not careers_url.lower().startswith(("http://", "https://")):
        raise ServiceError("the careers page must be an http(s) address", code="invalid_url")
    if careers_url and len(careers_url) > 2048:
        raise ServiceError("the careers page address is at most 2048 characters", code="too_long")
    try:
        priority = int(priority if priority not in (None, "") else 2)
    except (TypeError, ValueError):
        raise ServiceError("priority is 1 (high), 2 (medium) or 3 (low)", code="invalid") from None
    if priority not in PRIORITIES:
        raise ServiceError("priority is 1 (high), 2 (medium) or 3 (low)", code="invalid")
    if check_weeks in (None, "", 0, "0"):
        check_weeks = None
    else:
        try:
            check_weeks = int(check_weeks)
        except (TypeError, ValueError):
            raise ServiceError("check every N weeks: a whole number", code="invalid") from None
        if not 1 <= check_weeks <= MAX_CHECK_WEEKS:
            raise ServiceError(f"check every 1 to {MAX_CHECK_WEEKS} weeks", code="invalid")
    return {"why": why, "careers_url": careers_url, "priority": priority, "check_weeks": check_weeks}


def set_target(name: str, *, why: str = "", careers_url: str | None = None, priority=2, check_weeks=None,
               now: datetime | None = None) -> Target:
    """Add a target company (or change one): the company is made when new."""
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError("a target company needs a name", code="empty_name")
    check_fits(name, Company.name, "name")
    values = _check_target(why, careers_url, priority, check_weeks)
    with database.atomic():
        head = head_of(named(name, values["careers_url"]))
        target = Target.get_or_none(Target.company == head.id)
        if target is None:
            target = Target(company=head.id, created_at=now or utcnow())
        for field, value in values.items():
            setattr(target, field, value)
        target.save()
    return target


def remove_target(head: Company) -> None:
    deleted = Target.delete().where(Target.company == head.id).execute()
    if not deleted:
        raise NotFound(f"{head.name} is not a target company")


def target_of(head: Company) -> Target | None:
    return Target.select().where(Target.company == head.id).first()


def targets() -> list[dict[str, Any]]:
    """Every target, highest priority first, with whether it has an application yet and when
    the next look at their openings is due (every N weeks from when it was added)."""
    rows = list(Target.select(Target, Company).join(Company).order_by(Target.priority, Company.name))
    # Only the targets' own companies and those merged into them: the dashboard asks on every
    # view, and reading every company and applied posting cost it a pass over both tables.
    ids = [t.company_id for t in rows]
    heads = {c.id: c.merged_into or c.id for c in Company.select(Company.id, Company.merged_into)
             .where(Company.id.in_(ids) | Company.merged_into.in_(ids))} if ids else {}
    applied = {heads[company_id] for (company_id,) in
               (Posting.select(Posting.company).where(Posting.company.in_(list(heads))
                                                      & Posting.stage.in_(stages.APPLIED)).distinct().tuples())} \
        if heads else set()
    out = []
    for t in rows:
        out.append({"id": t.id, "company_id": t.company_id, "name": t.company.name, "why": t.why,
                    "careers_url": t.careers_url, "priority": t.priority, "priority_label": PRIORITIES[t.priority],
                    "check_weeks": t.check_weeks, "created_at": t.created_at, "checked_at": t.checked_at,
                    "check_due_at": check_due_at(t), "applied": t.company_id in applied})
    return out


def check_due_at(target: Target) -> datetime | None:
    """When to look at the target's openings next: every check_weeks weeks from the last look
    (or from when it was added). Kept on the target, not as a FollowUp row: a follow-up belongs
    to a posting or a contact (services/followups.py), and a target may have neither."""
    if not target.check_weeks:
        return None
    return (target.checked_at or target.created_at) + timedelta(weeks=target.check_weeks)


def checked(head: Company, now: datetime) -> Target:
    """The user looked at the target's openings: the next look is due check_weeks from now."""
    target = target_of(head)
    if target is None:
        raise NotFound(f"{head.name} is not a target company")
    target.checked_at = now
    target.save(only=[Target.checked_at])
    return target


def target_dict(target: Target) -> dict[str, Any]:
    return next(t for t in targets() if t["id"] == target.id)


# ---- what the popup's preview carries ---------------------------------------------------------------

def clip_context(draft: dict[str, Any], url: str, now: datetime, *, tracked: int | None = None) -> dict[str, Any]:
    """For the preview of a clip: the employer's history in two lines, the fit of the skills
    asked, the tracked posting this is most likely the same job as (not when the address is
    tracked already: `tracked` is that posting's id), and whether the employer is a target.
    Kept apart from parsing, so the preview's parse can change without touching it. The
    employer, its names and its postings are read once for the history and the same job."""
    head = find(draft.get("company"), url)
    history_out = target_out = same = None
    if head is not None:
        ids = group_ids(head)
        postings = _postings_at(ids)
        mine = [p for p in postings if p.id != tracked]
        history_out = {"company_id": head.id, "company": head.name, "lines": summary(_met(ids, mine, now), now)}
        target = target_of(head)
        if target is not None:
            target_out = {"company_id": head.id, "company": head.name, "why": target.why,
                          "priority": target.priority, "priority_label": PRIORITIES[target.priority],
                          "careers_url": target.careers_url}
        if tracked is None:
            same = _same_job(draft.get("title"), url, now, postings)
    return {"history": history_out, "fit": fit(draft.get("skills")), "target": target_out,
            "same_job": {"id": same.id, "title": same.title, "url": same.url, "stage": same.stage,
                         "site": site_name(same.url)} if same else None}
