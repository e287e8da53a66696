"""Shared fixtures: a fresh data dir and app per test, a real server on a free port."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from factories import Clock
from jobloop.app import create_app
from jobloop.config import Config
from jobloop.security import current_token

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def clock() -> Clock:
    """The app's clock: real time; a test module overrides this fixture to fix it."""
    return Clock()


@pytest.fixture
def config(tmp_path, clock) -> Config:
    return Config(data_dir=tmp_path / "data", database_url=None, testing=True, clock=clock)


@pytest.fixture
def app(config):
    return create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def token(app, config) -> str:
    return current_token(config.data_dir)


@pytest.fixture
def auth(token) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def db(app):
    """A connection for tests that call services directly."""
    from jobloop.db import database

    database.connect(reuse_if_open=True)
    yield database
    if not database.is_closed():
        database.close()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    server = LiveServer(app).start()
    yield server
    server.stop()


def pytest_terminal_summary(terminalreporter):
    """One line per browser for the extension's end-to-end tests (issue: both counts reported)."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            path = getattr(report, "nodeid", "").split("::")[0]
            if not path.startswith("tests/test_extension_") or "browser" not in path and "firefox" not in path:
                continue
            browser = "Firefox ESR" if "firefox" in path else "Chromium"
            if getattr(report, "when", "call") != "call" and outcome == "passed":
                continue
            counts.setdefault(browser, {}).setdefault(outcome, 0)
            counts[browser][outcome] += 1
    for browser, by_outcome in sorted(counts.items()):
        terminalreporter.write_line(f"extension end-to-end in {browser}: "
                                    + ", ".join(f"{n} {outcome}" for outcome, n in by_outcome.items()))
