"""The user's skill profile, and a posting's required skills read against it.

Skill names are compared case-insensitively ("kubernetes" is "Kubernetes") and
through the skill vocabulary's aliases ("k8s" is "Kubernetes"), in the profile as in
postings: the parser gives canonical names, but the user types their own. A skill is
shown, and newly stored, by the vocabulary's name; a profile saved before that keeps its
spelling in the store and is read through the same key, so it counts the same.
"""
from __future__ import annotations

from ..models import Posting, ProfileSkill
from ..parsing.skills import shown_name, skill_key
from . import NotFound, ServiceError

LEVELS = {1: "beginner", 2: "basic", 3: "working", 4: "strong", 5: "expert"}


key = skill_key  # the comparison key of a skill name (parsing/skills.py)
shown = shown_name  # how a skill is shown: "k8s" -> "Kubernetes"


def skills() -> list[ProfileSkill]:
    return sorted(ProfileSkill.select(), key=lambda s: key(s.name))


def levels() -> dict[str, int]:
    """{skill key: level} for every skill in the profile."""
    return {key(s.name): s.level for s in ProfileSkill.select()}


def find(name: str) -> ProfileSkill | None:
    wanted = key(name)
    return next((s for s in ProfileSkill.select() if key(s.name) == wanted), None)


def _check_level(level) -> int:
    try:
        level = int(level)
    except (TypeError, ValueError):
        raise ServiceError("level must be a whole number from 1 to 5", code="invalid_level") from None
    if level not in LEVELS:
        raise ServiceError("level must be from 1 (beginner) to 5 (expert)", code="invalid_level")
    return level


def set_skill(name: str, level: int = 3) -> ProfileSkill:
    """Add a skill or change its level; an existing spelling is kept."""
    clean = " ".join((name or "").split())
    if not clean:
        raise ServiceError("a skill needs a name", code="empty_skill")
    if len(clean) > 80:
        raise ServiceError("a skill name is at most 80 characters", code="invalid_skill")
    level = _check_level(level)
    skill = find(clean)
    if skill is None:  # stored by the vocabulary's name: "k8s" is kept as "Kubernetes"
        return ProfileSkill.create(name=shown_name(clean), level=level)
    skill.level = level
    skill.save()
    return skill


def remove_skill(name: str) -> None:
    skill = find(name)
    if skill is None:
        raise NotFound(f"{name!r} is not in your profile")
    skill.delete_instance()


def posting_skills(posting: Posting) -> list[dict]:
    """Each skill the posting asks for, with the user's level (None when missing)."""
    have = levels()
    seen, out = set(), []
    for name in posting.skills or []:
        k = key(name)
        if not k or k in seen:
            continue
        seen.add(k)
        out.append({"name": shown_name(name), "level": have.get(k), "have": k in have})
    return out


def to_dict(skill: ProfileSkill) -> dict:
    return {"id": skill.id, "name": shown_name(skill.name), "level": skill.level, "level_label": LEVELS.get(skill.level, "")}
