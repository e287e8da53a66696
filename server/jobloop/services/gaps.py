"""Skill gaps: what the postings that said no (or have not answered yet) asked for
that is missing from the user's profile.

Postings are grouped by how they ended, read from their current stage:
- "rejected": rejected or ghosted: the employer said no, or said nothing. Both
  stood between the user and an offer, so both count.
- "in_flight": applied, screening, interviewing, offer: still open.
Saved (never applied), withdrawn (the user's own choice) and accepted postings
are not counted: they say nothing about what kept an offer away.

A gap ranks by how many rejected postings asked for it, then by how many
in-flight ones did, then by name. Skill names match by their comparison key
(case-insensitive, through the vocabulary's aliases: "k8s" is Kubernetes); a gap
is shown with the spelling most postings used.

Counted in the database: posting_skill holds each posting's skills by key with its stage
(services/posting_skills.py, kept in step by triggers), and skill_tally counts it per
skill, spelling and stage, so a page reads a few hundred tally rows whatever the store holds. Each gap carries the newest few postings that asked for it
(TOP_POSTINGS); the rest are behind the table's skill filter.

The plan rolls related skills up (parsing/skills.py FAMILIES: AWS, Azure and Google
Cloud under "Cloud platforms") when two or more of a family are gaps; a family counts
each posting once, and its members stay listed with their own counts. A gap the user
marks "not for me" is remembered in the settings (DISMISSED) and left out until undone.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from peewee import fn

from .. import stages
from ..db import database
from ..models import Goal, Posting
from ..parsing.skills import FAMILY_OF, family_row, shown_name
from . import ServiceError, profile, settings

GROUPS = {
    "rejected": stages.TURNED_DOWN,
    "in_flight": stages.IN_FLIGHT,
}
GROUP_OF = {stage: group for group, stages in GROUPS.items() for stage in stages}
TOP_POSTINGS = 5  # postings listed under a gap; the table's ?skill= filter shows them all
PLAN_OPEN = 8  # gaps the plan shows open; the rest are folded
UNION_PARTS = 200  # gaps whose postings one statement reads
DISMISSED = "gaps.dismissed"  # setting: names of gaps (or families) marked "not for me"


@dataclass
class Gap:
    skill: str
    rejected: int = 0
    in_flight: int = 0
    postings: list[dict] = field(default_factory=list)  # newest first: {id, title, company, stage, group}
    goal_id: int | None = None  # an open or done goal for this skill already exists
    members: list[Gap] = field(default_factory=list)  # a family's member gaps; empty for a skill
    key: str = ""  # the comparison key (profile.key), set from the skill when not given

    def __post_init__(self):
        self.key = self.key or profile.key(self.skill)

    @property
    def total(self) -> int:
        return self.rejected + self.in_flight

    @property
    def is_family(self) -> bool:
        return bool(self.members)

    def to_dict(self) -> dict:
        out = {"skill": self.skill, "rejected": self.rejected, "in_flight": self.in_flight,
               "total": self.total, "postings": self.postings, "goal_id": self.goal_id}
        if self.members:
            out["members"] = [m.to_dict() for m in self.members]
        return out


def _order(gap: Gap):
    return (-gap.rejected, -gap.in_flight, gap.key)


# A family row's tally: (family, member keys the postings asked for, group, postings)
FamilyTally = tuple[str, frozenset, str, int]


def _counted(exclude: set[str]) -> tuple[list[Gap], list[FamilyTally]]:
    """Every gap with its counts, ranked, leaving out the keys in `exclude`, and the family
    rows' tallies: read from skill_tally (a few rows per skill), not from the postings."""
    # Raw cursor rows: peewee's per-row conversion was most of the time for ~1,000 tallies.
    query = database.execute_sql(
        f"SELECT skill, name, stage, n FROM skill_tally WHERE n > 0 AND stage IN"
        f" ({', '.join([database.param] * len(GROUP_OF))})", list(GROUP_OF)).fetchall()
    gaps: dict[str, Gap] = {}
    spellings: dict[str, Counter] = defaultdict(Counter)
    families: list[FamilyTally] = []
    for k, name, stage, n in query:
        family = family_row(k)
        if family is not None:
            families.append((*family, GROUP_OF[stage], n))
            continue
        if k in exclude:
            continue
        gap = gaps.get(k)
        if gap is None:
            gap = gaps[k] = Gap(skill=name, key=k)
        spellings[k][name] += n
        if GROUP_OF[stage] == "rejected":
            gap.rejected += n
        else:
            gap.in_flight += n
    for k, gap in gaps.items():
        # most common spelling; ties go to the alphabetically first, so output is stable
        gap.skill = min(spellings[k].items(), key=lambda item: (-item[1], item[0]))[0]
    return sorted(gaps.values(), key=_order), families


def _goals() -> dict[str, int]:
    return {profile.key(g.skill): g.id for g in Goal.select(Goal.id, Goal.skill).where(Goal.skill.is_null(False))}


def _with_postings(gaps: list[Gap]) -> None:
    """Fill each gap's newest TOP_POSTINGS postings in one query: a UNION ALL of one small
    indexed read per gap (posting_skill's (skill, posting) index, newest first)."""
    if not gaps:
        return
    p = database.param
    stage_list = ", ".join([p] * len(GROUP_OF))
    part = (f"SELECT * FROM (SELECT ps.skill, po.id, po.title, po.url, ps.stage, c.name AS company"
            f" FROM posting_skill AS ps JOIN posting AS po ON po.id = ps.posting_id"
            f" LEFT JOIN company AS c ON c.id = po.company_id"
            f" WHERE ps.skill = {p} AND ps.stage IN ({stage_list})"
            f" ORDER BY ps.posting_id DESC LIMIT {TOP_POSTINGS}) AS t{{n}}")
    by_key = {g.key: g for g in gaps}
    keys = list(by_key)
    # SQLite takes at most 500 terms in one compound SELECT: the API's full list goes in parts.
    for start in range(0, len(keys), UNION_PARTS):
        chunk = keys[start:start + UNION_PARTS]
        sql = " UNION ALL ".join(part.format(n=n) for n in range(len(chunk)))
        params: list = []
        for k in chunk:
            params += [k, *GROUP_OF]
        for k, posting_id, title, url, stage, company in database.execute_sql(sql, params).fetchall():
            by_key[k].postings.append({"id": posting_id, "title": title or url, "company": company,
                                       "stage": stage, "group": GROUP_OF[stage]})
    for gap in gaps:
        gap.postings.sort(key=lambda x: -x["id"])


def _ranked(limit: int | None = None, *, with_postings: bool = True,
            dismissed: bool = False) -> tuple[list[Gap], list[FamilyTally]]:
    exclude = set(profile.levels())
    if not dismissed:
        exclude |= dismissed_keys()
    ranked, families = _counted(exclude)
    ranked = ranked[:limit] if limit else ranked
    goals = _goals()
    for gap in ranked:
        gap.goal_id = goals.get(gap.key)
    if with_postings:
        _with_postings(ranked)
    return ranked, families


def rank(limit: int | None = None, *, with_postings: bool = True, dismissed: bool = False) -> list[Gap]:
    """Gaps, one per skill, best first, each with its newest TOP_POSTINGS postings
    (with_postings=False leaves them empty: the dashboard shows names and counts only).
    Gaps marked "not for me" are left out unless dismissed=True."""
    return _ranked(limit, with_postings=with_postings, dismissed=dismissed)[0]


def rolled_up(ranked: list[Gap], families: list[FamilyTally]) -> list[Gap]:
    """The ranked gaps with two or more members of one family (FAMILIES) rolled up into a
    family entry counting the postings that asked for any of those members, each once (from
    the family rows' tallies); a lone member stays a plain gap."""
    grouped: dict[str, list[Gap]] = defaultdict(list)
    for gap in ranked:
        if gap.key in FAMILY_OF:
            grouped[FAMILY_OF[gap.key]].append(gap)
    entries = [g for g in ranked if len(grouped.get(FAMILY_OF.get(g.key), ())) < 2]
    for name, members in grouped.items():
        if len(members) < 2:
            continue
        keys = {m.key for m in members}
        counts = Counter()
        for family, asked, group, n in families:
            if family == name and asked & keys:
                counts[group] += n
        entries.append(Gap(skill=name, rejected=counts["rejected"], in_flight=counts["in_flight"], members=members))
    return sorted(entries, key=_order)


@dataclass
class Plan:
    shown: list[Gap]  # the top entries, open, with postings
    folded: list[Gap]  # the rest, counts only
    dismissed: list[str]  # names marked "not for me", for "show dismissed"


def _entries(hidden: list[str]) -> list[Gap]:
    """Ranked gaps without postings, families rolled up, leaving out what is dismissed
    (a dismissed family takes its members with it)."""
    hidden_keys = {profile.key(n) for n in hidden}
    ranked, families = _ranked(with_postings=False)
    ranked = [g for g in ranked if profile.key(FAMILY_OF.get(g.key, "")) not in hidden_keys]
    return [e for e in rolled_up(ranked, families) if e.key not in hidden_keys]


def plan(open_count: int = PLAN_OPEN) -> Plan:
    """The plan page's gaps: families rolled up, the top `open_count` entries with their
    newest postings, the rest folded (counts and a link to the table)."""
    hidden = dismissed_names()
    entries = _entries(hidden)
    shown, folded = entries[:open_count], entries[open_count:]
    _with_postings([m for e in shown for m in (e.members or [e])])
    return Plan(shown=shown, folded=folded, dismissed=hidden)


def top(limit: int = 3) -> list[Gap]:
    """The dashboard's few gaps (families rolled up), without postings."""
    return _entries(dismissed_names())[:limit]


def group_counts() -> dict[str, int]:
    """How many postings each group holds: the denominator for "asked by N of M"."""
    counts = Counter()
    query = (Posting.select(Posting.stage, fn.COUNT(Posting.id)).where(Posting.stage.in_(list(GROUP_OF)))
             .group_by(Posting.stage).tuples())
    for stage, n in query:
        counts[GROUP_OF[stage]] += n
    return {group: counts.get(group, 0) for group in GROUPS}


# ---- "not for me" ---------------------------------------------------------------------------

def dismissed_names() -> list[str]:
    names = settings.get(DISMISSED, [])
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def dismissed_keys() -> set[str]:
    return {profile.key(n) for n in dismissed_names()}


def _name(skill: str) -> str:
    name = shown_name(skill)
    if not name:
        raise ServiceError("which skill? the gap had no name", code="empty_skill")
    if len(name) > 80:
        raise ServiceError("a skill name is at most 80 characters", code="invalid_skill")
    return name


def dismiss(skill: str) -> str:
    """Mark a gap (or a family, by its name) "not for me": left out of the plan until undone."""
    name = _name(skill)
    names = dismissed_names()
    if profile.key(name) not in {profile.key(n) for n in names}:
        settings.put(DISMISSED, sorted([*names, name], key=profile.key))
    return name


def undismiss(skill: str) -> str:
    name = _name(skill)
    settings.put(DISMISSED, [n for n in dismissed_names() if profile.key(n) != profile.key(name)])
    return name
