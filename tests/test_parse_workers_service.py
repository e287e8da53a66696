"""Parses shared with worker processes (services/parse_workers.py): the same draft as a parse
here, while another parse runs here; a worker that dies is replaced."""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from jobloop.parsing import parse
from jobloop.parsing import soup
from jobloop.services import parse_workers
from jobloop.services.parse_workers import ParseWorkers

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
NOW = datetime(2026, 11, 20, 9, 0)


def names() -> list[str]:
    return sorted(str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*.html"))


def page(name: str) -> tuple[str, str]:
    return (FIXTURES / name).read_text(encoding="utf-8", errors="replace"), f"https://jobs.example.test/{name}"


@pytest.fixture
def workers():
    pool = ParseWorkers(1)
    yield pool
    pool.close()


def call_in_thread(fn, *args) -> tuple[threading.Thread, dict]:
    out: dict = {}
    thread = threading.Thread(target=lambda: out.setdefault("draft", fn(*args)), daemon=True)
    thread.start()
    return thread, out


def wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.01)


def busy_here(workers: ParseWorkers, html: str, url: str):
    """A parse here that cannot finish: it waits for the soup lock, which the test holds."""
    thread, out = call_in_thread(workers.parse, html, url, NOW)
    wait_for(lambda: workers._here_busy)
    return thread, out


def pool_children() -> list[multiprocessing.Process]:
    return [p for p in multiprocessing.active_children() if p.is_alive()]


def test_a_lone_parse_runs_here_and_starts_no_process(workers):
    html, url = page(names()[0])
    before = pool_children()
    assert workers.parse(html, url, NOW).to_dict() == parse(html, url, now=NOW).to_dict()
    assert workers._pool is None and pool_children() == before


def test_a_parse_while_another_runs_here_goes_to_a_worker_with_the_same_draft(workers):
    first, *others = names()[:4]
    first_html, first_url = page(first)
    with soup._ONE_AT_A_TIME:  # this process cannot build a soup until the test lets go
        held, held_out = busy_here(workers, first_html, first_url)
        drafts = {}
        for name in others:
            html, url = page(name)
            thread, out = call_in_thread(workers.parse, html, url, NOW)
            thread.join(60)
            assert not thread.is_alive(), "the second parse waited for this process"
            drafts[name] = out["draft"]
        assert not held_out  # still waiting: the parses above ran elsewhere
    held.join(60)
    assert held_out["draft"].to_dict() == parse(first_html, first_url, now=NOW).to_dict()
    for name, draft in drafts.items():
        html, url = page(name)
        assert draft.to_dict() == parse(html, url, now=NOW).to_dict(), name


def test_a_worker_that_dies_is_replaced_and_its_page_parsed_again(workers):
    first, second, third = names()[:3]
    expected = {name: parse(*page(name), now=NOW).to_dict() for name in (second, third)}
    with soup._ONE_AT_A_TIME:
        held, _ = busy_here(workers, *page(first))
        thread, out = call_in_thread(workers.parse, *page(second), NOW)
        thread.join(60)
        assert out["draft"].to_dict() == expected[second]
        for process in pool_children():
            os.kill(process.pid, signal.SIGKILL)
        wait_for(lambda: not pool_children())
        thread, out = call_in_thread(workers.parse, *page(third), NOW)
        thread.join(60)
        assert not thread.is_alive(), "no worker took the page after the first one died"
        assert out["draft"].to_dict() == expected[third]
        assert pool_children(), "a new worker took the page"
    held.join(60)


def test_idle_workers_end_and_start_again_when_parses_meet():
    workers = ParseWorkers(1, idle_seconds=0.5)
    first, second = names()[:2]
    expected = parse(*page(second), now=NOW).to_dict()
    try:
        for _ in range(2):
            with soup._ONE_AT_A_TIME:
                held, _ = busy_here(workers, *page(first))
                thread, out = call_in_thread(workers.parse, *page(second), NOW)
                thread.join(60)
                assert not thread.is_alive() and out["draft"].to_dict() == expected
                assert pool_children()
            held.join(60)
            wait_for(lambda: not pool_children())  # half a second after its last page
    finally:
        workers.close()


def parse_or_crash(html, url, now=None):
    """What a worker runs in the test below: a page that says CRASH ends the process, as a
    crash inside lxml would."""
    if "CRASH" in html:
        os._exit(70)
    return parse(html, url, now=now)


def test_a_page_that_ends_two_workers_is_unreadable_not_parsed_here():
    workers = ParseWorkers(1, parse_in_worker=parse_or_crash)
    first, second = names()[:2]
    expected = parse(*page(second), now=NOW).to_dict()
    try:
        with soup._ONE_AT_A_TIME:  # parsed here, either page would wait: it would crash the server
            held, _ = busy_here(workers, *page(first))
            thread, out = call_in_thread(workers.parse, "<h1>CRASH</h1>", "https://jobs.example.test/crash", NOW)
            thread.join(60)
            assert not thread.is_alive()
            assert not out["draft"].is_posting and "could not read this page" in out["draft"].reason
            thread, out = call_in_thread(workers.parse, *page(second), NOW)
            thread.join(60)
            assert not thread.is_alive() and out["draft"].to_dict() == expected  # the next worker is fine
        held.join(60)
    finally:
        workers.close()


def parse_or_fail(html, url, now=None):
    """What a worker runs in the test below: an error parse() itself never raises, as a
    draft that cannot be sent back would raise."""
    raise RuntimeError("cannot send the draft back")


def test_a_worker_that_fails_leaves_the_page_to_be_parsed_here(caplog):
    workers = ParseWorkers(1, parse_in_worker=parse_or_fail)
    first, second = names()[:2]
    expected = parse(*page(second), now=NOW).to_dict()
    try:
        with soup._ONE_AT_A_TIME:
            held, _ = busy_here(workers, *page(first))
            thread, out = call_in_thread(workers.parse, *page(second), NOW)
            wait_for(lambda: "a parse worker failed" in caplog.text)  # it went to a worker first
        held.join(60)
        thread.join(60)
        assert out["draft"].to_dict() == expected
    finally:
        workers.close()


def test_workers_that_cannot_start_leave_every_parse_here(monkeypatch):
    def no_processes(count):
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(parse_workers, "_new_pool", no_processes)
    workers = ParseWorkers(1)
    first, second = names()[:2]
    with soup._ONE_AT_A_TIME:
        held, held_out = busy_here(workers, *page(first))
        waiting, out = call_in_thread(workers.parse, *page(second), NOW)
        wait_for(lambda: workers.count == 0)
    held.join(60)
    waiting.join(60)
    assert held_out["draft"].to_dict() == parse(*page(first), now=NOW).to_dict()
    assert out["draft"].to_dict() == parse(*page(second), now=NOW).to_dict()
    assert not pool_children()


def test_close_ends_the_workers(workers):
    with soup._ONE_AT_A_TIME:
        held, _ = busy_here(workers, *page(names()[0]))
        thread, _ = call_in_thread(workers.parse, "<h1>Engineer</h1>", "https://jobs.example.test/2", NOW)
        thread.join(60)
        assert pool_children()
    held.join(60)
    workers.close()
    wait_for(lambda: not pool_children())
