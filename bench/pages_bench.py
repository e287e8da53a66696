"""Server time of the tracker's pages with 10,000 postings (target: < 100 ms each).

Seeds a temporary SQLite data dir with N postings (default 10,000) spread over
the stages, each with its stage events and some with notes, then renders each
page with the Flask test client and prints the median milliseconds.

    .venv/bin/python bench/pages_bench.py [--postings 10000] [--runs 15] [--database-url postgresql://…]

With --database-url it seeds and times that (empty) database instead, e.g. PostgreSQL.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from jobloop.app import create_app
from jobloop.config import Config
from jobloop.db import database
from jobloop.models import STAGES, Company, Event, FollowUp, Posting, utcnow

WORDS = ("python sql kubernetes terraform aws gcp react typescript rust golang kafka spark airflow dbt "
         "observability reliability on-call payments billing search ranking ml pipelines api graphql "
         "postgres redis security compliance mentoring design systems accessibility mobile ios android "
         "startup remote hybrid berlin lisbon amsterdam london paris munich zurich dublin").split()
TITLES = ("Backend Engineer", "Senior Backend Engineer", "Platform Engineer", "Data Engineer",
          "Site Reliability Engineer", "Frontend Engineer", "Staff Engineer", "Engineering Manager",
          "Python Developer", "Machine Learning Engineer", "Security Engineer", "Full Stack Developer")
TARGET_MS = 100.0


def seed(n: int, rng: random.Random) -> int:
    """Bulk-insert n postings with their events; returns a posting id with a long timeline."""
    now = utcnow()
    with database.atomic():
        Company.insert_many([{"name": f"Company {i:04d}"} for i in range(max(1, n // 12))]).execute()
        company_ids = [c.id for c in Company.select(Company.id)]
        weights = (30, 25, 12, 8, 3, 1, 12, 3, 6)  # most postings stay saved or applied
        rows, stage_of = [], []
        for i in range(n):
            stage = rng.choices(STAGES, weights)[0]
            created = now - timedelta(days=rng.uniform(0, 365), minutes=i)
            words = " ".join(rng.choice(WORDS) for _ in range(220))
            site = rng.choice(("greenhouse", "lever", "linkedin", "workday", "generic"))
            # The table's Site reads the URL's host: job boards, and 40 companies' own careers sites.
            host = {"greenhouse": "job-boards.greenhouse.io", "lever": "jobs.lever.co", "linkedin": "www.linkedin.com",
                    "workday": "acme.wd5.myworkdayjobs.com"}.get(site, f"careers.company{i % 40}.test")
            rows.append({
                "canonical_url": f"https://{host}/{i}", "url": f"https://{host}/{i}?ref=bench",
                "title": f"{rng.choice(TITLES)} {i}", "company": rng.choice(company_ids),
                "locations": '["Berlin, Germany"]', "remote": rng.choice((None, "onsite", "hybrid", "remote")),
                "description_html": f"<p>{words}</p>", "description_text": words,
                "source_site": site,
                "notes": "referral from a friend" if i % 50 == 0 else "",
                "stage": stage, "stage_changed_at": created + timedelta(days=3),
                "created_at": created, "updated_at": created + timedelta(days=3),
            })
            stage_of.append((stage, created))
        for start in range(0, n, 500):
            Posting.insert_many(rows[start:start + 500]).execute()
        ids = [p.id for p in Posting.select(Posting.id).order_by(Posting.id)]
        events = []
        for pid, (stage, created) in zip(ids, stage_of):
            events.append({"posting": pid, "kind": "stage", "from_stage": "saved", "to_stage": "saved",
                           "at": created, "note": "clipped", "created_at": created, "details": {}})
            if stage != "saved":
                events.append({"posting": pid, "kind": "stage", "from_stage": "saved", "to_stage": stage,
                               "at": created + timedelta(days=3), "note": "", "created_at": created, "details": {}})
            if pid % 7 == 0:
                events.append({"posting": pid, "kind": "note", "at": created + timedelta(days=1),
                               "note": "talked to the recruiter about the team", "created_at": created,
                               "details": {}})
        for start in range(0, len(events), 1000):
            Event.insert_many(events[start:start + 1000]).execute()
        # An open check-in per application in flight: the table's "next action" column and sort.
        steps = [{"posting": pid, "kind": "check_in", "due_at": created + timedelta(days=10), "status": "open",
                  "message": "", "created_at": created}
                 for pid, (stage, created) in zip(ids, stage_of) if stage in ("applied", "screening", "interviewing")]
        for start in range(0, len(steps), 1000):
            FollowUp.insert_many(steps[start:start + 1000]).execute()
    return ids[len(ids) // 2]


def measure(client, path: str, runs: int) -> float:
    response = client.get(path)  # warm: templates compiled, caches filled
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database instead of SQLite")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Config(data_dir=Path(tmp), database_url=args.database_url))
        started = time.perf_counter()
        with database.connection_context():
            posting_id = seed(args.postings, random.Random(7))
        print(f"seeded {args.postings} postings in {time.perf_counter() - started:.1f} s")
        client = app.test_client()
        pages = [
            ("dashboard", "/"),
            ("board", "/board"),
            ("table, first page", "/table"),
            ("table, filtered", "/table?stage=applied&remote=remote&source=Lever"),
            ("table, sorted by company, page 40", "/table?sort=company&dir=asc&page=40"),
            ("table, sorted by site, page 40", "/table?sort=source&dir=asc&page=40"),
            ("table, sorted by date applied, page 40", "/table?sort=applied&dir=asc&page=40"),
            ("table, sorted by days waiting", "/table?sort=waiting&dir=desc"),
            ("table, sorted by next action", "/table?sort=next&dir=asc"),
            ("table, sorted by salary, page 40", "/table?sort=salary&dir=desc&page=40"),
            ("table, search", "/table?q=kubernetes+payments"),
            ("table, search + filter", "/table?q=recruiter&stage=interviewing"),
            ("posting page", f"/postings/{posting_id}"),
        ]
        slow, rows = [], []
        print(f"{'page':38} median ms ({args.runs} runs)")
        for name, path in pages:
            ms = measure(client, path, args.runs)
            flag = "" if ms < TARGET_MS else "  over target"
            if flag:
                slow.append(name)
            rows.append((name, ms))
            print(f"{name:38} {ms:8.1f}{flag}")
        print(f"target < {TARGET_MS:.0f} ms: {'met' if not slow else 'missed by ' + ', '.join(slow)}")
        rows += [(f"`{name}` alone", ms) for name, ms in partials(app, posting_id, args.runs)]
        markdown(args, rows, slow)
    return 0


def markdown(args, rows: list[tuple[str, float]], slow: list[str]) -> None:
    """Append this run's table to $JOBLOOP_BENCH_MARKDOWN (scripts/bench --write-docs collects them)."""
    out = os.environ.get("JOBLOOP_BENCH_MARKDOWN")
    if not out:
        return
    lines = [f"## Tracker pages at {args.postings:,} postings", "",
             f"`bench/pages_bench.py`: server time through the Flask test client, median of {args.runs} runs; "
             f"target < {TARGET_MS:.0f} ms ({'met' if not slow else 'missed by ' + ', '.join(slow)}).", "",
             "| page | median ms |", "| --- | ---: |"]
    lines += [f"| {name} | {ms:.0f} |" for name, ms in rows]
    with open(out, "a") as fh:
        fh.write("\n".join(lines) + "\n\n")


def partials(app, posting_id: int, runs: int) -> list[tuple[str, float]]:
    """Other features' partials inside the dashboard and posting page, timed alone: who owns the time."""
    from flask import render_template

    from jobloop.models import Posting

    names = sorted(t for t in app.jinja_env.list_templates() if t.startswith("partials/"))
    timed: list[tuple[str, float]] = []
    if not names:
        return timed
    print(f"{'included partial':38} median ms")
    with app.test_request_context("/"):
        database.connect(reuse_if_open=True)
        posting = Posting.get_by_id(posting_id)
        for name in names:
            try:
                render_template(name, posting=posting)
            except Exception as exc:  # a partial that needs more context than this: say so, go on
                print(f"{name:38} (not timed: {type(exc).__name__})")
                continue
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                render_template(name, posting=posting)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{name:38} {statistics.median(times):8.1f}")
            timed.append((name, statistics.median(times)))
    return timed


if __name__ == "__main__":
    sys.exit(main())
