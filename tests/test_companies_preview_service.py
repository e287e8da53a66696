"""What the popup's preview adds to the parse (history, fit, same job, target) stays a few
narrow queries, the employer's postings read once (the bench measures the time; this guards
the shape)."""
from __future__ import annotations

from datetime import datetime, timedelta

from factories import stored_posting
from querycount import counting
from jobloop.models import Contact, Reflection
from jobloop.services import companies, profile

NOW = datetime(2026, 6, 15, 12, 0)
GREENHOUSE = "https://boards.greenhouse.io/acme/jobs/4001"


def _met_before(db):
    profile.set_skill("k8s", 3)
    rejected = stored_posting("rejected", stages=("saved", "applied", "interviewing"), at=NOW - timedelta(days=90),
                              step=timedelta(days=5), company="Acme Robotics", title="Data Engineer",
                              skills=["Kubernetes", "Terraform"])
    Reflection.create(posting=rejected, due_at=NOW, feedback="More system design.", written_at=NOW)
    stored_posting("applied", stages=("saved",), at=NOW - timedelta(days=10), company="Acme Robotics",
                   title="Platform Engineer", url="https://www.linkedin.com/jobs/view/77", skills=["Go"])
    Contact.create(name="Ada Lovelace", role="Recruiter", company=companies.find("Acme Robotics"), warmth="warm",
                   last_contact_at=NOW - timedelta(days=40))


def test_clip_context_reads_the_employer_once_in_a_few_queries(db):
    _met_before(db)
    draft = {"company": "Acme Robotics", "title": "Platform Engineer", "skills": ["Kubernetes", "Terraform", "Go"]}
    with counting() as log:
        out = companies.clip_context(draft, GREENHOUSE, NOW)
    queries = [sql.replace('"', "") for sql, _ in log.statements]
    assert out["history"]["lines"][0].startswith("Applied in")
    assert out["same_job"]["url"] == "https://www.linkedin.com/jobs/view/77"
    assert out["fit"]["text"] == ("You have 1 of 3 asked. Missing: Terraform (asked in 1 of your rejections), Go.")
    # company by name, its names, its postings (history and same job alike), their events and
    # reflections, its contacts, target, profile, the rejections' skills: 16 before the trim.
    assert len(queries) <= 9, "\n".join(queries)
    assert sum("company_id IN" in q and "FROM posting" in q for q in queries) == 1, "\n".join(queries)
    assert not any("follow_up" in q for q in queries)  # the two lines never show follow-ups
