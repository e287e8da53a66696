"""Skill-gap ranking on postings with known outcomes, counted by hand."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from jobloop.parsing.skills import FAMILIES, VOCABULARY, canonical
from jobloop.services import ServiceError, gaps, goals, profile

from factories.history import posting_with_history

NOW = datetime(2026, 11, 30, 12, 0)


def _posting(path, skills, title):
    created = NOW - timedelta(days=20)
    steps = [(stage, created + timedelta(days=i + 1)) for i, stage in enumerate(path)]
    return posting_with_history(created, steps, now=NOW, skills=skills, title=title)


def _seed():
    profile.set_skill("Python", 4)
    profile.set_skill("sql", 3)  # typed in lower case: still covers "SQL"
    p = {
        1: _posting(["applied", "rejected"], ["Python", "Kubernetes", "AWS"], "P1"),
        2: _posting(["applied", "screening", "rejected"], ["kubernetes", "Terraform"], "P2"),
        3: _posting(["applied", "ghosted"], ["Kubernetes", "SQL", "AWS"], "P3"),
        4: _posting(["applied", "rejected"], ["Go"], "P4"),
        5: _posting(["applied"], ["AWS", "Go", "GraphQL"], "P5"),
        6: _posting(["applied", "screening", "interviewing"], ["GraphQL", "Terraform"], "P6"),
        7: _posting(["applied", "offer", "accepted"], ["Rust"], "P7"),
        8: _posting(["withdrawn"], ["Elixir"], "P8"),
        9: _posting([], ["Haskell"], "P9"),
        10: _posting(["applied", "rejected"], ["Kubernetes", "Kubernetes"], "P10"),
    }
    return p


def test_gaps_rank_by_rejections_then_in_flight(db):
    p = _seed()
    ranked = gaps.rank()
    # Hand count: Kubernetes 4 rejected (P1,P2,P3,P10; P10 lists it twice but asked once),
    # AWS 2+1, Go 1+1, Terraform 1+1 (Go before Terraform by name), GraphQL 0+2.
    assert [(g.skill, g.rejected, g.in_flight) for g in ranked] == [
        ("Kubernetes", 4, 0), ("AWS", 2, 1), ("Go", 1, 1), ("Terraform", 1, 1), ("GraphQL", 0, 2)]
    k8s = ranked[0]
    assert [x["id"] for x in k8s.postings] == [p[10].id, p[3].id, p[2].id, p[1].id]  # newest first
    assert {x["group"] for x in k8s.postings} == {"rejected"}
    assert k8s.total == 4 and k8s.goal_id is None
    # accepted, withdrawn and saved postings say nothing about what kept an offer away
    assert not {"Rust", "Elixir", "Haskell", "Python", "SQL", "sql"} & {g.skill for g in ranked}
    assert gaps.group_counts() == {"rejected": 5, "in_flight": 2}
    assert [g.skill for g in gaps.rank(limit=3)] == ["Kubernetes", "AWS", "Go"]


def test_a_skill_added_to_the_profile_stops_being_a_gap(db):
    _seed()
    profile.set_skill("KUBERNETES", 2)
    assert [g.skill for g in gaps.rank(limit=2)] == ["AWS", "Go"]


def test_a_gap_with_a_goal_points_at_it(db):
    _seed()
    goal = goals.from_gap("aws", now=NOW)
    by_skill = {g.skill: g for g in gaps.rank()}
    assert by_skill["AWS"].goal_id == goal.id
    assert by_skill["Kubernetes"].goal_id is None


def test_no_postings_no_gaps(db):
    assert gaps.rank() == []
    assert gaps.group_counts() == {"rejected": 0, "in_flight": 0}


def test_posting_skills_read_against_the_profile(db):
    profile.set_skill("python", 4)
    posting = _posting(["applied"], ["Python", "Kubernetes", "python"], "P")
    assert profile.posting_skills(posting) == [
        {"name": "Python", "level": 4, "have": True}, {"name": "Kubernetes", "level": None, "have": False}]


def test_profile_skills_normalize_through_the_vocabulary_aliases(db):
    profile.set_skill("k8s", 3)  # stored and shown by the vocabulary's name; it counts as Kubernetes
    profile.set_skill("postgres", 2)
    assert [s.name for s in profile.skills()] == ["Kubernetes", "PostgreSQL"]
    assert profile.levels() == {"kubernetes": 3, "postgresql": 2}
    assert profile.find("k8s").name == "Kubernetes"
    profile.set_skill("K8S", 4)  # the same skill: its level changes, no second row
    assert [(s.name, s.level) for s in profile.skills()] == [("Kubernetes", 4), ("PostgreSQL", 2)]
    posting = _posting(["applied"], ["Kubernetes", "PostgreSQL", "AWS"], "P")
    assert [(s["name"], s["have"]) for s in profile.posting_skills(posting)] == [
        ("Kubernetes", True), ("PostgreSQL", True), ("AWS", False)]
    assert [g.skill for g in gaps.rank()] == ["AWS"]
    profile.remove_skill("k8s")
    assert [s.name for s in profile.skills()] == ["PostgreSQL"]


def test_a_gap_spelled_by_alias_is_listed_once_by_its_vocabulary_name(db):
    # Hand-edited postings may say "k8s"; the plan still shows one "Kubernetes" gap.
    _posting(["applied", "rejected"], ["k8s"], "P1")
    _posting(["applied", "rejected"], ["K8S"], "P2")
    _posting(["applied"], ["Kubernetes"], "P3")
    _posting(["applied"], ["Underwater basket weaving"], "P4")
    assert [(g.skill, g.rejected, g.in_flight) for g in gaps.rank()] == [
        ("Kubernetes", 2, 1), ("Underwater basket weaving", 0, 1)]
    goal = goals.from_gap("k8s", now=NOW)
    assert goals.from_gap("Kubernetes", now=NOW).id == goal.id
    assert gaps.rank()[0].goal_id == goal.id
    profile.set_skill("K8s", 3)
    assert [g.skill for g in gaps.rank()] == ["Underwater basket weaving"]


def test_related_skills_roll_up_under_their_family_and_stay_listed(db):
    a = _posting(["applied", "rejected"], ["AWS", "Azure"], "P1")  # one posting asking for two clouds
    b = _posting(["applied", "ghosted"], ["Google Cloud"], "P2")
    c = _posting(["applied"], ["AWS", "Kubernetes"], "P3")
    _posting(["applied", "rejected"], ["Kubernetes", "React"], "P4")  # a lone frontend framework
    shown = gaps.plan().shown
    assert [(g.skill, g.rejected, g.in_flight) for g in shown] == [
        ("Cloud platforms", 2, 1), ("Kubernetes", 1, 1), ("React", 1, 0)]
    cloud = shown[0]
    assert cloud.is_family and not shown[2].is_family  # one frontend gap: no family heading
    # each member keeps its own counts and postings; the family counts P1 once
    assert [(m.skill, m.rejected, m.in_flight) for m in cloud.members] == [
        ("AWS", 1, 1), ("Azure", 1, 0), ("Google Cloud", 1, 0)]
    assert [p["id"] for p in cloud.members[0].postings] == [c.id, a.id]
    assert [p["id"] for p in cloud.members[2].postings] == [b.id]
    # a member in the profile leaves the family; with one member left, there is no family
    profile.set_skill("azure", 3)
    profile.set_skill("gcp", 3)
    assert [(g.skill, g.is_family) for g in gaps.plan().shown] == [
        ("AWS", False), ("Kubernetes", False), ("React", False)]
    assert [g.skill for g in gaps.top(1)] == ["AWS"]


def test_family_names_are_not_skill_names():
    for family, members in FAMILIES.items():
        assert canonical(family) is None and family not in VOCABULARY
        assert all(m in VOCABULARY for m in members), family


def test_not_for_me_is_remembered_and_can_be_undone(db):
    _seed()
    assert gaps.dismiss("k8s") == "Kubernetes"
    gaps.dismiss("Kubernetes")  # twice is once
    assert gaps.dismissed_names() == ["Kubernetes"]
    assert "Kubernetes" not in [g.skill for g in gaps.rank()]
    assert [g.skill for g in gaps.top(2)] == ["AWS", "Go"]
    plan = gaps.plan()
    assert plan.dismissed == ["Kubernetes"] and "Kubernetes" not in [g.skill for g in plan.shown]
    assert [g.skill for g in gaps.rank(dismissed=True)][0] == "Kubernetes"
    gaps.undismiss("KUBERNETES")
    assert gaps.dismissed_names() == [] and gaps.plan().shown[0].skill == "Kubernetes"


def test_a_dismissed_family_takes_its_members_along(db):
    _posting(["applied", "rejected"], ["AWS"], "P1")
    _posting(["applied", "rejected"], ["Azure", "Go"], "P2")
    assert [g.skill for g in gaps.plan().shown] == ["Cloud platforms", "Go"]
    gaps.dismiss("Cloud platforms")
    assert [g.skill for g in gaps.plan().shown] == ["Go"]
    gaps.dismiss("Go")
    gaps.undismiss("Cloud platforms")
    assert [g.skill for g in gaps.plan().shown] == ["Cloud platforms"]


def test_not_for_me_needs_a_name(db):
    with pytest.raises(ServiceError, match="which skill"):
        gaps.dismiss("  ")
    with pytest.raises(ServiceError, match="80 characters"):
        gaps.dismiss("x" * 81)


def test_the_plan_shows_the_top_gaps_open_and_folds_the_rest(db):
    for i in range(12):
        _posting(["applied", "rejected"], [f"Skill {i:02d}"] + (["Common"] if i < 10 else []), f"P{i}")
    plan = gaps.plan()
    assert [g.skill for g in plan.shown] == ["Common"] + [f"Skill {i:02d}" for i in range(7)]
    assert [g.skill for g in plan.folded] == [f"Skill {i:02d}" for i in range(7, 12)]
    assert len(plan.shown[0].postings) == gaps.TOP_POSTINGS and plan.shown[0].total == 10
    assert all(not g.postings for g in plan.folded)  # counts only: the table lists them


def test_hundreds_of_gaps_list_their_postings(db):
    # More gaps than SQLite takes terms in one compound SELECT (500): read in parts.
    _posting(["applied", "rejected"], [f"Made-up skill {i:03d}" for i in range(520)], "P1")
    ranked = gaps.rank()
    assert len(ranked) == 520 and all(len(g.postings) == 1 for g in ranked)


def test_a_skill_name_with_nul_is_one_skill_as_stored(db):
    # No store keeps NUL (models.py drops it): "Go\x00lang" is stored as "Golang", so it
    # must compare as that, or saving it twice tried a second row with the same name.
    profile.set_skill("Underwater\x00 basket", 2)
    profile.set_skill("Underwater\x00 basket", 4)
    assert [(s.name, s.level) for s in profile.skills()] == [("Underwater basket", 4)]
