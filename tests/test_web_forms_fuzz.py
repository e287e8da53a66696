"""Fuzzing every form the tracker shows, with its CSRF token: no input makes a 5xx.

The forms are not listed by hand: a crawler follows the tracker's own links from the
dashboard over a store with postings in every stage, a contact, a goal and follow-ups,
and reads each <form method=post> it finds (action, fields, input types, select
options). Hypothesis then fills each form with values shaped by the field's type —
valid, extreme (9999-12-31, 2**63, NaN), wrong (text in a date), missing — and posts
them with the session's CSRF token. Every POST route of the tracker must have been met
as a form, so a new form cannot slip past. Bounded by FORM_EXAMPLES per form.
"""
from __future__ import annotations

import os
import time
import traceback
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings, strategies as st

from factories import make_posting
from jobloop.app import create_app
from jobloop.config import Config
from jobloop.services import companies, documents, followups, gaps, goals, network, profile

FORM_EXAMPLES = int(os.environ.get("JOBLOOP_FUZZ_EXAMPLES", "25"))
SKIP_PAGES = (".ics", ".vcf", "/snapshot", "/static/", "/api/")
MAX_PAGES = 150  # enough to reach every page kind (each posting, contact and goal page is one)


@pytest.fixture(scope="module")
def tracker(tmp_path_factory):
    """The real app over a real store, seeded, and the forms its pages show."""
    app = create_app(Config(data_dir=tmp_path_factory.mktemp("forms") / "data", database_url=None, testing=True))
    from jobloop.db import database

    with database.connection_context():
        now = datetime.utcnow()
        for stage in ("saved", "applied", "interviewing", "offer", "rejected", "ghosted"):
            posting = make_posting(stage=stage, at=now - timedelta(days=20), now=now - timedelta(days=20))
        network.create(name="Ana Ruiz", email="ana@example.test", warmth="warm", posting=posting, now=now)
        followups.create("check_in", now - timedelta(days=1), posting=posting, now=now)
        goals.create("Learn Kubernetes", skill="Kubernetes", now=now)
        goals.complete(goals.create("Learn Go", skill="Go", now=now), now=now)  # a done goal: "reopen"
        profile.set_skill("Python", 4)
        # Documents: one sent with a posting (its remove and "sent with" forms), one sent with none
        # (the Documents page's delete form).
        folder = documents.folder_of(app.config["JOBLOOP"].data_dir)
        documents.attach(posting, documents.add_version(folder, "CV", b"%PDF-1.4\n", "cv.pdf", now=now)[0], now=now)
        documents.add_version(folder, "CV", b"plain text CV", "cv.txt", now=now)
        # A saved posting left alone for weeks (the board offers to archive it) and a bulk
        # change just made (the table offers to undo it, at the address the change returns to).
        make_posting(at=now - timedelta(weeks=8), now=now - timedelta(weeks=8))
        from jobloop.services import bulk

        batch = bulk.apply("tag_add", [make_posting(now=now).id], now=now, tag="fuzz")
        gaps.dismiss("Haskell")  # a gap marked "not for me": the plan offers "show again"
        # A second company (the merge form) and a target whose look at its openings is due.
        make_posting(company="Lumen Labs", now=now)
        merged = make_posting(company="Lumen Laboratories", now=now).company  # a name to separate again
        companies.merge(companies.find("Lumen Labs"), merged)
        companies.set_target("Northwind", check_weeks=1, now=now - timedelta(weeks=2))
        # A pairing waiting for the user's confirmation: its page is reached only through the
        # one-time link the extension opens, so the crawl starts there too.
        from jobloop.api.pairing import PAIRINGS_KEY
        from jobloop.services import pairing as pairing_service

        waiting = app.extensions.setdefault(PAIRINGS_KEY, pairing_service.Pairings()).start(
            "a" * 64, "chrome-extension://abcdefghijklmnopabcdefghijklmnop", "Chrome", now)
    client = app.test_client()
    forms, seen, queue = {}, set(), ["/", f"/pair/{waiting.id}", f"/table?done={batch.token}"]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen or any(part in path for part in SKIP_PAGES):
            continue
        seen.add(path)
        res = client.get(path)
        assert res.status_code < 500, path
        if not res.content_type.startswith("text/html"):
            continue
        soup = BeautifulSoup(res.get_data(as_text=True), "html.parser")
        for link in soup.find_all("a", href=True):
            target = urlsplit(link["href"])
            if not target.netloc and target.path.startswith("/"):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
        for form in soup.find_all("form"):
            if (form.get("method") or "get").lower() == "post":
                action = urlsplit(form.get("action") or path).path
                rule = _rule_of(app, action)
                if rule and all(_rule_of(app, known) != rule for known in forms):  # one form per route
                    forms[action] = _fields(form)
    # The import's preview and summary answer POSTs (an upload, a confirmation), so no link
    # leads to their forms: upload a small sheet and confirm it to reach them.
    from io import BytesIO

    preview = client.post("/import", data={"file": (BytesIO(b"Title,Company\nA,B\n"), "a.csv"),
                                           "csrf_token": _token(client)}, content_type="multipart/form-data")
    form = BeautifulSoup(preview.get_data(as_text=True), "html.parser").find("form", method="post")
    forms.setdefault(urlsplit(form["action"]).path, _fields(form))
    started = client.post(form["action"], data={**{f["name"]: f["value"] for f in _fields(form)},
                                                "col-0": "title", "col-1": "company", "csrf_token": _token(client)})
    job = started.headers["Location"]  # the import runs in the background: wait for its summary
    while client.get(job + ".json").get_json()["running"]:
        time.sleep(0.05)
    done = client.get(job)
    form = BeautifulSoup(done.get_data(as_text=True), "html.parser").find("form", method="post")
    forms.setdefault(urlsplit(form["action"]).path, _fields(form))
    return app, client, forms


def _fields(form) -> list[dict]:
    fields = []
    for el in form.find_all(["input", "select", "textarea"]):
        name = el.get("name")
        if not name or name == "csrf_token":
            continue
        kind = el.name if el.name != "input" else (el.get("type") or "text").lower()
        options = [o.get("value", o.text) for o in el.find_all("option")] if el.name == "select" else []
        fields.append({"name": name, "kind": kind, "value": el.get("value", ""), "options": options})
    return fields


HUGE = st.sampled_from(["9223372036854775808", "-9223372036854775809", "1e400", "nan", "inf", "-1", "0",
                        "99999999999999999999999999"])
ODD_TEXT = st.one_of(st.text(max_size=40), st.sampled_from(
    ["", " ", "\x00", "<script>alert(1)</script>", "eve@x.example?bcc=spy@evil.example", "javascript:alert(1)",
     "李小龍", "a" * 5000, "../../etc/passwd", "%00", "1; DROP TABLE posting"]))
DATES = st.one_of(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
                  st.sampled_from(["9999-12-31", "0001-01-01", "1969-12-31", "2200-12-31", "2026-02-30"]))
TIMES = st.one_of(st.times().map(lambda t: t.strftime("%H:%M")), st.sampled_from(["23:59", "24:00", "25:61"]))
DATETIMES = st.one_of(st.builds(lambda d, t: f"{d}T{t}", DATES, TIMES), st.sampled_from(["9999-12-31T23:50"]))


def _value(field) -> st.SearchStrategy[str]:
    kind = field["kind"]
    typed = {
        "date": DATES, "time": TIMES, "datetime-local": DATETIMES, "number": st.one_of(HUGE, st.integers().map(str)),
        "email": st.one_of(st.emails(), ODD_TEXT), "url": st.one_of(st.just("https://example.test/job"), ODD_TEXT),
        "select": st.one_of(st.sampled_from(field["options"] or [""]), ODD_TEXT),
        "checkbox": st.sampled_from([field["value"] or "on", ""]), "radio": st.sampled_from([field["value"], "x"]),
        "hidden": st.one_of(st.just(field["value"]), HUGE, ODD_TEXT),
    }.get(kind, st.one_of(st.just(field["value"]), ODD_TEXT, DATES, HUGE))
    return st.one_of(st.just(field["value"]), typed)


def _form_data(fields) -> st.SearchStrategy[dict]:
    """Each field: left out, kept as the page had it, or a fuzzed value of its type."""
    return st.fixed_dictionaries({}, optional={f["name"]: _value(f) for f in fields})


def _token(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return page.split('name="csrf-token" content="')[1].split('"')[0]


def test_every_tracker_post_route_has_a_form_the_crawler_found(tracker):
    app, _, forms = tracker
    # /login and /logout exist for remote mode only (test_remote_web.py drives them).
    routes = {rule.rule for rule in app.url_map.iter_rules()
              if "POST" in rule.methods and not rule.rule.startswith(("/api/", "/login", "/logout"))}
    matched = {rule for rule in routes if any(app.url_map.bind("localhost").test(path, "POST") and
                                              _rule_of(app, path) == rule for path in forms)}
    # Scripted routes with no <form>: the board's drag-and-drop posts to /postings/<id>/stage,
    # which the posting page's stage form covers too.
    assert routes - matched == set(), f"POST routes no page offers a form for: {sorted(routes - matched)}"


def _rule_of(app, path):
    try:
        rule, _ = app.url_map.bind("localhost").match(path, method="POST", return_rule=True)
    except Exception:  # noqa: BLE001
        return None
    return rule.rule


def test_crawler_found_the_forms(tracker):
    _, _, forms = tracker
    assert len(forms) >= 10, sorted(forms)


def _fuzzer(client, token, action, fields):
    @given(data=_form_data(fields))
    @settings(max_examples=FORM_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def fuzz(data):
        res = client.post(action, data={**data, "csrf_token": token})
        assert res.status_code < 500, (action, data, res.get_data(as_text=True)[:300])
        assert res.status_code != 403, (action, "the CSRF token was refused: the fuzzer is not reaching the view")

    return fuzz


def test_form_fuzz_never_5xx(tracker):
    """Every form found, fuzzed in turn; the failures of all forms are reported together."""
    _, client, forms = tracker
    token = _token(client)
    failures = []
    # Deleting forms last, so the others act on rows that still exist.
    for action, fields in sorted(forms.items(), key=lambda item: (item[0].endswith(("/delete", "/remove")), item[0])):

        try:
            _fuzzer(client, token, action, fields)()
        except Exception as err:  # noqa: BLE001  (hypothesis has shrunk it; keep going to report all)
            where = "".join(traceback.format_exception(err)[-4:-1])
            notes = "\n".join(getattr(err, "__notes__", []))  # hypothesis: the falsifying example
            failures.append(f"{action}: {type(err).__name__}: {str(err)[:600]}\n{notes}\n{where}")
    assert not failures, "\n\n".join(failures)
