"""Writers queue instead of failing: threads capturing against a real `jobloop serve` process."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from factories import job_page
from jobloop.config import Config
from stores import query
from test_serve_cli import run, server  # noqa: F401  (server is a fixture)


def capture(base, token, url, title) -> int:
    """The HTTP status of one capture (queued writers may wait, so the timeout is generous)."""
    body = json.dumps({"url": url, "html": job_page(title=title)}).encode()
    req = urllib.request.Request(base + "/api/captures", data=body, headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=120) as res:
            return res.status
    except urllib.error.HTTPError as err:
        return err.code


def test_concurrent_captures_all_land(server, database_url):  # noqa: F811
    base, data_dir, _ = server
    token = run("token", data_dir=data_dir).stdout.strip()
    urls = [f"https://jobs.example.test/load/{i}" for i in range(60)]
    with ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(lambda u: capture(base, token, u, "Load Tester"), urls))
    assert codes.count(201) == len(urls), codes
    store = Config(data_dir=data_dir, database_url=database_url)
    assert query(store, "SELECT count(*) FROM posting") == [(len(urls),)]


def test_fifty_simultaneous_captures_get_no_error(server, database_url):  # noqa: F811
    """50 at once against the default 8 server threads (the issue saw 26-29 answers of 500)."""
    import threading

    base, data_dir, _ = server
    token = run("token", data_dir=data_dir).stdout.strip()
    start = threading.Barrier(50)

    def together(i):
        start.wait()  # all 50 requests leave at the same moment
        return capture(base, token, f"https://jobs.example.test/burst/{i}", f"Burst {i}")

    with ThreadPoolExecutor(50) as pool:
        codes = list(pool.map(together, range(50)))
    assert codes == [201] * 50, codes
    store = Config(data_dir=data_dir, database_url=database_url)
    assert query(store, "SELECT count(*) FROM posting") == [(50,)]
    assert query(store, "SELECT count(*) FROM snapshot") == [(50,)]


def test_same_new_url_captured_at_once_is_one_posting(server, database_url):  # noqa: F811
    base, data_dir, _ = server
    token = run("token", data_dir=data_dir).stdout.strip()
    url = "https://jobs.example.test/race/1"
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda i: capture(base, token, url, "Race Winner"), range(16)))
    # One request created it; every other one is the refresh case.
    assert sorted(codes) == [200] * 15 + [201], codes
    store = Config(data_dir=data_dir, database_url=database_url)
    assert query(store, "SELECT count(*) FROM posting") == [(1,)]
    assert query(store, "SELECT count(*) FROM snapshot") == [(16,)]
    assert query(store, "SELECT count(*) FROM event WHERE kind = 'stage'") == [(1,)]


def test_capture_that_loses_a_creation_race_is_the_refresh_case(app, db, monkeypatch):
    """Where the lookup cannot see the other creator's row yet (PostgreSQL), the unique
    canonical URL turns the insert into an IntegrityError; the capture retries and refreshes."""
    from jobloop.models import Posting
    from jobloop.services import capture as capture_service

    url = "https://jobs.example.test/race/2"
    first, created = capture_service.capture(url, job_page(title="First"))
    assert created
    real_lookup = Posting.get_or_none
    misses = iter([True])

    def stale_lookup(*args, **kwargs):
        return None if next(misses, False) else real_lookup(*args, **kwargs)

    monkeypatch.setattr(Posting, "get_or_none", stale_lookup)
    again, created = capture_service.capture(url, job_page(title="Second"))
    assert (again.id, created, again.title) == (first.id, False, "Second")
    assert Posting.select().count() == 1


def _call(base, token, method, path, body=None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=120) as res:
            return res.status
    except urllib.error.HTTPError as err:
        return err.code


def test_parallel_applied_dates_notes_and_outcomes_on_one_posting(server, database_url):  # noqa: F811
    """The timeline's write paths at once on one posting: applied-on corrections, notes and
    stage changes. Every request is answered 2xx, and the posting keeps one applied event."""
    base, data_dir, _ = server
    token = run("token", data_dir=data_dir).stdout.strip()
    assert capture(base, token, "https://jobs.example.test/timeline/1", "Parallel Role") == 201
    posting = "/api/postings/1"
    calls = ([("PUT", posting + "/applied", {"on": f"2026-11-{day:02d}"}) for day in range(1, 13)]
             + [("POST", posting + "/events", {"kind": "note", "note": f"note {i}"}) for i in range(12)]
             + [("POST", posting + "/events", {"kind": "stage", "stage": s}) for s in ("screening", "interviewing")])
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda c: _call(base, token, *c), calls))
    assert [c for c in codes if not 200 <= c < 300] == [], codes
    store = Config(data_dir=data_dir, database_url=database_url)
    assert query(store, "SELECT count(*) FROM event WHERE kind = 'stage' AND to_stage = 'applied'") == [(1,)]
    assert query(store, "SELECT count(*) FROM event WHERE kind = 'note'") == [(12,)]
    assert query(store, "SELECT stage FROM posting") == [("interviewing",)]


def test_parallel_stage_changes_each_start_from_the_stage_before_them(server, database_url):  # noqa: F811
    """A stage change records the stage it moved from as the store had it when the change
    was written, not as the request read it before it queued: of eight changes sent at once
    to a posting just clipped ("saved"), only the first one written moved from "saved"."""
    base, data_dir, _ = server
    token = run("token", data_dir=data_dir).stdout.strip()
    assert capture(base, token, "https://jobs.example.test/chain/1", "Chain Role") == 201
    stages = ["applied", "screening", "interviewing", "offer"] * 2
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda s: _call(base, token, "POST", "/api/postings/1/events",
                                              {"kind": "stage", "stage": s}), stages))
    assert [c for c in codes if not 200 <= c < 300] == [], codes
    store = Config(data_dir=data_dir, database_url=database_url)
    moves = query(store, "SELECT from_stage, to_stage FROM event WHERE kind = 'stage' ORDER BY id")
    assert moves[0] == ("saved", "saved") and len(moves) == 9  # the clip's own first event
    assert [m for m in moves[1:] if m[0] == "saved"] == moves[1:2], moves


def test_parallel_merges_undone_at_once(server, database_url):  # noqa: F811
    """Names of one company separated again at the same moment: every request answered, and
    each name a company of its own again with its posting."""
    base, data_dir, _ = server
    token = run("token", data_dir=data_dir).stdout.strip()
    names = ["Acme Robotics", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay"]
    for i, name in enumerate(names):
        body = json.dumps({"url": f"https://www.linkedin.com/jobs/view/{900 + i}",
                           "html": job_page(title="Engineer", company=name)}).encode()
        req = urllib.request.Request(base + "/api/captures", data=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=60) as res:
            assert res.status == 201
    store = Config(data_dir=data_dir, database_url=database_url)
    ids = dict(query(store, "SELECT name, id FROM company"))
    keep = ids["Acme Robotics"]
    for name in names[1:]:
        assert _call(base, token, "POST", f"/api/companies/{keep}/merge", {"other_id": ids[name]}) == 200
    with ThreadPoolExecutor(5) as pool:
        codes = list(pool.map(lambda n: _call(base, token, "POST", f"/api/companies/{ids[n]}/separate", {}), names[1:]))
    assert codes == [200] * 5
    assert query(store, "SELECT count(*) FROM company WHERE merged_into IS NOT NULL") == [(0,)]
    assert query(store, "SELECT count(DISTINCT company_id) FROM posting") == [(6,)]
