"""Factories with keyword overrides: build just what a test needs to say."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from jobloop.models import Posting, utcnow
from jobloop.services import capture, companies, pipeline, posting_skills

_counter = iter(range(1, 10**9))


class Clock:
    """An app clock a test controls (Config(clock=...)): fixed at `now`, or real time while None."""

    def __init__(self, now: datetime | None = None):
        self.now = now

    def __call__(self) -> datetime:
        return self.now or utcnow()

    def advance(self, **delta) -> None:
        self.now = (self.now or utcnow()) + timedelta(**delta)


def job_page(*, title="Backend Engineer", company="Acme Robotics", description=None,
             location="Berlin, Germany", salary=None, extra_head="", jsonld=True, **fields) -> str:
    """A small job page with JSON-LD, shaped like the ones ATS boards serve."""
    description = description or f"<p>We are hiring a {title}. You know Python and SQL.</p>"
    data = {
        "@context": "https://schema.org", "@type": "JobPosting", "title": title,
        "hiringOrganization": {"@type": "Organization", "name": company},
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": location}},
        "description": description, "datePosted": fields.pop("date_posted", "2026-11-01"),
        "employmentType": fields.pop("employment_type", "FULL_TIME"),
    }
    if salary:
        data["baseSalary"] = salary
    data.update(fields)
    # Escape "</" as sites do, so a description holding </script> cannot end the block early.
    ld_json = json.dumps(data).replace("</", "<\\/")
    ld = f'<script type="application/ld+json">{ld_json}</script>' if jsonld else ""
    return (f"<!doctype html><html><head><title>{title} - {company}</title>{ld}{extra_head}</head>"
            f"<body><main><h1>{title}</h1><p>{company} · {location}</p>{description}</main></body></html>")


def make_posting(*, url: str | None = None, stage: str | None = None, at: datetime | None = None,
                 now: datetime | None = None, **page) -> Posting:
    """A captured posting (through the real capture service), optionally moved to a stage."""
    n = next(_counter)
    url = url or f"https://boards.example-ats.test/acme/jobs/{n}"
    now = now or at or utcnow()
    posting, _ = capture.capture(url, job_page(**page), now=now)
    if stage and stage != "saved":
        pipeline.change_stage(posting, stage, at=at or now, now=now)
    return Posting.get_by_id(posting.id)


def stored_posting(stage: str | None = None, *, stages: tuple[str, ...] = (), at: datetime | None = None,
                   step: timedelta = timedelta(0), title: str = "Backend Engineer",
                   company: str = "Acme Robotics", url: str | None = None, **fields) -> Posting:
    """A posting straight in the store (no page, no parser), moved through `stages` and then
    `stage` from `at` on, `step` apart. For tests about what happens after a capture."""
    n = next(_counter)
    url = url or f"https://jobs.example.test/{n}"
    values = {"created_at": at, "stage_changed_at": at} if at else {}
    posting = Posting.create(canonical_url=url, url=url, title=title,
                             company=companies.named(company), **values, **fields)
    if "skills" in fields:  # as the services that write skills do
        posting_skills.refresh(posting)
    path = list(stages) + ([stage] if stage and stage not in stages[-1:] else [])
    for i, name in enumerate(path):
        when = (at or utcnow()) + step * i
        pipeline.change_stage(posting, name, at=when, now=when)
    return Posting.get_by_id(posting.id)
