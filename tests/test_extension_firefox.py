"""The extension's end-to-end scenarios in Firefox ESR, against the real jobloop server.

Puppeteer (npm, no browser download) drives Debian's firefox-esr over WebDriver BiDi;
the scenarios are in tests/firefox/scenarios.mjs, one Firefox per scenario. What is
loaded is the Firefox build scripts/package-extension makes (the one users install),
built here into a temporary folder. scripts/test installs firefox-esr and the npm
dev dependencies; run alone, this test says what is missing instead of skipping.

Scenarios that run in Chromium only, and why, are listed in docs/extension.md.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from browser import ROOT, serve_pages
from factories import job_page
from jobloop.app import create_app
from jobloop.config import Config
from jobloop.security import current_token
from test_extension_browser import FIXTURES, ServerAt, free_port

pytestmark = pytest.mark.browser
FIREFOX = os.environ.get("JOBLOOP_FIREFOX", "/usr/bin/firefox-esr")
SCENARIOS = ROOT / "tests" / "firefox" / "scenarios.mjs"
PLACES = [{"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": place}}
          for place in ("Sunnyvale, CA", "San Francisco, CA")]


@pytest.fixture(scope="module")
def firefox_build(tmp_path_factory) -> Path:
    missing = [what for what, ok in (
        (f"{FIREFOX} (apt-get install firefox-esr)", Path(FIREFOX).exists()),
        ("node", shutil.which("node")),
        ("node_modules/puppeteer (PUPPETEER_SKIP_DOWNLOAD=1 npm ci)", (ROOT / "node_modules" / "puppeteer").is_dir()),
    ) if not ok]
    assert not missing, "scripts/test installs what Firefox tests need; missing: " + ", ".join(missing)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "package-extension"), "--no-lint", "--out", str(out)],
                   check=True, capture_output=True, timeout=120)
    [unpacked] = [p for p in out.iterdir() if p.is_dir() and p.name.startswith("jobloop-firefox-")]
    assert "service_worker" not in json.loads((unpacked / "manifest.json").read_text())["background"]
    return unpacked


@pytest.fixture(scope="module")
def pages():
    with serve_pages({
        "/jobs/platform-engineer": job_page(title="Platform Engineer", company="Lumen Labs", jobLocation=PLACES),
        "/jobs/data-analyst": job_page(title="Data Analyst", company="Northwind"),
        "/blog/interview-tips": (FIXTURES / "article.html").read_text(encoding="utf-8"),
    }) as server:
        yield server


SCENARIOS_RUN = ["paste-pairing", "one-click-pairing", "unpaired-popup", "preview-save", "outcomes",
                 "badge-clip", "queue", "not-a-posting", "recruiter", "web-page-no-token"]


@pytest.fixture(scope="module")
def firefox_results(firefox_build, pages, tmp_path_factory) -> dict:
    """Runs every scenario in one Firefox (it takes ~8 s to start), each against a fresh
    jobloop server and data dir; returns {scenario: {"ok", "error"?}}."""
    env = {**os.environ, "JOBLOOP_EXTENSION_DIR": str(firefox_build)}
    proc = subprocess.Popen(["node", str(SCENARIOS), *SCENARIOS_RUN], cwd=ROOT, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    results, server = {}, None

    def answer(data):
        proc.stdin.write(json.dumps(data) + "\n")
        proc.stdin.flush()

    try:
        for line in proc.stdout:  # the scenarios ask the host for what only Python can do
            message = json.loads(line) if line.startswith("{") else {}
            request = message.get("host")
            if isinstance(request, dict) and "new" in request:
                if server:
                    server.stop()
                config = Config(data_dir=tmp_path_factory.mktemp("firefox-data"), database_url=None, testing=True)
                server = ServerAt(create_app(config), free_port())
                if request["new"] != "queue":  # the queue scenario starts it once the clip waits
                    server.start()
                answer({"serverUrl": server.url, "token": current_token(config.data_dir), "pagesUrl": pages.url})
            elif request == "start-server":
                server.start()
                answer({"ok": True})
            elif "result" in message:
                results[message["result"]["scenario"]] = message["result"]
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        if server:
            server.stop()
    stderr = proc.stderr.read()
    for name in SCENARIOS_RUN:
        results.setdefault(name, {"ok": False, "error": f"did not run (node exited {proc.returncode}):\n{stderr[-3000:]}"})
    return results


@pytest.mark.parametrize("scenario", SCENARIOS_RUN)
def test_scenario_in_firefox(scenario, firefox_results):
    result = firefox_results[scenario]
    assert result["ok"], f"Firefox scenario {scenario} failed:\n{result.get('error', '')[-4000:]}"
