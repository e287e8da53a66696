"""Bulk changes at once against a real `jobloop serve`: several browser sessions moving,
tagging and archiving overlapping sets of postings while single stage changes land on the
same postings. Every request is answered 2xx, each bulk stage change leaves exactly one
event per posting, and every batch can then be undone (newest first) to the store before."""
from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from jobloop.config import Config
from stores import query
from test_concurrency_cli import capture
from test_posting_stories_db import kept_and_fresh
from test_serve_cli import run, server  # noqa: F401  (server is a fixture)


class Browser:
    """One tracker session: its cookie and CSRF token, answers as JSON."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with self.opener.open(base + "/table", timeout=60) as res:
            self.token = re.search(r'name="csrf-token" content="([^"]+)"', res.read().decode()).group(1)

    def post(self, path: str, data: list[tuple[str, str]]) -> tuple[int, dict]:
        body = urllib.parse.urlencode([("csrf_token", self.token), *data]).encode()
        req = urllib.request.Request(self.base + path, data=body, headers={"Accept": "application/json"})
        try:
            with self.opener.open(req, timeout=120) as res:
                return res.status, json.loads(res.read() or b"{}")
        except urllib.error.HTTPError as err:
            return err.code, {}


def test_parallel_bulk_changes_each_land_once_and_undo(server, database_url):  # noqa: F811
    base, data_dir, _ = server
    token = run("token", data_dir=data_dir).stdout.strip()
    for i in range(24):
        assert capture(base, token, f"https://jobs.example.test/bulk/{i}", f"Bulk Role {i}") == 201
    store = Config(data_dir=data_dir, database_url=database_url)
    before = query(store, "SELECT id, stage, archived_at FROM posting ORDER BY id")
    ids = [r[0] for r in before]
    browsers = [Browser(base) for _ in range(4)]
    halves = [ids[:12], ids[12:], ids[6:18], ids]
    calls = (
        [(browsers[0], "/table/bulk", [("action", "stage"), ("stage", "applied"), ("on", "2026-11-20")]
          + [("id", str(i)) for i in halves[0]]),
         (browsers[1], "/table/bulk", [("action", "stage"), ("stage", "applied"), ("on", "2026-11-21")]
          + [("id", str(i)) for i in halves[1]]),
         (browsers[2], "/table/bulk", [("action", "tag_add"), ("tag", "Wave")] + [("id", str(i)) for i in halves[2]]),
         (browsers[3], "/table/bulk", [("action", "archive")] + [("id", str(i)) for i in halves[3][::2]])]
        + [(browsers[i % 4], f"/postings/{pid}/stage", [("stage", "screening")]) for i, pid in enumerate(ids[::3])]
    )
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda c: c[0].post(c[1], c[2]), calls))
    assert [a[0] for a in answers if not 200 <= a[0] < 300] == [], answers
    applied = query(store, "SELECT posting_id, count(*) FROM event WHERE kind = 'stage' AND to_stage = 'applied'"
                           " AND note = 'bulk change' GROUP BY posting_id ORDER BY posting_id")
    assert applied == [(pid, 1) for pid in ids]
    assert query(store, "SELECT count(*) FROM posting_tag") == [(12,)]
    assert query(store, "SELECT count(*) FROM posting WHERE archived_at IS NOT NULL") == [(12,)]
    # Undo, newest first: a batch whose rows a later request changed is refused (409), never a 5xx.
    order = [row[0] for row in query(store, "SELECT token FROM bulk_batch ORDER BY id DESC")]
    assert sorted(order) == sorted(a[1]["batch"] for a in answers[:4])
    undone = [browsers[0].post(f"/table/bulk/{b}/undo", []) for b in order]
    assert {u[0] for u in undone} <= {200, 409}, undone
    # Batches on rows nobody else touches, made and then undone in parallel: the store is as before.
    for i in range(24, 36):
        assert capture(base, token, f"https://jobs.example.test/bulk/{i}", f"Bulk Role {i}") == 201
    fresh = [r[0] for r in query(store, "SELECT id FROM posting ORDER BY id")][24:]
    snapshot = "SELECT id, stage, stage_changed_at, archived_at, updated_at FROM posting ORDER BY id"
    state = (query(store, snapshot), query(store, "SELECT count(*) FROM event"),
             query(store, "SELECT count(*) FROM posting_tag"))
    jobs = [(browsers[0], [("action", "stage"), ("stage", "rejected")] + [("id", str(i)) for i in fresh[:4]]),
            (browsers[1], [("action", "tag_add"), ("tag", "second")] + [("id", str(i)) for i in fresh[4:8]]),
            (browsers[2], [("action", "archive")] + [("id", str(i)) for i in fresh[8:]])]
    with ThreadPoolExecutor(3) as pool:
        made = list(pool.map(lambda j: j[0].post("/table/bulk", j[1]), jobs))
        assert [m[0] for m in made] == [200] * 3, made
        back = list(pool.map(lambda m: browsers[3].post(f"/table/bulk/{m[1]['batch']}/undo", []), made))
    assert [b[0] for b in back] == [200] * 3, back
    assert (query(store, snapshot), query(store, "SELECT count(*) FROM event"),
            query(store, "SELECT count(*) FROM posting_tag")) == state
    # What insights count (kept by triggers on events and postings) came through it all right.
    for kept, fresh in kept_and_fresh(sqlite=not database_url):
        assert query(store, kept) == query(store, fresh)
