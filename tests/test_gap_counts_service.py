"""Gaps counted in SQL (posting_skill + GROUP BY) give the values the old way gave: decoding
every posting's skill list in Python. Compared on a seeded store of varied postings, and again
after each kind of write (capture, hand edit, stage change, delete, profile edit, import)."""
from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

from peewee import JOIN, fn

from factories import job_page, make_posting
from jobloop.models import ALL_MODELS, Company, Goal, Posting, PostingSkill, SkillTally
from jobloop.parsing.skills import FAMILY_OF, canonical
from jobloop.services import capture, gaps, goals, pipeline, postings, profile, transfer
from jobloop.stages import STAGES

NOW = datetime(2026, 11, 30, 12, 0)

# Spellings as postings hold them: the parser's names, aliases typed by hand, odd spacing and
# case, names the vocabulary does not know, a skill listed twice.
SPELLINGS = ["Kubernetes", "k8s", "K8S", "kubernetes", "AWS", "Amazon Web Services", "Azure", "GCP",
             "Google Cloud", "Terraform", "terraform ", "Go", "golang", "GraphQL", "Python", "python",
             "SQL", "Postgres", "PostgreSQL", "React", "react.js", "Underwater  basket weaving",
             "underwater basket weaving", "COBOL", "Rust", "Kafka", "Apache Kafka", "Elixir"]


def decoded_rank() -> list[tuple]:
    """The old computation (services/gaps.py before posting_skill), verbatim in what it counts:
    every counted posting's JSON list decoded and normalized in Python. Returns, per gap,
    (skill, rejected, in_flight, goal_id, [posting dicts, by id])."""
    have = profile.levels()
    goal_of = {profile.key(g.skill): g.id for g in Goal.select(Goal.id, Goal.skill).where(Goal.skill.is_null(False))}
    found: dict[str, dict] = {}
    query = (Posting.select(Posting.id, Posting.stage, Posting.skills, Posting.title, Posting.url, Company.name)
             .join(Company, JOIN.LEFT_OUTER)
             .where(Posting.stage.in_(list(gaps.GROUP_OF)) & (fn.length(Posting.skills) > 2))
             .order_by(Posting.id).tuples())
    for posting_id, stage, skills, title, url, company in query:
        group, seen = gaps.GROUP_OF[stage], set()
        for name in skills or []:
            k = profile.key(name)
            if not k or k in have or k in seen:
                continue
            seen.add(k)
            gap = found.setdefault(k, {"spellings": Counter(), "rejected": 0, "in_flight": 0, "postings": []})
            gap["spellings"][canonical(name) or " ".join(name.split())] += 1
            gap[group] += 1
            gap["postings"].append({"id": posting_id, "title": title or url, "company": company,
                                    "stage": stage, "group": group})
    out = []
    for k, gap in found.items():
        skill = min(gap["spellings"].items(), key=lambda item: (-item[1], item[0]))[0]
        out.append((skill, gap["rejected"], gap["in_flight"], goal_of.get(k), gap["postings"]))
    return sorted(out, key=lambda g: (-g[1], -g[2], profile.key(g[0])))


def assert_same_as_decoding():
    # the triggers' tallies equal a count of posting_skill, whose stages equal the postings'
    recount = Counter({(k, name, stage): n for k, name, stage, n in PostingSkill.select(
        PostingSkill.skill, PostingSkill.name, PostingSkill.stage, fn.COUNT(PostingSkill.posting))
        .group_by(PostingSkill.skill, PostingSkill.name, PostingSkill.stage).tuples()})
    assert Counter({(k, name, stage): n for k, name, stage, n in SkillTally.select(
        SkillTally.skill, SkillTally.name, SkillTally.stage, SkillTally.n).where(SkillTally.n != 0).tuples()}) == recount
    assert not PostingSkill.select().join(Posting).where(PostingSkill.stage != Posting.stage).exists()
    old = decoded_rank()
    new = gaps.rank()
    assert [(g.skill, g.rejected, g.in_flight, g.goal_id) for g in new] == [g[:4] for g in old]
    # Postings: the newest TOP_POSTINGS of the ones the old way listed, with the same values.
    assert [g.postings for g in new] == [sorted(g[4], key=lambda p: -p["id"])[:gaps.TOP_POSTINGS] for g in old]
    assert len(old) > 5  # the store has something to compare
    # families: the postings asking for any member that is a gap, each once, decoded
    gap_keys = {profile.key(g[0]) for g in old}
    members = {}
    for k in gap_keys:
        if k in FAMILY_OF:
            members.setdefault(FAMILY_OF[k], set()).add(k)
    expected = {}
    for stage, skills in Posting.select(Posting.stage, Posting.skills).where(
            Posting.stage.in_(list(gaps.GROUP_OF))).tuples():
        asked = {profile.key(name) for name in skills or []}
        for family, keys in members.items():
            if len(keys) > 1 and asked & keys:
                counts = expected.setdefault(family, [0, 0])
                counts[gaps.GROUP_OF[stage] == "in_flight"] += 1
    rolled = {e.skill: [e.rejected, e.in_flight] for e in gaps.rolled_up(*gaps._ranked(with_postings=False))
              if e.is_family}
    assert rolled == expected


def seed_store(rng: random.Random, n: int = 60) -> list[Posting]:
    made = []
    for i in range(n):
        if i % 3 == 0:  # captured: the parser names the skills from the description
            words = ", ".join(rng.sample(["Kubernetes", "k8s", "AWS", "Terraform", "GraphQL", "Go programming",
                                          "PostgreSQL", "Kafka", "React"], 3))
            posting = make_posting(title=f"Engineer {i}", company=rng.choice(["Acme", "Globex", "Initech"]),
                                   description=f"<p>You know {words}.</p>", now=NOW - timedelta(days=60 - i))
        else:  # typed by hand (or edited): any spelling, duplicates and all
            posting = postings.create_manual(f"https://jobs.example.test/{i}",
                                             {"title": f"Role {i}" if i % 7 else None,
                                              "company": rng.choice(["Acme", "Globex", None])},
                                             now=NOW - timedelta(days=60 - i))
            postings.update(posting, {"skills": rng.sample(SPELLINGS, rng.randint(0, 6))})
        stage = rng.choice(STAGES)
        if stage != "saved":
            pipeline.change_stage(posting, stage, at=NOW - timedelta(days=30 - i / 3), now=NOW)
        made.append(Posting.get_by_id(posting.id))
    profile.set_skill("python", 4)
    profile.set_skill("Postgres", 3)
    goals.from_gap("k8s", now=NOW)
    goals.create("Learn Kafka", skill="Apache Kafka", now=NOW)
    return made


def test_sql_gaps_equal_the_decoded_gaps_on_a_varied_store(db):
    seed_store(random.Random(7))
    assert_same_as_decoding()
    plan = gaps.plan()
    assert any(e.is_family for e in plan.shown + plan.folded)  # the roll-up was compared too


def test_sql_gaps_stay_equal_after_every_kind_of_write(db):
    rng = random.Random(11)
    made = seed_store(rng)
    counted = [p for p in made if p.stage in gaps.GROUP_OF and p.skills]
    # a stage change moves a posting between groups, or out of them
    pipeline.change_stage(counted[0], "rejected", at=NOW, now=NOW)
    pipeline.change_stage(counted[1], "withdrawn", at=NOW, now=NOW)
    assert_same_as_decoding()
    # a hand edit of the skills (aliases, a duplicate), and clearing them
    postings.update(counted[2], {"skills": ["k8s", "Kubernetes", "Brand new skill"]})
    postings.update(counted[3], {"skills": []})
    assert_same_as_decoding()
    # a delete
    postings.delete(counted[4])
    assert_same_as_decoding()
    # a capture: a new posting, and a clip of a tracked URL refreshing its skills
    fresh = make_posting(url="https://boards.example-ats.test/acme/jobs/refresh", stage="applied", now=NOW,
                         description="<p>You know Azure and Terraform.</p>")
    assert_same_as_decoding()
    capture.capture(fresh.url, job_page(description="<p>You know Rust and GraphQL.</p>"), now=NOW)
    assert {r.skill for r in PostingSkill.select().where(PostingSkill.posting == fresh.id)} == {"rust", "graphql"}
    assert_same_as_decoding()
    # profile edits: a skill added by its alias, one removed
    profile.set_skill("K8S", 2)
    profile.remove_skill("python")
    assert_same_as_decoding()


def test_an_import_fills_posting_skill(db):
    seed_store(random.Random(5))
    before = [g.to_dict() for g in gaps.rank()]
    data = transfer.export_data()
    assert "posting_skill" not in data["tables"]  # derived: not exported
    for model in reversed(ALL_MODELS):
        model.delete().execute()
    assert PostingSkill.select().count() == 0  # gone with their postings
    transfer.import_data(data)
    assert [g.to_dict() for g in gaps.rank()] == before
    assert_same_as_decoding()
