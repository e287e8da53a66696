"""Popup opened -> preview shown, in real Chromium with the extension, against parse() of the
same page (issue: "popup-to-preview / parse").

usage: python bench/popup_bench.py [--corpus DIR] [--runs 3] [--pages N]

Serves the corpus' job pages from 127.0.0.1 (headless Chromium lets the extension read only
loopback pages), starts a real `jobloop serve` on a fresh data dir, pairs the extension with
it, and for every page opens the popup on the page's tab --runs times. The popup marks the
moment its preview is on screen (performance.mark "jobloop-preview-shown", measured from the
popup's navigation start): that covers reading the tab, the request, the server's parse,
history and fit, and drawing the form. The reference is parse(html, url) of the same page and
address, in this process, best of five. Needs Chromium and Playwright (scripts/test installs them).
"""
from __future__ import annotations

import argparse
import gc
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
sys.path.insert(0, str(ROOT / "tests"))

from figures import figure, report  # noqa: E402
from jobloop.parsing import parse  # noqa: E402
from pages_bench import Server  # noqa: E402

SHOWN = "jobloop-preview-shown"
# The popup's marks, in order: the tab's page read, the server's answer, the preview drawn.
STEPS = ("jobloop-page-read", "jobloop-preview-answered", SHOWN)


def corpus_postings(corpus: Path, limit: int | None) -> list[tuple[str, str]]:
    out = []
    for line in (corpus / "manifest.jsonl").read_text().splitlines():
        if line.strip():
            d = json.loads(line)
            if d.get("kind", "posting") == "posting":
                out.append((d["file"], (corpus / d["file"]).read_bytes().decode("utf-8", errors="replace")))
    return out[:limit] if limit else out


def parse_time(html: str, url: str, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        parse(html, url)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=Path(os.environ.get("JOBLOOP_CORPUS", ROOT.parent / "shared" / "corpus")))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pages", type=int, default=None, help="only the first N pages")
    args, _ = ap.parse_known_args(argv)
    if not (args.corpus / "manifest.jsonl").exists():
        print(f"no corpus at {args.corpus}: set JOBLOOP_CORPUS or pass --corpus")
        return 0
    try:
        from browser import launch_chromium, serve_pages
        launch_chromium  # noqa: B018 (imported for the check below)
        import playwright  # noqa: F401
    except ImportError as exc:
        print(f"popup bench skipped: {exc} (scripts/test installs Playwright)")
        return 0
    pages = corpus_postings(args.corpus, args.pages)
    tmp = Path(tempfile.mkdtemp(prefix="jobloop-popup-bench-"))
    data_dir = tmp / "data"
    data_dir.mkdir()
    server = Server(data_dir, None)
    popup_ms, ratios, steps, skipped = [], [], [], []
    try:
        with serve_pages({f"/{i}/job.html": html for i, (_, html) in enumerate(pages)}) as site, \
                launch_chromium(tmp, extension=True) as browser:
            token = server.headers["Authorization"].split(" ", 1)[1]
            browser.service_worker.evaluate(
                "([serverUrl, token]) => chrome.storage.local.set({settings: {serverUrl, token}})",
                [f"http://127.0.0.1:{server.port}", token])
            for i, (name, html) in enumerate(pages):
                url = f"{site.url}/{i}/job.html"
                tab_page = browser.new_page(url)
                tab_page.wait_for_load_state("load")
                tab = browser.service_worker.evaluate(
                    "async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id ?? null", url)
                times, said = [], ""
                for _ in range(args.runs):
                    popup = browser.new_page(browser.extension_url(f"popup/popup.html?tab={tab}"), width=360, height=560)
                    # The preview drawn, or the popup saying why there is none (a page it cannot read…).
                    popup.wait_for_function(f"() => performance.getEntriesByName('{SHOWN}').length > 0 ||"
                                            " (document.getElementById('preview').hidden &&"
                                            " document.getElementById('message').textContent !== 'Reading this page…')",
                                            timeout=60_000)
                    if popup.evaluate(f"() => performance.getEntriesByName('{SHOWN}').length > 0"):
                        times.append(popup.evaluate("(names) => names.map((n) => performance.getEntriesByName(n)[0].startTime)",
                                                    list(STEPS)))
                    else:
                        said = popup.locator("#message").inner_text()
                    popup.close()
                tab_page.close()
                if not times:
                    skipped.append(name)
                    print(f"  {name:50.50} no preview: {said[:80]}")
                    continue
                read, answered, shown = min(times, key=lambda t: t[-1])
                steps.append((read, answered - read, shown - answered))
                reference = parse_time(html, url) * 1000
                popup_ms.append(shown)
                ratios.append(shown / reference)
                print(f"  {name:50.50} popup {shown:7.1f} ms  parse {reference:6.1f} ms  {shown / reference:5.2f}×")
    finally:
        server.stop()
    med = statistics.median(ratios)
    print(f"{len(pages) - len(skipped)} pages ({len(skipped)} showed no preview); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; medians:"
          f" popup open to page read {statistics.median(s[0] for s in steps):.0f} ms,"
          f" request (parse, history, fit) {statistics.median(s[1] for s in steps):.0f} ms,"
          f" drawing the preview {statistics.median(s[2] for s in steps):.0f} ms")
    report([
        figure("popup", "popup opened -> preview shown (Chromium, real server), median", statistics.median(popup_ms),
               "ms"),
        figure("popup", "popup opened -> preview shown / parse of the page, median", med, "×",
               reference="parse alone, same page", ratio=med, summary=True),
        figure("popup", "popup opened -> preview shown / parse, worst page", max(ratios), "×",
               reference="parse alone, same page", ratio=max(ratios)),
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
