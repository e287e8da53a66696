"""A spreadsheet import of 50,000 rows (goal: under 20 s on this machine, memory bounded).

Writes a made-up CSV of N rows (default 50,000) with the columns a job-search
spreadsheet has (title, company, link, status, date applied, location, notes), then
times reading it, the preview, and the import into a new SQLite data dir, and the
undo of the whole batch; prints the peak resident memory of the process.

    .venv/bin/python bench/sheet_bench.py [--rows 50000]
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from jobloop.app import create_app
from jobloop.config import Config
from jobloop.db import database
from jobloop.models import Posting
from jobloop.services import spreadsheet

GOAL_S = 20.0
STATUSES = ("Wishlist", "Applied", "Phone screen", "Interviewing", "Offer", "Declined", "No response", "Applied")


def make_csv(rows: int) -> bytes:
    lines = ["Job title,Company,Link,Status,Date applied,Location,Notes"]
    for i in range(rows):
        status = STATUSES[i % len(STATUSES)]
        day = "" if status == "Wishlist" else f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}"
        lines.append(f"Engineer {i},Company {i % 2000},https://jobs.example.test/{i},{status},{day},"
                     f"City {i % 50},\"note for row {i}, with a comma\"")
    return ("\n".join(lines) + "\n").encode()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args, _ = parser.parse_known_args(argv)  # scripts/bench hands every bench the same arguments
    data = make_csv(args.rows)
    figures: list[tuple[str, str]] = [("file", f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB")]
    with tempfile.TemporaryDirectory() as tmp:
        create_app(Config(data_dir=Path(tmp), database_url=None))
        with database.connection_context():
            before = peak_mb()
            started = time.perf_counter()
            sheet = spreadsheet.read(data, "bench.csv")
            preview = spreadsheet.preview(sheet)
            read_s = time.perf_counter() - started
            started = time.perf_counter()
            summary = spreadsheet.import_rows(sheet, preview.mapping, now=datetime(2026, 12, 1, 12),
                                              progress=lambda done, total: print(f"  {done:,} / {total:,}",
                                                                                 end="\r", file=sys.stderr))
            import_s = time.perf_counter() - started
            assert summary.added == args.rows == Posting.select().count(), summary.lines()
            started = time.perf_counter()
            spreadsheet.undo(summary.batch)
            undo_s = time.perf_counter() - started
            peak = peak_mb()
    figures += [("read + preview", f"{read_s:.1f} s"), ("import", f"{import_s:.1f} s "
                 f"({args.rows / import_s:,.0f} rows/s)"), ("undo", f"{undo_s:.1f} s"),
                ("peak memory", f"{peak:.0f} MB (was {before:.0f} MB before reading)")]
    met = read_s + import_s < GOAL_S
    print(f"{'':2}spreadsheet import, goal < {GOAL_S:.0f} s: {'met' if met else 'missed'}")
    for name, value in figures:
        print(f"{name:16} {value}")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from figures import figure, report  # the one table scripts/bench prints (bench/figures.py)
    report([figure("spreadsheet", f"import of {args.rows:,} rows (read, preview, import)", read_s + import_s, "s",
                   goal=f"< {GOAL_S:.0f} s", met=met),
            figure("spreadsheet", "peak memory of the import", peak, "MB", reference="before reading",
                   reference_value=before)])
    out = os.environ.get("JOBLOOP_BENCH_MARKDOWN")
    if out:
        lines = [f"## Spreadsheet import of {args.rows:,} rows", "",
                 f"`bench/sheet_bench.py`: read, preview and import into a new SQLite store, then undo; goal "
                 f"< {GOAL_S:.0f} s for read + import ({'met' if met else 'missed'}).", "",
                 "| step | figure |", "| --- | ---: |"] + [f"| {n} | {v} |" for n, v in figures]
        with open(out, "a") as fh:
            fh.write("\n".join(lines) + "\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
