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
    A new connection takes the pragma: the test closes its own first, and a request that met a
    store fault drops its thread's connection (app.py), so the lifted cause is gone on the next one."""

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


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_offer_deadline_at_the_ends_of_the_calendar_is_refused_not_overflowed(client, db, posting_id, day):
    # Found by the form fuzzer: 0001-01-01 in the tracker's offer form overflowed the UTC conversion.
    from jobloop.models import Posting
    from jobloop.services import pipeline

    pipeline.change_stage(Posting.get_by_id(posting_id), "offer")
    res = client.post(f"/postings/{posting_id}/offer-deadline", data={"csrf_token": csrf(client), "date": day})
    assert res.status_code == 422 and "between 1970 and 2200" in res.get_data(as_text=True)


# ---- stored HTML is never trusted at render time ---------------------------------------------

def test_stored_description_html_is_sanitized_when_shown(client, auth, db, posting_id):
    # As an import of a hand-made file could leave it: raw HTML straight in the store.
    Posting.update(description_html='<meta http-equiv="refresh" content="0;url=https://evil.example/">'
                                    '<p onclick="x()">Kept</p><script>alert(1)</script>'
                                    '<a href="javascript:alert(1)">j</a>').where(Posting.id == posting_id).execute()
    page = client.get(f"/postings/{posting_id}").get_data(as_text=True)
    description = page.split('class="description">')[1].split("</div>")[0]
    assert "Kept" in description
    for bad in ("<meta", "<script", "onclick", "javascript:"):
        assert bad not in description


def test_snapshot_is_served_without_what_reaches_out(client, auth, db):
    html = ('<html><head><link rel="preconnect" href="https://evil.example"><link rel="dns-prefetch" '
            'href="//evil.example"><base href="https://evil.example/"><meta http-equiv="refresh" '
            'content="0;url=https://evil.example/"></head><body><h1>Engineer</h1>'
            '<iframe src="https://evil.example/f"></iframe><a href="/x" ping="https://evil.example/p">a</a>'
            '</body></html>')
    created = client.post("/api/captures", json={"url": "https://evil.example/jobs/2", "html": html},
                          headers=auth).get_json()
    res = client.get(f"/postings/{created['id']}/snapshot")
    body = res.get_data(as_text=True)
    assert "Engineer" in body and "evil.example" not in body
    csp = res.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "base-uri 'none'" in csp and "default-src 'none'" in csp
    assert res.headers["X-DNS-Prefetch-Control"] == "off"


# ---- small ones ------------------------------------------------------------------------------

@pytest.mark.parametrize("email", ["eve@x.example?bcc=spy@evil.example", "eve@x.example&cc=spy@evil.example",
                                   "a b@x.example", "eve@x.example,spy@evil.example", "eve@", "@x.example",
                                   "eve@x.example#frag", "eve%40x@evil.example"])
def test_email_is_validated_the_same_way_on_every_path(client, auth, db, posting_id, email):
    assert client.post("/api/contacts", json={"name": "Eve", "email": email}, headers=auth).status_code == 422
    assert client.post(f"/api/postings/{posting_id}/contacts", json={"name": "Eve", "email": email},
                       headers=auth).status_code == 422
    res = client.post("/network", data={"csrf_token": csrf(client), "name": "Eve", "email": email})
    assert res.status_code == 422
    from jobloop.models import Contact
    assert Contact.select().count() == 0


def test_a_plain_address_is_accepted_everywhere(client, auth, db):
    assert client.post("/api/contacts", json={"name": "Ana", "email": "ana.ruiz+jobs@mail.example.com"},
                       headers=auth).status_code == 201


@pytest.mark.parametrize("name", ["李小龍", "José Müller", "Ana / Ruiz", 'Q "quoted" \\ name'])
def test_vcard_download_names_work_for_any_contact_name(client, auth, db, name):
    contact = client.post("/api/contacts", json={"name": name}, headers=auth).get_json()
    res = client.get(f"/contacts/{contact['id']}.vcf")
    assert res.status_code == 200
    disposition = res.headers["Content-Disposition"]
    disposition.encode("latin-1")  # a header value must be
    assert disposition.startswith('attachment; filename="') and '.vcf"' in disposition
    if not name.isascii():
        from urllib.parse import quote
        assert f"filename*=UTF-8''{quote(name.replace('/', ' '), safe='')}" in disposition.replace("%20%20", "%20")


def test_empty_session_secret_is_replaced_atomically(tmp_path):
    from jobloop.app import create_app
    from jobloop.config import Config

    data = tmp_path / "data"
    data.mkdir()
    (data / "session-secret").write_text("")
    app = create_app(Config(data_dir=data, database_url=None, testing=True))
    assert app.test_client().get("/").status_code == 200
    secret = (data / "session-secret").read_text().strip()
    assert len(secret) >= 32 and (data / "session-secret").stat().st_mode & 0o777 == 0o600
    assert not list(data.glob("*.tmp"))


def test_a_custom_loopback_host_answers_without_allow_remote(tmp_path):
    from werkzeug.serving import make_server

    from jobloop.app import create_app
    from jobloop.config import Config
    import threading
    import urllib.request

    app = create_app(Config(data_dir=tmp_path / "data", database_url=None, host="127.0.0.2"))
    server = make_server("127.0.0.2", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.2:{server.server_port}/", timeout=10) as res:
            assert res.status == 200
        other = urllib.request.Request(f"http://127.0.0.2:{server.server_port}/", headers={"Host": "127.0.0.3"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(other, timeout=10)
        assert refused.value.code == 403
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_a_shm_left_read_only_is_given_back_its_write_bit(tmp_path):
    # Reproduced as an unprivileged user: a leftover 0444 -shm made every write fail
    # ("attempt to write a readonly database") across restarts. As root here, the mode
    # bits are what can be checked; the database file itself is never touched.
    from jobloop.services.errors import repair_sqlite_leftovers

    db_file = tmp_path / "jobloop.sqlite3"
    shm = tmp_path / "jobloop.sqlite3-shm"
    for path in (db_file, shm):
        path.write_bytes(b"\0" * 4096)
        path.chmod(0o444)
    assert repair_sqlite_leftovers(db_file) == ["jobloop.sqlite3-shm"]
    assert shm.stat().st_mode & 0o777 == 0o644
    assert db_file.stat().st_mode & 0o777 == 0o444  # the user's choice stays
    assert repair_sqlite_leftovers(db_file) == []


def test_a_too_large_tracker_form_is_an_html_413(client):
    res = client.post("/postings/new", data={"csrf_token": csrf(client), "notes": "x" * 300_000})
    assert res.status_code == 413 and res.content_type.startswith("text/html")
    assert "byte limit" in res.get_data(as_text=True)


def test_a_locked_store_is_classified_as_locked(tmp_path):
    import sqlite3

    from jobloop.services.errors import store_fault

    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("create table t(x)")
    holder.execute("begin exclusive")
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as err:
        other.execute("insert into t values (1)")
    fault = store_fault(err.value)
    assert fault is not None and fault.code == "locked" and "try again" in fault.message
    holder.execute("rollback")
    assert store_fault(sqlite3.OperationalError("no such table: t")) is None  # a bug stays a 500


def test_an_overlong_warmth_is_a_clear_error(client, auth, db):
    # Found by the form fuzzer: a field without its own length limit raised KeyError (500).
    contact = client.post("/api/contacts", json={"name": "Ana"}, headers=auth).get_json()
    res = client.post(f"/contacts/{contact['id']}", data={"csrf_token": csrf(client), "warmth": "a" * 300})
    assert res.status_code == 422 and "at most 255 characters" in res.get_data(as_text=True)
