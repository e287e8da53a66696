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

from peewee import JOIN

from ..models import Company, Goal, Posting
from . import profile

GROUPS = {
    "rejected": ("rejected", "ghosted"),
    "in_flight": ("applied", "screening", "interviewing", "offer"),
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


def rank(limit: int | None = None) -> list[Gap]:
    have = profile.levels()
    goals = {profile.key(g.skill): g.id for g in Goal.select().where(Goal.skill.is_null(False))}
    gaps: dict[str, Gap] = {}
    spellings: dict[str, Counter] = {}
    query = (Posting.select(Posting, Company).join(Company, JOIN.LEFT_OUTER)  # one query, not one per company
             .where(Posting.stage.in_(list(GROUP_OF))).order_by(Posting.id))
    for posting in query:
        group = GROUP_OF[posting.stage]
        seen = set()
        for name in posting.skills or []:
            k = profile.key(name)
            if not k or k in have or k in seen:
                continue
            seen.add(k)  # a posting that lists a skill twice still asked once
            gap = gaps.setdefault(k, Gap(skill=name, goal_id=goals.get(k)))
            spellings.setdefault(k, Counter())[" ".join(name.split())] += 1
            setattr(gap, group, getattr(gap, group) + 1)
            gap.postings.append({"id": posting.id, "title": posting.title or posting.url,
                                 "company": posting.company.name if posting.company_id else None,
                                 "stage": posting.stage, "group": group})
    for k, gap in gaps.items():
        # most common spelling; ties go to the alphabetically first, so output is stable
        gap.skill = min(spellings[k].items(), key=lambda item: (-item[1], item[0]))[0]
    ranked = sorted(gaps.values(), key=lambda g: (-g.rejected, -g.in_flight, profile.key(g.skill)))
    return ranked[:limit] if limit else ranked


def group_counts() -> dict[str, int]:
    """How many postings each group holds: the denominator for "asked by N of M"."""
    counts = Counter(GROUP_OF[p.stage] for p in Posting.select(Posting.stage).where(Posting.stage.in_(list(GROUP_OF))))
    return {group: counts.get(group, 0) for group in GROUPS}
