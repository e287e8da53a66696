"""A realistic job-search history for tests and demos: `seed_history(n=50, now=...)`.

Postings are captured through the real capture service (factories.make_posting)
and moved through stages at chosen, back-dated times, so insights read a real
timeline. Deterministic for a given seed. The outcomes lean the way a real
search does: most applications end in silence or a "no", a few reach an
interview, one or two an offer. Postings that ended in rejection ask more often
for Kubernetes, AWS and Terraform, so those are the gaps a user should see.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from jobloop.models import Posting, Reflection, utcnow
from jobloop.services import network, pipeline, postings, profile

from . import make_posting

SOURCES = ("linkedin", "indeed", "greenhouse", "lever", "company-site")
COMMON = ("Python", "SQL", "Docker", "TypeScript", "GraphQL", "Stakeholder management")
GAP_HEAVY = ("Kubernetes", "AWS", "Terraform")
TITLES = ("Backend Engineer", "Platform Engineer", "Data Engineer", "Software Engineer", "Site Reliability Engineer")
COMPANIES = ("Acme Robotics", "Globex", "Initech", "Umbrella Labs", "Hooli", "Vandelay Imports", "Stark Analytics")
PROFILE = {"Python": 4, "SQL": 3, "Docker": 3}

# (weight, path of stages after "saved") — days between steps are drawn per posting
PATHS = (
    (14, ("applied", "ghosted")),
    (14, ("applied", "rejected")),
    (8, ("applied", "screening", "rejected")),
    (5, ("applied", "screening", "interviewing", "rejected")),
    (2, ("applied", "screening", "interviewing", "offer")),
    (1, ("applied", "screening", "interviewing", "offer", "accepted")),
    (2, ("withdrawn",)),
    (2, ()),  # saved, never applied
    (6, ("applied",)),
    (3, ("applied", "screening")),
    (2, ("applied", "screening", "interviewing")),
)
FORCED = {3: PATHS[5][1], 7: PATHS[4][1]}
CONTACTS = (  # name, role, warmth, days since last contact (None: never)
    ("Dana Whitfield", "Recruiter", "warm", 58),
    ("Priya Raman", "Engineering Manager", "close", 35),
    ("Tom Becker", "Talent Partner", "cold", 20),
    ("Lena Fischer", "Staff Engineer", "close", 3),
)


def posting_with_history(created: datetime, steps=(), *, now: datetime, skills=None, source_site=...,
                         **page) -> Posting:
    """One posting captured at `created`, then moved through `steps`: [(stage, at), …].
    `source_site` overrides what the parser said (None: unknown); leave it out to keep it."""
    posting = make_posting(now=created, **page)
    if skills is not None:
        postings.update(posting, {"skills": list(skills)})
    if source_site is not ...:
        posting.source_site = source_site  # on the object: later saves write the whole row
        posting.save()
    for stage, at in steps:
        pipeline.change_stage(posting, stage, at=at, now=now)
    return Posting.get_by_id(posting.id)


@dataclass
class Seeded:
    now: datetime
    postings: list[Posting] = field(default_factory=list)
    contacts: list = field(default_factory=list)


def _url_on(source: str, company: str, seed: int, i: int) -> str:
    """A job address on the named site: insights group by the site read from the URL."""
    slug = company.lower().replace(" ", "")
    return {
        "linkedin": f"https://www.linkedin.com/jobs/view/{4_100_000_000 + seed * 10_000 + i}/",
        "indeed": f"https://www.indeed.com/viewjob?jk={seed:04x}{i:012x}",
        "greenhouse": f"https://job-boards.greenhouse.io/{slug}/jobs/{seed}{i:05d}",
        "lever": f"https://jobs.lever.co/{slug}/{seed}-{i}",
    }.get(source, f"https://careers.{slug}.test/jobs/{seed}/{i}")


def seed_history(n: int = 50, *, now: datetime | None = None, seed: int = 7, with_profile: bool = True,
                 with_contacts: bool = True, days: int = 84) -> Seeded:
    now = (now or utcnow()).replace(microsecond=0)
    rng = random.Random(seed)
    out = Seeded(now=now)
    weights = [w for w, _ in PATHS]
    for i in range(n):
        path = rng.choices([p for _, p in PATHS], weights=weights)[0]
        if i in FORCED and n >= 10:  # a realistic history has at least one offer
            path = FORCED[i]
        # In-flight postings are recent; finished ones spread over the whole period.
        recent = path and path[-1] in ("applied", "screening", "interviewing", "offer")
        start = now - timedelta(days=rng.uniform(1, 20) if recent else rng.uniform(15, days),
                                hours=rng.uniform(0, 8))
        rejected = path and path[-1] in ("rejected", "ghosted")
        skills = rng.sample(COMMON, 2) + [s for s in GAP_HEAVY if rng.random() < (0.55 if rejected else 0.2)]
        # Drawn in the same order as ever (title, company, source), so a seed keeps its history.
        title, company, source = rng.choice(TITLES), rng.choice(COMPANIES), rng.choice(SOURCES)
        posting = make_posting(url=_url_on(source, company, seed, i), title=title, company=company, now=start)
        postings.update(posting, {"skills": skills})
        at = start
        for stage in path:
            at = min(at + timedelta(days=rng.uniform(0.2, 9)), now - timedelta(minutes=len(path)))
            pipeline.change_stage(posting, stage, at=at, now=now)
        if path and path[-1] == "rejected" and rng.random() < 0.4:
            Reflection.create(posting=posting, due_at=at + timedelta(days=2), stage_reached=path[-2],
                              feedback=rng.choice(("More cloud experience wanted.", "Strong, but less Kubernetes.", "")),
                              written_at=at + timedelta(days=2) if at + timedelta(days=2) <= now else now)
        out.postings.append(Posting.get_by_id(posting.id))
    if with_profile:
        for name, level in PROFILE.items():
            profile.set_skill(name, level)
    if with_contacts:
        linked = [p for p in out.postings if p.company_id]
        for k, (name, role, warmth, ago) in enumerate(CONTACTS):
            created = now - timedelta(days=90)
            posting = linked[k % len(linked)] if linked else None
            contact = network.create(name=name, role=role, warmth=warmth, now=created, posting=posting,
                                     email=f"{name.split()[0].lower()}@example.test", how_met="Interview loop")
            if ago is not None:
                network.log_touch(contact, "Caught up", at=now - timedelta(days=ago), now=now)
            out.contacts.append(contact)
    return out
