"""Skill-gap ranking on postings with known outcomes, counted by hand."""
from __future__ import annotations

from datetime import datetime, timedelta

from jobloop.services import gaps, goals, profile

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
