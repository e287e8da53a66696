"""A spreadsheet import of 50,000 rows (goal: under 20 s on this machine, memory flat).

For each size (default 5,000 and 50,000 rows) a fresh process writes a made-up CSV file
with the columns a job-search spreadsheet has (title, company, link, status, date
applied, location, notes), then times reading it and the preview, the import into a new
SQLite data dir, and the undo of the whole batch, and reports its peak resident memory.
Flat memory means the two peaks are about the same: the file is streamed, not held.

    .venv/bin/python bench/sheet_bench.py [--rows 5000,50000]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

GOAL_S = 20.0
STATUSES = ("Wishlist", "Applied", "Phone screen", "Interviewing", "Offer", "Declined", "No response", "Applied")


def make_csv(rows: int) -> bytes:
    return b"".join(_lines(rows))


def _lines(rows: int):
    yield b"Job title,Company,Link,Status,Date applied,Location,Notes\n"
    for i in range(rows):
        status = STATUSES[i % len(STATUSES)]
        day = "" if status == "Wishlist" else f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}"
        yield (f"Engineer {i},Company {i % 2000},https://jobs.example.test/{i},{status},{day},"
               f"City {i % 50},\"note for row {i}, with a comma\"\n").encode()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(rows: int) -> dict:
    """One size, in this process (a fresh one, so its peak memory is its own)."""
    from jobloop.app import create_app
    from jobloop.config import Config
    from jobloop.db import database
    from jobloop.models import Posting
    from jobloop.services import spreadsheet

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.csv"
        with path.open("wb") as fh:
            fh.writelines(_lines(rows))
        create_app(Config(data_dir=Path(tmp) / "data", database_url=None))
        with database.connection_context():
            before = peak_mb()
            started = time.perf_counter()
            sheet = spreadsheet.read(path, "bench.csv")
            preview = spreadsheet.preview(sheet)
            read_s = time.perf_counter() - started
            started, cpu = time.perf_counter(), time.process_time()
            summary = spreadsheet.import_rows(sheet, preview.mapping, now=datetime(2026, 12, 1, 12),
                                              progress=lambda done, total: print(f"  {done:,} / {total:,}",
                                                                                 end="\r", file=sys.stderr))
            import_s, import_cpu = time.perf_counter() - started, time.process_time() - cpu
            import_mb = peak_mb()
            assert summary.added == rows == Posting.select().count(), summary.lines()
            started = time.perf_counter()
            spreadsheet.undo(summary.batch)
            undo_s = time.perf_counter() - started
            return {"rows": rows, "mb": path.stat().st_size / 1e6, "read_s": read_s, "import_s": import_s,
                    "import_cpu": import_cpu, "undo_s": undo_s, "before_mb": before, "import_mb": import_mb,
                    "peak_mb": peak_mb()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="5000,50000", help="sizes, comma-separated")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process: one size, as JSON
    args, _ = parser.parse_known_args(argv)  # scripts/bench hands every bench the same arguments
    if args.one:
        print(json.dumps(measure(args.one)))
        return 0
    load = os.getloadavg()[0]
    runs = []
    for rows in (int(n.replace("_", "")) for n in args.rows.split(",")):
        child = subprocess.run([sys.executable, __file__, "--one", str(rows)], stdout=subprocess.PIPE, check=True)
        runs.append(json.loads(child.stdout))
    largest = runs[-1]
    met = largest["read_s"] + largest["import_s"] < GOAL_S
    header = ("| rows | file | read + preview | import | peak memory: before, after import, after undo | undo |\n"
              "| ---: | ---: | ---: | ---: | ---: | ---: |")
    table = "\n".join(
        f"| {r['rows']:,} | {r['mb']:.1f} MB | {r['read_s']:.1f} s | {r['import_s']:.1f} s ({r['import_cpu']:.1f} s"
        f" CPU, {r['rows'] / r['import_s']:,.0f} rows/s) | {r['before_mb']:.0f}, {r['import_mb']:.0f},"
        f" {r['peak_mb']:.0f} MB | {r['undo_s']:.1f} s |" for r in runs)
    print(f"  spreadsheet import of {largest['rows']:,} rows, goal < {GOAL_S:.0f} s: {'met' if met else 'missed'}"
          f" (load average {load:.1f})")
    print(header)
    print(table)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from figures import figure, report  # the one table scripts/bench prints (bench/figures.py)

    smallest = runs[0]
    report([figure("spreadsheet", f"import of {largest['rows']:,} rows (read, preview, import)",
                   largest["read_s"] + largest["import_s"], "s", goal=f"< {GOAL_S:.0f} s", met=met),
            figure("spreadsheet", f"import CPU time, {largest['rows']:,} rows", largest["import_cpu"], "s"),
            figure("spreadsheet", f"peak memory, {largest['rows']:,} rows", largest["import_mb"], "MB",
                   reference=f"{smallest['rows']:,} rows", reference_value=smallest["import_mb"],
                   goal="flat (same peak at each size)")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
