"""Server time of the skill-gap views (plan, dashboard, /api/gaps) at N postings with skills.

Seeds a temporary store with N postings (default 10,000) over the stages, each asking for
3–8 skills drawn from the vocabulary (popular ones more often), some spelled by an alias
("k8s", "Postgres") and some the vocabulary does not know, with one stage event each;
fills posting_skill the way the app's writes do; then times each view with the Flask
test client and prints the median milliseconds and the ratio to `/api/health` in the
same run, plus the plan's HTML size.

    .venv/bin/python bench/gaps_bench.py [--postings 10000] [--runs 9] [--database-url postgresql://…]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from jobloop.app import create_app
from jobloop.config import Config
from jobloop.db import database
from jobloop.models import STAGES, Company, Event, Posting, utcnow
from jobloop.parsing.skills import VOCABULARY
from jobloop.services import profile

TARGET_MS = 100.0
ALIASES = {"Kubernetes": "k8s", "PostgreSQL": "Postgres", "Google Cloud": "GCP", "JavaScript": "JS"}
PAGES = [("plan", "/plan"), ("dashboard", "/"), ("API gaps (top 20)", "/api/gaps?limit=20")]


def seed(n: int, rng: random.Random) -> None:
    names = list(VOCABULARY)
    weights = [1 / (i + 1) for i in range(len(names))]  # a few skills are asked everywhere, most rarely
    rng.shuffle(names)
    custom = [f"In-house tool {i}" for i in range(30)]
    now = utcnow()
    stage_weights = (30, 25, 12, 8, 3, 1, 12, 3, 6)
    with database.atomic():
        Company.insert_many([{"name": f"Company {i:04d}"} for i in range(max(1, n // 12))]).execute()
        company_ids = [c.id for c in Company.select(Company.id)]
        rows, stages = [], []
        for i in range(n):
            stage = rng.choices(STAGES, stage_weights)[0]
            created = now - timedelta(days=rng.uniform(0, 365), minutes=i)
            skills = list(dict.fromkeys(rng.choices(names, weights, k=rng.randint(3, 8))))
            skills = [ALIASES[s] if s in ALIASES and rng.random() < 0.2 else s for s in skills]
            if rng.random() < 0.1:
                skills.append(rng.choice(custom))
            rows.append({"canonical_url": f"https://jobs.example.test/{i}", "url": f"https://jobs.example.test/{i}",
                         "title": f"Engineer {i}", "company": rng.choice(company_ids), "locations": ["Berlin"],
                         "skills": skills, "description_text": "", "description_html": "", "stage": stage,
                         "stage_changed_at": created + timedelta(days=3), "created_at": created,
                         "updated_at": created + timedelta(days=3)})
            stages.append((stage, created))
        for start in range(0, n, 500):
            Posting.insert_many(rows[start:start + 500]).execute()
        ids = [p.id for p in Posting.select(Posting.id).order_by(Posting.id)]
        events = [{"posting": pid, "kind": "stage", "from_stage": "saved", "to_stage": stage, "at": created,
                   "note": "", "created_at": created, "details": {}} for pid, (stage, created) in zip(ids, stages)]
        for start in range(0, len(events), 1000):
            Event.insert_many(events[start:start + 1000]).execute()
    for name, level in (("Python", 4), ("SQL", 3), ("Docker", 3), ("k8s", 2)):
        profile.set_skill(name, level)


def fill_posting_skill() -> float | None:
    """What capture and import do for each posting, for the bulk-inserted ones; None on code
    from before posting_skill (the bench then times that code)."""
    try:
        from jobloop.services import posting_skills
    except ImportError:
        return None
    started = time.perf_counter()
    posting_skills.rebuild()
    return time.perf_counter() - started


def measure(client, path: str, runs: int, headers=None) -> tuple[float, int]:
    response = client.get(path, headers=headers)  # warm: templates compiled
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(path, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(response.data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database instead of SQLite")
    args, _ = parser.parse_known_args(argv)  # scripts/bench passes every bench the same options
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Config(data_dir=Path(tmp), database_url=args.database_url))
        started = time.perf_counter()
        with database.connection_context():
            seed(args.postings, random.Random(7))
            filled = fill_posting_skill()
        print(f"seeded {args.postings} postings with skills in {time.perf_counter() - started:.1f} s"
              + (f" (posting_skill filled in {filled:.1f} s)" if filled is not None else ""))
        token = (Path(tmp) / "token").read_text().strip()
        auth = {"Authorization": f"Bearer {token}"}
        client = app.test_client()
        health, _ = measure(client, "/api/health", args.runs)
        rows = []
        print(f"{'view':24} {'median ms':>10} {'× health':>9} {'bytes':>10}  ({args.runs} runs)")
        for name, path in PAGES:
            ms, size = measure(client, path, args.runs, headers=auth if path.startswith("/api/") else None)
            rows.append((name, ms, ms / health, size))
            print(f"{name:24} {ms:10.1f} {ms / health:9.0f} {size:10,}{'  over target' if ms > TARGET_MS else ''}")
        print(f"{'/api/health':24} {health:10.2f}")
        rows += services(args.runs, health)
        markdown(args, rows, health)
    return 0


def services(runs: int, health: float) -> list[tuple[str, float, float, int]]:
    """The gap services alone, without the page around them (the dashboard holds other
    features' partials too): what this feature costs."""
    from jobloop.services import gaps

    timed = []
    with database.connection_context():
        for name, call in (("gaps.plan() alone", gaps.plan), ("gaps.top(3) alone", lambda: gaps.top(3))):
            call()
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                call()
                times.append((time.perf_counter() - start) * 1000)
            ms = statistics.median(times)
            timed.append((name, ms, ms / health, 0))
            print(f"{name:24} {ms:10.1f} {ms / health:9.0f}")
    return timed


def markdown(args, rows, health: float) -> None:
    """Append this run's table to $JOBLOOP_BENCH_MARKDOWN (scripts/bench --write-docs collects them)."""
    out = os.environ.get("JOBLOOP_BENCH_MARKDOWN")
    if not out:
        return
    lines = [f"## Skill gaps at {args.postings:,} postings", "",
             f"`bench/gaps_bench.py`: server time through the Flask test client, median of {args.runs} runs; "
             f"`/api/health` took {health:.2f} ms in the same run; target < {TARGET_MS:.0f} ms.", "",
             "| view | median ms | × /api/health | bytes |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {name} | {ms:.0f} | {ratio:.0f} | {size:,} |" for name, ms, ratio, size in rows]
    with open(out, "a") as fh:
        fh.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    raise SystemExit(main())
