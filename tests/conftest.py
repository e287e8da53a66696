"""Shared fixtures: a fresh data dir and store per test, one Flask app per run, a real server on a free port.

Building the Flask app costs far more than a fresh SQLite store (the routes and the
OpenAPI document are built on creation), and nothing in it belongs to one test: the
app reads its data dir, token and clock from app.config["JOBLOOP"] on every request.
So the run builds it once (`_shared_app`) and `app` points it at the test's own
Config; service tests take `db` (or `store`) and never build Flask at all. Tests of
create_app itself (test_migrations_db, test_serve_cli) call it directly.
"""
from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from factories import Clock
from jobloop.app import create_app
from jobloop.config import Config
from jobloop.db import database, open_database
from jobloop.security import current_token, load_or_create_token
# The follow-up and reflection rules, loaded as the app loads them, for service tests
# that never build the app.
from jobloop.services import calendar, followups, reflection  # noqa: F401
from stores import ON_POSTGRES, fresh_database_url

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


ZONES = ("UTC", "Australia/Sydney", "America/Los_Angeles")  # UTC, ahead of it, behind it


@pytest.fixture(params=ZONES)
def zone(request, monkeypatch):
    """The test process (so the app, and the user's machine) in each time zone in turn."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def clock() -> Clock:
    """The app's clock: real time; a test module overrides this fixture to fix it."""
    return Clock()


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): about the SQLite file alone; skipped on PostgreSQL")


def pytest_runtest_setup(item):
    marker = item.get_closest_marker("sqlite_only")
    if marker and ON_POSTGRES:
        pytest.skip("SQLite only: " + marker.kwargs["reason"])  # a reason is required


@pytest.fixture
def database_url() -> str | None:
    """The store under test (tests/stores.py): None for the data dir's SQLite file."""
    return fresh_database_url()


@pytest.fixture
def config(tmp_path, clock, database_url) -> Config:
    return Config(data_dir=tmp_path / "data", database_url=database_url, testing=True, clock=clock)


@pytest.fixture(scope="session")
def _shared_config(tmp_path_factory) -> Config:
    return Config(data_dir=tmp_path_factory.mktemp("shared") / "data", database_url=None, testing=True)


@pytest.fixture(scope="session")
def _shared_app(_shared_config):
    return create_app(_shared_config)


@pytest.fixture(scope="session")
def _migrated_file(_shared_app, _shared_config) -> Path:
    """The shared app's own store, migrated by create_app as on any start and never served
    (each test binds its own): every test's store starts as a copy of it. Migrating costs
    ~100 ms of small synced writes, a copy ~10 ms."""
    return _shared_config.sqlite_path


@pytest.fixture
def store(config, _migrated_file):
    """This test's own store, migrated, bound to the models. No Flask in the test.
    SQLite: a copy of the migrated file. PostgreSQL: the database fresh_database_url()
    emptied (or migrated), with the calendar secret create_app makes on start."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    if config.database_url:
        db = open_database(config)
        with db.connection_context():
            calendar.ensure_secret()
    else:
        shutil.copyfile(_migrated_file, config.sqlite_path)
        db = open_database(config)
    yield db
    if not db.is_closed():
        db.close()


@pytest.fixture(scope="module")
def module_store(tmp_path_factory, _migrated_file):
    """One store for a whole test module, for data a module-scoped fixture seeds once.
    Tests read it through `shared_db`, which rolls back whatever a test writes."""
    config = Config(data_dir=tmp_path_factory.mktemp("module") / "data", database_url=None, testing=True)
    config.data_dir.mkdir(parents=True)
    shutil.copyfile(_migrated_file, config.sqlite_path)
    db = open_database(config)
    db.connect()
    yield db
    db.close()


@pytest.fixture
def shared_db(module_store):
    database.initialize(module_store)
    database.connect(reuse_if_open=True)
    with database.atomic() as transaction:
        yield database
        transaction.rollback()


@pytest.fixture
def app(_shared_app, config, store):
    """The app, serving this test's data dir, store, token and clock."""
    database.initialize(store)  # the shared app bound the models to its own store when it was built
    load_or_create_token(config.data_dir)  # as create_app does on first start
    _shared_app.config["JOBLOOP"] = config
    return _shared_app


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
def db(store):
    """A connection for tests that call services directly (with or without the app)."""
    database.connect(reuse_if_open=True)
    yield database
    if not database.is_closed():
        database.close()


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """Debian's Chromium without the extension, one per test module (the extension's tests
    launch their own with it loaded)."""
    from browser import launch_chromium

    with launch_chromium(tmp_path_factory.mktemp("chromium")) as browser:
        yield browser


@pytest.fixture
def page(chromium):
    page = chromium.new_page(width=1280, height=860)
    yield page
    page.close()


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
