"""Shared helpers for browser tests: launch Debian's Chromium through Playwright.

Used by the extension tests and by the tracker's own browser tests. Usage:

    with launch_chromium(tmp_path) as browser:            # plain browser
        page = browser.context.new_page()
    with launch_chromium(tmp_path, extension=True) as browser:
        browser.extension_id, browser.service_worker      # the unpacked extension

Also: `serve_directory(path)` / `serve_pages({"/job": html})` serve static test pages
from 127.0.0.1 in a thread (headless Chromium can only read pages on loopback hosts).
"""
from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
EXTENSION_DIR = ROOT / "extension"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("JOBLOOP_CHROMIUM", "/usr/bin/chromium")

BASE_ARGS = [
    "--no-sandbox",  # we run as root in CI; the sandbox refuses root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    # No lookups beyond loopback: tests must never reach the network.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE ::1",
]


@dataclass
class Browser:
    context: object  # playwright BrowserContext
    extension_id: str | None = None
    service_worker: object | None = None  # playwright Worker
    extension_dir: Path | None = None
    pages: list = field(default_factory=list)

    def extension_url(self, path: str) -> str:
        assert self.extension_id, "launched without the extension"
        return f"chrome-extension://{self.extension_id}/{path.lstrip('/')}"

    def new_page(self, url: str | None = None, *, width: int = 1000, height: int = 800):
        page = self.context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        if url:
            page.goto(url)
        return page


@contextlib.contextmanager
def launch_chromium(tmp_path: Path, *, extension: bool | Path = False, headless: bool = True,
                    worker_timeout_ms: int = 10_000, extra_args: list[str] | None = None,
                    back_forward_cache: bool = False) -> Iterator[Browser]:
    """A persistent Chromium context in tmp_path/profile, optionally with the unpacked extension.

    `extension=True` loads extension/; a Path loads that folder instead. The same
    tmp_path reused later keeps chrome.storage (a "restart" of the browser).
    `back_forward_cache=True` keeps the cache Playwright switches off, as a user's Chromium
    has it: Back then shows a kept page instead of loading it again.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium")
    args = list(BASE_ARGS) + list(extra_args or [])
    ext_dir = None
    if extension:
        ext_dir = (EXTENSION_DIR if extension is True else Path(extension)).resolve()
        # Both flags: without the first, Playwright's own --disable-extensions wins.
        args += [f"--disable-extensions-except={ext_dir}", f"--load-extension={ext_dir}"]
    profile = Path(tmp_path) / "chromium-profile"
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=headless, args=args,
            viewport={"width": 1000, "height": 800},
            ignore_default_args=["--disable-back-forward-cache"] if back_forward_cache else None,
        )
        try:
            browser = Browser(context=context, extension_dir=ext_dir)
            if ext_dir:
                workers = context.service_workers
                if workers:
                    worker = workers[0]
                else:
                    try:
                        worker = context.wait_for_event("serviceworker", timeout=worker_timeout_ms)
                    except Exception as exc:  # a broken extension fails silently; say so
                        raise RuntimeError(
                            f"the extension's service worker did not start within {worker_timeout_ms} ms: "
                            f"manifest.json or background.js in {ext_dir} is probably broken") from exc
                browser.service_worker = worker
                browser.extension_id = worker.url.split("/")[2]
            yield browser
        finally:
            context.close()


def screenshot(page, name: str, *, also: Path | None = None) -> Path:
    """Save to test-artifacts/<name>.png; with JOBLOOP_UPDATE_SCREENSHOTS=1 also refresh
    `also` (e.g. docs/screenshots/...), so ordinary runs leave the committed pictures alone."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    if also and os.environ.get("JOBLOOP_UPDATE_SCREENSHOTS"):
        also.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, also)
    return path


def arrived(page, selector: str) -> None:
    """The page a form led to, whole: `selector` names something only that page has, and the
    checks after it read elements further down, which the browser may not have read yet
    when the first one shows (a count does not wait)."""
    page.wait_for_selector(selector)
    page.wait_for_load_state("load")


# ---- static test pages on 127.0.0.1 ------------------------------------------------

class _PagesHandler(http.server.BaseHTTPRequestHandler):
    pages: dict[str, str] = {}

    def do_GET(self):  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        body = self.pages.get(path)
        if body is None:
            self.send_error(404)
            return
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep test output quiet
        pass


class PageServer:
    """Serves a dict {path: html} from 127.0.0.1 on a free port; pages can be added live."""

    def __init__(self, pages: dict[str, str] | None = None):
        handler = type("Handler", (_PagesHandler,), {"pages": dict(pages or {})})
        self.pages = handler.pages
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def add(self, path: str, html: str) -> str:
        self.pages[path] = html
        return self.url + path

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextlib.contextmanager
def serve_pages(pages: dict[str, str] | None = None) -> Iterator[PageServer]:
    server = PageServer(pages)
    try:
        yield server
    finally:
        server.stop()


def serve_directory(directory: Path) -> PageServer:
    """Every .html file under directory, served at /<relative path>."""
    directory = Path(directory)
    return PageServer({"/" + p.relative_to(directory).as_posix(): p.read_text(encoding="utf-8")
                       for p in directory.rglob("*.html")})
