"""The popup's preview with the company's history and the fit, against the parse alone, in a
store of 10,000 postings (goal: parse + history + fit <= 1.2x the parse, median over real pages).

usage: python bench/companies_bench.py [--postings 10000] [--corpus DIR] [--runs 5]
       (corpus default: ../shared/corpus, or $JOBLOOP_CORPUS)

Seeds a temporary SQLite data dir: every corpus page's company has met the user before (a
posting rejected after the interview with written feedback, one in flight, one saved, a
contact), the rest of the N postings are spread over other companies, with stage events
and skills, and the profile holds a few skills. Then for every page, in turns: the best of a few runs
of parse(html, url) alone, and of the parse followed by what the preview adds to it (history,
fit, the same job, the target: companies.clip_context); the goal figure is the median of the
ratios. Also shown: the whole request the popup makes, POST /api/parse answered by the app in
process, which adds what every API call costs (token, JSON body, response schema) and the
draft held for the save (issue 20's draft cache) to the same work.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from jobloop.app import create_app  # noqa: E402
from jobloop.config import Config  # noqa: E402
from jobloop.db import database  # noqa: E402
from jobloop.security import current_token  # noqa: E402
from jobloop.models import Company, Contact, Event, Posting, ProfileSkill, Reflection, utcnow  # noqa: E402
from jobloop.parsing import parse  # noqa: E402
from jobloop.parsing.identity import company_key  # noqa: E402
from jobloop.services import companies, posting_skills  # noqa: E402
from figures import figure, report  # noqa: E402

GOAL = 1.2
SKILLS = ["Python", "SQL", "Kubernetes", "Terraform", "AWS", "Docker", "Apache Kafka", "Airflow", "React",
          "TypeScript", "Go", "PostgreSQL", "Machine learning", "Excel", "Tableau"]
STAGE_WEIGHTS = {"saved": 30, "applied": 25, "screening": 8, "interviewing": 6, "offer": 2, "rejected": 15,
                 "ghosted": 10, "withdrawn": 4}


def best_of_each(fns, runs: int) -> list[float]:
    """The best time of each function, run in turns: load from other work on the machine then
    weighs on both alike instead of on whichever ran during a busy moment."""
    times = [[] for _ in fns]
    for _ in range(runs):
        for i, fn in enumerate(fns):
            gc.collect()
            gc.disable()  # as timeit does: a collection of the parser's garbage lands on whichever runs next
            try:
                started = time.perf_counter()
                fn()
                times[i].append(time.perf_counter() - started)
            finally:
                gc.enable()
    return [min(t) for t in times]


def corpus_pages(corpus: Path) -> list[tuple[str, str, str]]:
    out = []
    for line in (corpus / "manifest.jsonl").read_text().splitlines():
        if line.strip():
            d = json.loads(line)
            if d.get("kind", "posting") == "posting":
                html = (corpus / d["file"]).read_bytes().decode("utf-8", errors="replace")
                out.append((d["file"], d.get("url") or "https://example.com/", html))
    return out


def seed(n: int, met: list[tuple[str, str]], rng: random.Random) -> None:
    """n postings: three at each company in `met` (name, title), the rest over other companies."""
    now = utcnow()
    with database.atomic():
        names = sorted({name for name, _ in met}) + [f"Company {i:04d}" for i in range(max(1, n // 12))]
        Company.insert_many([{"name": name, "key": company_key(name) or None} for name in names]).execute()
        ids = {c.name: c.id for c in Company.select(Company.id, Company.name)}
        rows, stages = [], []
        for name, title in met:
            for stage, days in (("rejected", 120), ("applied", 20), ("saved", 5)):
                rows.append((ids[name], title, stage, now - timedelta(days=days)))
        fillers = [ids[name] for name in names if name.startswith("Company ")]
        while len(rows) < n:
            stage = rng.choices(list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values()))[0]
            rows.append((rng.choice(fillers), f"Engineer {len(rows)}", stage, now - timedelta(days=rng.uniform(0, 365))))
        # Descriptions as long as real ones (~4 KB): they decide how many pages a row spans.
        description = " ".join(rng.choice(("python", "team", "data", "platform", "customers", "build", "ship", "own",
                                           "scale", "reliable")) for _ in range(600))
        postings = []
        for i, (company_id, title, stage, created) in enumerate(rows):
            postings.append({"canonical_url": f"https://www.linkedin.com/jobs/view/{i}", "url": f"https://www.linkedin.com/jobs/view/{i}",
                             "title": title, "company": company_id, "stage": stage, "stage_changed_at": created,
                             "created_at": created, "updated_at": created, "description_text": description,
                             "skills": json.dumps(rng.sample(SKILLS, 5)), "locations": "[]", "field_sources": "{}",
                             "user_edited": "[]"})
            stages.append(stage)
        for start in range(0, len(postings), 500):
            Posting.insert_many(postings[start:start + 500]).execute()
        events = []
        for posting_id, stage, created in Posting.select(Posting.id, Posting.stage, Posting.created_at).tuples():
            path = ["saved"] + ({"saved": [], "applied": ["applied"], "withdrawn": ["withdrawn"]}.get(stage)
                                or ["applied", "interviewing", stage] if stage in ("rejected", "ghosted", "offer")
                                else ["applied", stage])
            for step, to in enumerate(dict.fromkeys(path)):
                events.append({"posting": posting_id, "kind": "stage", "to_stage": to, "details": "{}",
                               "at": created + timedelta(days=step * 5), "created_at": created})
        for start in range(0, len(events), 500):
            Event.insert_many(events[start:start + 500]).execute()
        rejected = Posting.select(Posting.id, Posting.stage_changed_at).where(Posting.stage == "rejected").tuples()
        Reflection.insert_many([{"posting": pid, "due_at": at, "feedback": "More system design next time.",
                                 "written_at": at, "created_at": at} for pid, at in rejected]).execute()
        Contact.insert_many([{"name": f"Recruiter {i}", "role": "Recruiter", "company": ids[name], "warmth": "warm",
                              "last_contact_at": now - timedelta(days=30), "created_at": now}
                             for i, name in enumerate(sorted({name for name, _ in met}))]).execute()
        ProfileSkill.insert_many([{"name": s, "level": 3} for s in ("Python", "SQL", "k8s", "AWS")]).execute()
    posting_skills.rebuild()  # rows inserted in bulk bypass refresh(), as an import's do; the fit reads the tallies


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--postings", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "5")))
    ap.add_argument("--corpus", type=Path, default=Path(os.environ.get("JOBLOOP_CORPUS", ROOT.parent / "shared" / "corpus")))
    args, _ = ap.parse_known_args(argv)
    if not (args.corpus / "manifest.jsonl").exists():
        print(f"no corpus at {args.corpus}: set JOBLOOP_CORPUS or pass --corpus")
        return 0
    pages = corpus_pages(args.corpus)
    drafts = [(name, url, html, parse(html, url)) for name, url, html in pages]
    met = [(d.company, d.title or "Engineer") for _, _, _, d in drafts if d.company]

    data_dir = Path(tempfile.mkdtemp(prefix="jobloop-companies-bench-"))
    app = create_app(Config(data_dir=data_dir, database_url=None, testing=True))
    with app.app_context():
        database.connect(reuse_if_open=True)
        seed(args.postings, met, random.Random(17))
        database.close()
    # The goal: parse + history + fit (+ the same job and the target) against the parse alone,
    # both in process, same page, in turns. Then the whole preview request the popup makes,
    # POST /api/parse answered by the app in process (no socket): the same, plus what any API
    # call costs (the token, the JSON body, the response schema) and the draft held for the save.
    client = app.test_client()
    auth = {"Authorization": f"Bearer {current_token(data_dir)}"}
    ratios, request_ratios, extra_ms, context_ms, with_history = [], [], [], [], 0
    for name, url, html, _ in drafts:
        body = json.dumps({"url": url, "html": html})

        def preview():
            res = client.post("/api/parse", data=body, content_type="application/json", headers=auth)
            assert res.status_code == 200, res.get_data(as_text=True)[:300]
            return res

        def parse_and_context():
            companies.clip_context(parse(html, url).to_dict(), url, utcnow())

        with app.app_context():
            database.connect(reuse_if_open=True)
            draft = parse(html, url).to_dict()
            now = utcnow()
            (context,) = best_of_each([lambda: companies.clip_context(draft, url, now)], args.runs)
            alone, whole = best_of_each([lambda: parse(html, url), parse_and_context], args.runs)
            database.close()
        (request,) = best_of_each([preview], args.runs)
        with_history += bool(preview().get_json()["history"])
        ratios.append(whole / alone)
        request_ratios.append(request / alone)
        extra_ms.append((request - alone) * 1000)
        context_ms.append(context * 1000)
    med, worst = statistics.median(ratios), max(ratios)
    print(f"{len(drafts)} pages, {Posting_count(app)} postings; {with_history} previews carried a history;"
          f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    bench = "companies"
    request_med = statistics.median(request_ratios)
    report([
        figure(bench, f"parse + history + fit + same job + target, {args.postings:,} postings", med, "×",
               reference="parse alone, same page", ratio=med, goal=f"median ≤ {GOAL}×", met=med <= GOAL, summary=True),
        figure(bench, "parse + history + fit + same job + target, worst page", worst, "×",
               reference="parse alone, same page", ratio=worst),
        figure(bench, "history + fit + same job + target alone (median)", statistics.median(context_ms), "ms"),
        figure(bench, "the whole preview request (POST /api/parse, in process), median", request_med, "×",
               reference="parse alone, same page", ratio=request_med),
        figure(bench, "time the whole request adds to the parse (median)", statistics.median(extra_ms), "ms"),
    ])
    return 0


def Posting_count(app) -> int:  # noqa: N802
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            return Posting.select().count()
        finally:
            database.close()


if __name__ == "__main__":
    sys.exit(main())
