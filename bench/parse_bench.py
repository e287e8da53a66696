"""Parser speed against the cost of just building the soup, over a folder of real pages.

usage: python bench/parse_bench.py [CORPUS_DIR]   (default: ../shared/corpus, or $JOBLOOP_CORPUS)

For every page: the best of a few runs of BeautifulSoup(html, "lxml") alone (the baseline),
of parse(html, url), and of a whole capture through the API (Flask test client, POST
/api/captures into a real temporary data dir: parse, store, snapshot). Reports the median
and worst ratio to the baseline. Targets: parse median <= 1.5x, worst <= 3x; capture <= 2x.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from bs4 import BeautifulSoup  # noqa: E402

from jobloop.parsing import parse  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def best(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def pages(corpus: Path) -> list[tuple[str, str, str]]:
    out = []
    for line in (corpus / "manifest.jsonl").read_text().splitlines():
        if line.strip():
            d = json.loads(line)
            html = (corpus / d["file"]).read_bytes().decode("utf-8", errors="replace")
            out.append((d["file"], d.get("url") or "https://example.com/", html))
    return out


def capture_client():
    from jobloop.app import create_app
    from jobloop.config import Config
    from jobloop.security import current_token

    data_dir = Path(tempfile.mkdtemp(prefix="jobloop-bench-"))
    config = Config(data_dir=data_dir, database_url=None, testing=True)
    app = create_app(config)
    headers = {"Authorization": f"Bearer {current_token(data_dir)}"}
    return app.test_client(), headers


def summary(name: str, ratios: list[float], target_median: float, target_worst: float | None) -> str:
    med, worst = statistics.median(ratios), max(ratios)
    ok = med <= target_median and (target_worst is None or worst <= target_worst)
    goal = f"target median <= {target_median}x" + (f", worst <= {target_worst}x" if target_worst else "")
    return f"{name:8s} median {med:.2f}x  worst {worst:.2f}x  ({goal}: {'ok' if ok else 'MISSED'})"


def markdown_row(label: str, ratios: list[float], target_median: float, target_worst: float | None) -> str:
    med, worst = statistics.median(ratios), max(ratios)
    ok = med <= target_median and (target_worst is None or worst <= target_worst)
    goal = f"median ≤ {target_median}×" + (f", worst ≤ {target_worst}×" if target_worst else "")
    return f"| {label} | {med:.2f}× | {worst:.1f}× | {goal}{'' if ok else ' — **not met**'} |"


def markdown(corpus: Path, count: int, parse_ratios: list[float], capture_ratios: list[float]) -> None:
    """Append this run's table to $JOBLOOP_BENCH_MARKDOWN (scripts/bench --write-docs collects them)."""
    out = os.environ.get("JOBLOOP_BENCH_MARKDOWN")
    if not out:
        return
    lines = ["## Parser", "",
             f"`bench/parse_bench.py` over the {count} pages of `{os.path.relpath(corpus, ROOT)}`: each ratio is to "
             f'`BeautifulSoup(html, "lxml")` alone on the same page, best of {RUNS}, measured in the same run.', "",
             "| | median | worst | target |", "| --- | ---: | ---: | --- |",
             markdown_row("`parse(html, url)`", parse_ratios, 1.5, 3.0),
             markdown_row("whole capture through the API (parse, store, snapshot)", capture_ratios, 2.0, None)]
    with open(out, "a") as fh:
        fh.write("\n".join(lines) + "\n\n")


def main(argv: list[str]) -> int:
    argv = [a for a in argv if not a.startswith("--")]  # scripts/bench hands every bench its options
    corpus = Path(argv[0] if argv else os.environ.get("JOBLOOP_CORPUS", ROOT.parent / "shared" / "corpus"))
    if not (corpus / "manifest.jsonl").exists():
        print(f"no corpus at {corpus}; pass a folder with manifest.jsonl")
        return 0
    client, headers = capture_client()
    parse_ratios, capture_ratios = [], []
    print(f"{'page':45s} {'soup ms':>8s} {'parse':>7s} {'capture':>8s}")
    for n, (name, url, html) in enumerate(pages(corpus)):
        base = best(lambda: BeautifulSoup(html, "lxml"))
        p = best(lambda: parse(html, url))
        counter = iter(range(10**6))

        def post():
            # A fresh URL each run, so every run creates a posting (the full path).
            r = client.post("/api/captures", json={"url": f"{url}{'&' if '?' in url else '?'}bench={n}-{next(counter)}",
                                                  "html": html}, headers=headers)
            assert r.status_code in (200, 201), r.get_data(as_text=True)[:200]
        c = best(post, max(2, RUNS // 2))
        parse_ratios.append(p / base)
        capture_ratios.append(c / base)
        print(f"{name:45s} {base * 1000:8.1f} {p / base:6.2f}x {c / base:7.2f}x")
    print()
    print(summary("parse", parse_ratios, 1.5, 3.0))
    print(summary("capture", capture_ratios, 2.0, None))
    markdown(corpus, len(parse_ratios), parse_ratios, capture_ratios)
    from figures import figure, report  # the one table scripts/bench prints (bench/figures.py)
    pm, cm = statistics.median(parse_ratios), statistics.median(capture_ratios)
    report([figure("parser", "`parse()`, median over the corpus", pm, "×", reference="soup build", ratio=pm,
                   goal="median ≤ 1.5×", met=pm <= 1.5, summary=True),
            figure("parser", "`parse()`, worst page", max(parse_ratios), "×", reference="soup build",
                   ratio=max(parse_ratios), goal="≤ 3×", met=max(parse_ratios) <= 3),
            figure("parser", "capture through the API, median", cm, "×", reference="soup build", ratio=cm,
                   goal="≤ 2×", met=cm <= 2, summary=True)])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
