"""Skill gaps: what the postings that said no (or have not answered yet) asked for
that is missing from the user's profile.

Postings are grouped by how they ended, read from their current stage:
- "rejected": rejected or ghosted: the employer said no, or said nothing. Both
  stood between the user and an offer, so both count.
- "in_flight": applied, screening, interviewing, offer: still open.
Saved (never applied), withdrawn (the user's own choice) and accepted postings
are not counted: they say nothing about what kept an offer away.

A gap ranks by how many rejected postings asked for it, then by how many
in-flight ones did, then by name. Skill names match case-insensitively; a gap
is shown with the spelling most postings used.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from peewee import JOIN, fn

from .. import stages
from ..models import Company, Goal, Posting
from ..parsing.skills import canonical
from . import profile

GROUPS = {
    "rejected": stages.TURNED_DOWN,
    "in_flight": stages.IN_FLIGHT,
}
GROUP_OF = {stage: group for group, stages in GROUPS.items() for stage in stages}


@dataclass
class Gap:
    skill: str
    rejected: int = 0
    in_flight: int = 0
    postings: list[dict] = field(default_factory=list)  # {id, title, company, stage, group}
    goal_id: int | None = None  # an open or done goal for this skill already exists

    @property
    def total(self) -> int:
        return self.rejected + self.in_flight

    def to_dict(self) -> dict:
        return {"skill": self.skill, "rejected": self.rejected, "in_flight": self.in_flight,
                "total": self.total, "postings": self.postings, "goal_id": self.goal_id}


def rank(limit: int | None = None, *, with_postings: bool = True) -> list[Gap]:
    """Gaps, best first. with_postings=False leaves each gap's postings list empty:
    the dashboard shows only names and counts, and skips reading titles and companies."""
    have = profile.levels()
    goals = {profile.key(g.skill): g.id for g in Goal.select(Goal.id, Goal.skill).where(Goal.skill.is_null(False))}
    gaps: dict[str, Gap] = {}
    spellings: dict[str, Counter] = {}
    names: dict[str, tuple[str, str]] = {}  # raw name -> (key, spelling)
    # Narrow rows as tuples, never whole postings: descriptions are most of a row,
    # and building thousands of model instances was most of the time at 10,000
    # postings. Postings without skills ("[]" or NULL) cannot add a gap: SQL skips them.
    columns = [Posting.id, Posting.stage, Posting.skills]
    if with_postings:
        columns += [Posting.title, Posting.url, Company.name]
    query = Posting.select(*columns)
    if with_postings:
        query = query.join(Company, JOIN.LEFT_OUTER)  # one query, not one per company
    query = (query.where(Posting.stage.in_(list(GROUP_OF)) & (fn.length(Posting.skills) > 2))
             .order_by(Posting.id).tuples())
    for row in query:
        posting_id, stage, skills = row[:3]
        group = GROUP_OF[stage]
        seen = set()
        for name in skills or []:
            named = names.get(name)
            if named is None:  # thousands of postings repeat a few dozen names: normalize each once
                # shown by the vocabulary's name when it has one: "k8s" and "Kubernetes" are one gap, "Kubernetes"
                named = names[name] = (profile.key(name), canonical(name) or " ".join(name.split()))
            k, spelling = named
            if not k or k in have or k in seen:
                continue
            seen.add(k)  # a posting that lists a skill twice still asked once
            gap = gaps.get(k)
            if gap is None:
                gap = gaps[k] = Gap(skill=name, goal_id=goals.get(k))
                spellings[k] = Counter()
            spellings[k][spelling] += 1
            if group == "rejected":
                gap.rejected += 1
            else:
                gap.in_flight += 1
            if with_postings:
                title, url, company = row[3:]
                gap.postings.append({"id": posting_id, "title": title or url, "company": company,
                                     "stage": stage, "group": group})
    for k, gap in gaps.items():
        # most common spelling; ties go to the alphabetically first, so output is stable
        gap.skill = min(spellings[k].items(), key=lambda item: (-item[1], item[0]))[0]
    ranked = sorted(gaps.values(), key=lambda g: (-g.rejected, -g.in_flight, profile.key(g.skill)))
    return ranked[:limit] if limit else ranked


def group_counts() -> dict[str, int]:
    """How many postings each group holds: the denominator for "asked by N of M"."""
    counts = Counter()
    query = (Posting.select(Posting.stage, fn.COUNT(Posting.id)).where(Posting.stage.in_(list(GROUP_OF)))
             .group_by(Posting.stage).tuples())
    for stage, n in query:
        counts[GROUP_OF[stage]] += n
    return {group: counts.get(group, 0) for group in GROUPS}
