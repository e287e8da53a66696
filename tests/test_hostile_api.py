"""Hostile input found by an attack run, each case kept as a regression example."""
from __future__ import annotations

import secrets

import pytest

from factories import job_page
from jobloop.models import Posting
from test_parsing_urls_unit import LOOK_ALIKES

TRACKED = "https://www.linkedin.com/jobs/view/3999999999/"


def capture(client, auth, url, **page):
    return client.post("/api/captures", json={"url": url, "html": job_page(**page)}, headers=auth)


@pytest.mark.parametrize("url", LOOK_ALIKES)
def test_look_alike_capture_never_overwrites_a_tracked_posting(client, auth, db, url):
    tracked = capture(client, auth, TRACKED, title="Platform Engineer", company="Real Co")
    assert tracked.status_code == 201
    res = capture(client, auth, url, title="Phishing", company="Evil Co")
    assert res.status_code in (201, 422), res.get_json()
    assert res.get_json().get("id") != tracked.get_json()["id"]
    kept = Posting.get_by_id(tracked.get_json()["id"])
    assert (kept.title, kept.url) == ("Platform Engineer", TRACKED)


# ---- numbers, dates and nesting: a clear 4xx, never a 500 ----------------------------------

HUGE = 2**63


@pytest.mark.parametrize("path", [
    f"/api/postings/{HUGE}", f"/api/postings/{HUGE * 10**20}", f"/api/followups/{HUGE}/done",
    f"/api/reflections/{HUGE}", f"/api/contacts/{HUGE}", f"/api/postings/{HUGE}/interviews",
])
def test_ids_past_the_integer_bound_are_not_found(client, auth, path):
    method = client.post if path.endswith("/done") else client.get
    res = method(path, headers=auth)
    assert res.status_code == 404 and res.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("query", [f"offset={HUGE}", f"limit={HUGE}", f"offset=-{HUGE}", "offset=1e400"])
def test_offsets_and_limits_past_the_bound_are_refused(client, auth, query):
    res = client.get(f"/api/postings?{query}", headers=auth)
    assert res.status_code == 422


def test_integer_in_a_body_past_the_bound_is_refused(client, auth):
    res = client.post("/api/followups", json={"kind": "check_in", "due_at": "2027-01-01T10:00:00",
                                               "posting_id": HUGE}, headers=auth)
    assert res.status_code == 422 and "posting_id" in res.get_json()["error"]["message"]


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_deep_json_is_a_400(client, auth, depth):
    res = client.post("/api/captures", data="[" * depth + "]" * depth, content_type="application/json",
                      headers=auth)
    assert res.status_code == 400 and res.get_json()["error"]["code"] == "too_deep"


def test_unknown_keys_are_refused_by_name(client, auth):
    res = client.post("/api/captures", json={"url": "https://a.example/x", "html": "<p>x</p>", "stagee": "applied"},
                      headers=auth)
    assert res.status_code == 422 and "stagee" in res.get_json()["error"]["message"]


@pytest.fixture
def posting_id(client, auth):
    return capture(client, auth, "https://boards.example-ats.test/acme/jobs/7").get_json()["id"]


@pytest.mark.parametrize("at", ["9999-12-31T23:50:00", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59",
                                "1969-12-31T23:59:59", "2201-01-01T00:00:00"])
def test_dates_outside_the_window_are_refused_by_the_api(client, auth, posting_id, at):
    res = client.post(f"/api/postings/{posting_id}/events", json={"kind": "note", "note": "x", "at": at},
                      headers=auth)
    assert res.status_code == 422, res.get_json()
    res = client.post(f"/api/postings/{posting_id}/interviews", json={"at": at}, headers=auth)
    assert res.status_code == 422, res.get_json()


def test_far_future_snooze_is_refused_and_the_calendar_keeps_working(client, auth, posting_id):
    client.post(f"/api/postings/{posting_id}/events", json={"kind": "stage", "stage": "applied"}, headers=auth)
    fu = client.post("/api/followups", json={"kind": "check_in", "due_at": "2030-01-01T10:00:00",
                                             "posting_id": posting_id}, headers=auth).get_json()
    res = client.post(f"/api/followups/{fu['id']}/snooze", json={"until": "9999-12-31T23:50:00"}, headers=auth)
    assert res.status_code == 422 and "2200" in res.get_json()["error"]["message"]


def test_far_future_offer_deadline_from_the_tracker_is_refused(client, db, posting_id):
    from jobloop.models import Posting
    from jobloop.services import pipeline

    pipeline.change_stage(Posting.get_by_id(posting_id), "offer")
    page = client.get(f"/postings/{posting_id}")
    token = page.get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    res = client.post(f"/postings/{posting_id}/offer-deadline",
                      data={"csrf_token": token, "date": "9999-12-31", "time": "23:50"})
    assert res.status_code in (400, 422) and "text/html" in res.content_type


@pytest.mark.parametrize("query", ["from=9999-12-31", "to=0001-01-01", "from=2026-01-01&to=9999-12-31"])
def test_table_with_a_date_outside_the_window_says_so(client, query):
    res = client.get(f"/table?{query}")
    assert res.status_code == 200 and "between 1970 and 2200" in res.get_data(as_text=True)


# ---- errors: HTML for the tracker, JSON only under /api -------------------------------------

def test_missing_reflection_is_an_html_404_with_a_way_back(client):
    res = client.get("/reflections/999")
    assert res.status_code == 404 and res.content_type.startswith("text/html")
    assert "Go back" in res.get_data(as_text=True)


def test_posting_a_missing_follow_up_done_is_an_html_404(client):
    token = client.get("/").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    res = client.post("/followups/999/done", data={"csrf_token": token})
    assert res.status_code == 404 and res.content_type.startswith("text/html")


@pytest.mark.parametrize(("path", "status"), [("/no-such-page", 404), (f"/postings/{HUGE}", 404)])
def test_tracker_errors_are_pages(client, path, status):
    res = client.get(path)
    assert res.status_code == status and res.content_type.startswith("text/html")


def test_stale_csrf_token_is_an_html_403(client):
    res = client.post("/postings/new", data={"url": "https://a.example/x"})
    assert res.status_code == 403 and res.content_type.startswith("text/html")
    assert "security token" in res.get_data(as_text=True)


def test_api_errors_stay_json(client, auth):
    res = client.get("/api/no-such-thing", headers=auth)
    assert res.status_code == 404 and res.get_json()["error"]["code"] == "not_found"


# ---- a store that cannot write: a 503 that says what to do, then recovery ------------------

class StoreFault:
    """Make SQLite itself refuse writes (running as root, a chmod cannot), then lift the cause.
    Each request opens its own connection, so the pragma takes effect on the next one."""

    def __init__(self, database):
        self.database, self.pragmas = database, database.obj._pragmas

    def cause(self, name, value):
        self.database.obj._pragmas = [*self.pragmas, (name, value)]

    def lift(self):
        self.database.obj._pragmas = self.pragmas


@pytest.fixture
def store_fault(app, db):
    from jobloop.db import database

    fault = StoreFault(database)
    yield fault
    fault.lift()


def csrf(client):
    return client.get("/").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]


@pytest.mark.sqlite_only(reason="the fault is made with SQLite pragmas; PostgreSQL refuses differently")
@pytest.mark.parametrize(("pragma", "code", "words"), [
    (("query_only", "ON"), "read_only", "read-only"),
    (("max_page_count", "1"), "disk_full", "full"),
])
def test_store_fault_is_a_503_saying_what_to_do_and_recovers(client, auth, store_fault, pragma, code, words):
    token = csrf(client)
    store_fault.database.close()  # the test's own connection would keep the old pragmas
    store_fault.cause(*pragma)
    # Random text, so the compressed snapshot needs pages the store cannot add.
    body = {"url": "https://boards.example-ats.test/acme/jobs/8",
            "html": job_page(description=f"<p>{secrets.token_hex(100_000)}</p>")}
    res = client.post("/api/captures", json=body, headers=auth)
    assert res.status_code == 503, res.get_data(as_text=True)
    assert res.get_json()["error"]["code"] == code and words in res.get_json()["error"]["message"]
    assert res.headers["Retry-After"]
    page = client.post("/postings/new", data={"csrf_token": token, "url": "https://a.example/jobs/1",
                                              "description_text": secrets.token_hex(90_000)})
    assert page.status_code == 503 and "text/html" in page.content_type and words in page.get_data(as_text=True)
    store_fault.lift()
    assert client.post("/api/captures", json=body, headers=auth).status_code == 201
