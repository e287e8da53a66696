"""Tracker forms through the Flask client: each write needs the CSRF token, refuses other sites, and keeps bad input."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from factories import job_page, make_posting
from jobloop.models import Event, Posting
from jobloop.security import current_token
from jobloop.services import capture, pipeline


def csrf(client) -> str:
    body = client.get("/settings").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', body).group(1)


def post(client, path, data=None, *, token=True, headers=None, **kw):
    data = dict(data or {})
    if token:
        data["csrf_token"] = csrf(client)
    return client.post(path, data=data, headers=headers or {}, **kw)


def local_input(dt_utc: datetime) -> str:
    """A naive-UTC time as the browser's datetime-local value (this machine's zone)."""
    return dt_utc.replace(tzinfo=timezone.utc).astimezone().strftime("%Y-%m-%dT%H:%M")


# Every write the tracker has, with a body that would succeed.
def writes(posting_id):
    return [
        (f"/postings/{posting_id}/edit", {"title": "Changed"}),
        (f"/postings/{posting_id}/stage", {"stage": "applied"}),
        (f"/postings/{posting_id}/notes", {"note": "hello"}),
        (f"/postings/{posting_id}/delete", {"confirm": "yes"}),
        ("/postings/new", {"url": "https://careers.example.test/jobs/new-1", "title": "New"}),
        ("/settings/token", {}),
    ]


def snapshot_state(config):
    rows = [(p.title, p.stage, p.notes) for p in Posting.select().order_by(Posting.id)]
    return rows, Event.select().count(), current_token(config.data_dir)


def test_every_form_refuses_a_post_without_the_csrf_token(client, db, config):
    posting = make_posting(title="Original")
    before = snapshot_state(config)
    client.get("/")  # a session exists, but the form does not carry its token
    for path, data in writes(posting.id):
        response = client.post(path, data=data)
        assert response.status_code == 403, path
        assert "security token" in response.get_data(as_text=True)
        wrong = client.post(path, data={**data, "csrf_token": "forged"})
        assert wrong.status_code == 403, path
    assert snapshot_state(config) == before


def test_every_form_refuses_a_cross_site_post_even_with_the_token(client, db, config):
    posting = make_posting(title="Original")
    before = snapshot_state(config)
    for path, data in writes(posting.id):
        response = post(client, path, data, headers={"Sec-Fetch-Site": "cross-site"})
        assert response.status_code == 403, path
        same_site = post(client, path, data, headers={"Sec-Fetch-Site": "same-site"})
        assert same_site.status_code == 403, path
    assert snapshot_state(config) == before


def test_the_csrf_header_works_for_scripts(client, db):
    posting = make_posting(title="Original")
    token = csrf(client)
    response = client.post(f"/postings/{posting.id}/edit", data={"title": "By script"},
                           headers={"X-CSRF-Token": token, "Accept": "application/json",
                                    "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200
    assert response.get_json()["values"] == {"title": "By script"}
    assert "title" in response.get_json()["user_edited"]


def test_edit_marks_the_field_and_survives_a_recapture(client, db):
    posting = make_posting(title="Parsed Title", company="Parsed Co")
    response = post(client, f"/postings/{posting.id}/edit", {"title": "My Title"})
    assert response.status_code == 302 and response.location.endswith(f"/postings/{posting.id}")
    capture.capture(posting.url, job_page(title="Parsed Again", company="New Co"))
    fresh = Posting.get_by_id(posting.id)
    assert fresh.title == "My Title" and fresh.company.name == "New Co"
    assert "title" in fresh.user_edited and "company" not in fresh.user_edited


def test_edit_converts_each_kind_of_field(client, db):
    posting = make_posting()
    data = {"locations": "Sunnyvale, CA\n Remote EU \n", "skills": "Python,  SQL ,", "salary_min": "70,000",
            "salary_currency": "eur", "salary_period": "year", "remote": "hybrid", "date_posted": "2026-10-01",
            "apply_url": "https://apply.example.test/1", "notes": "  ask about on-call  "}
    assert post(client, f"/postings/{posting.id}/edit", data).status_code == 302
    fresh = Posting.get_by_id(posting.id)
    assert fresh.locations == ["Sunnyvale, CA", "Remote EU"] and fresh.skills == ["Python", "SQL"]
    assert fresh.salary_min == 70000 and fresh.salary_currency == "EUR" and fresh.remote == "hybrid"
    assert str(fresh.date_posted) == "2026-10-01" and fresh.notes == "ask about on-call"
    body = client.get(f"/postings/{posting.id}").get_data(as_text=True)
    assert 'value="70000"' in body and ">Sunnyvale, CA\nRemote EU</textarea>" in body


@pytest.mark.parametrize("field,value,message", [
    ("salary_min", "lots", "is not a number"),
    ("date_posted", "next week", "is not a date"),
    ("remote", "sometimes", "expected one of"),
    ("apply_url", "javascript:alert(1)", "must start with http"),
    ("salary_currency", "euros", "three-letter"),
])
def test_bad_edit_keeps_what_was_typed_and_says_why(client, db, field, value, message):
    posting = make_posting(title="Unchanged")
    response = post(client, f"/postings/{posting.id}/edit", {field: value})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body and 'aria-invalid="true"' in body
    if field != "remote":  # a select cannot show an unknown option; the message names the choices
        assert f'value="{value}"' in body
    assert field not in (Posting.get_by_id(posting.id).user_edited or [])


def test_bad_edit_from_a_script_gets_json(client, db):
    posting = make_posting()
    response = client.post(f"/postings/{posting.id}/edit", data={"salary_max": "x", "csrf_token": csrf(client)},
                           headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "salary_max"


def test_stage_change_now_and_back_dated(client, db):
    posting = make_posting(title="Mover")
    response = post(client, f"/postings/{posting.id}/stage", {"stage": "applied", "note": "sent CV"})
    assert response.status_code == 302
    three_days_ago = datetime.now(timezone.utc).replace(tzinfo=None, second=0, microsecond=0) - timedelta(days=3)
    post(client, f"/postings/{posting.id}/stage", {"stage": "screening", "at": local_input(three_days_ago)})
    fresh = Posting.get_by_id(posting.id)
    # Screening is further on than applied, whatever its date (docs/followups.md).
    assert fresh.stage == "screening"
    events = {e.to_stage: e for e in Event.select().where(Event.posting == posting, Event.kind == "stage")}
    assert events["screening"].at == three_days_ago
    assert events["applied"].note == "sent CV"


def test_stage_change_from_the_board_returns_to_the_card(client, db):
    posting = make_posting()
    response = post(client, f"/postings/{posting.id}/stage", {"stage": "interviewing", "next": "board"})
    assert response.status_code == 302 and response.location.endswith(f"/board#card-{posting.id}")
    assert Posting.get_by_id(posting.id).stage == "interviewing"


def test_a_card_menu_move_to_an_ending_is_dated_by_its_day_and_returns_to_the_open_ended_column(client, db):
    posting = make_posting(stage="applied", at=datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=5))
    yesterday = (datetime.now() - timedelta(days=1)).date()  # the local day (the process's zone)
    response = post(client, f"/postings/{posting.id}/stage",
                    {"stage": "rejected", "on": yesterday.isoformat(), "next": "board"})
    assert response.status_code == 302 and response.location.endswith(f"/board?ended=1#card-{posting.id}")
    assert Posting.get_by_id(posting.id).stage == "rejected"
    event = Event.get(Event.posting == posting, Event.to_stage == "rejected")
    local = event.at.replace(tzinfo=timezone.utc).astimezone()
    assert local.date() == yesterday
    board = client.get("/board?ended=1").get_data(as_text=True)
    assert '<details class="board-ended" id="ended" open>' in board
    for bad, message in (("tomorrow", "not a date"),
                         ((datetime.now() + timedelta(days=2)).date().isoformat(), "future")):
        response = post(client, f"/postings/{posting.id}/stage", {"stage": "withdrawn", "on": bad, "next": "board"})
        assert response.status_code == 422 and message in response.get_data(as_text=True).lower()
    assert Posting.get_by_id(posting.id).stage == "rejected"


def test_stage_change_as_json_for_drag_and_drop(client, db):
    posting = make_posting()
    response = client.post(f"/postings/{posting.id}/stage", data={"stage": "offer"},
                           headers={"X-CSRF-Token": csrf(client), "Accept": "application/json"})
    assert response.status_code == 200 and response.get_json()["stage"] == "offer"


def test_next_cannot_redirect_elsewhere(client, db):
    posting = make_posting()
    response = post(client, f"/postings/{posting.id}/stage", {"stage": "applied", "next": "https://evil.example/"})
    assert response.location.endswith(f"/postings/{posting.id}")


def test_bad_stage_changes_are_refused_with_a_page(client, db):
    posting = make_posting()
    tomorrow = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(days=1)
    for data, message in (({"stage": "hired"}, "unknown stage"),
                          ({"stage": "applied", "at": local_input(tomorrow)}, "future"),
                          ({"stage": "applied", "at": "yesterday"}, "not a date")):
        response = post(client, f"/postings/{posting.id}/stage", data)
        assert response.status_code == 422 and response.mimetype == "text/html"
        assert message in response.get_data(as_text=True).lower()
    assert Posting.get_by_id(posting.id).stage == "saved"


def test_add_note(client, db):
    posting = make_posting()
    assert post(client, f"/postings/{posting.id}/notes", {"note": "Recruiter: Dana"}).status_code == 302
    assert "Recruiter: Dana" in client.get(f"/postings/{posting.id}").get_data(as_text=True)
    assert post(client, f"/postings/{posting.id}/notes", {"note": "   "}).status_code == 422


def test_delete_needs_the_confirmation(client, db):
    posting = make_posting(title="Doomed")
    assert post(client, f"/postings/{posting.id}/delete", {}).status_code == 422
    assert Posting.get_or_none(Posting.id == posting.id) is not None
    response = post(client, f"/postings/{posting.id}/delete", {"confirm": "yes"})
    assert response.status_code == 302 and response.location.endswith("/table")
    assert Posting.get_or_none(Posting.id == posting.id) is None
    assert client.get(f"/postings/{posting.id}").status_code == 404


def test_add_by_hand(client, db):
    response = post(client, "/postings/new", {
        "url": "https://careers.example.test/jobs/9?utm_source=newsletter", "title": "Staff Engineer",
        "company": "Referral Co", "locations": "Lisbon", "stage": "applied", "notes": "Via Sam",
        "salary_min": "", "remote": "",
    })
    assert response.status_code == 302
    posting = Posting.get(Posting.canonical_url == "https://careers.example.test/jobs/9")
    assert response.location.endswith(f"/postings/{posting.id}")
    assert posting.title == "Staff Engineer" and posting.stage == "applied" and posting.locations == ["Lisbon"]
    kinds = [(e.kind, e.to_stage) for e in pipeline.timeline(posting)]
    assert ("stage", "saved") in kinds and ("stage", "applied") in kinds


def test_add_by_hand_duplicate_url_points_to_the_existing_posting(client, db):
    existing = make_posting(url="https://careers.example.test/jobs/10", title="Already Here")
    response = post(client, "/postings/new", {"url": "https://careers.example.test/jobs/10/",
                                              "title": "Typed again", "notes": "keep me"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "already tracked" in body and "Already Here" in body
    assert f'href="/postings/{existing.id}"' in body
    assert 'value="Typed again"' in body and "keep me" in body  # nothing typed is lost
    assert Posting.select().count() == 1


@pytest.mark.parametrize("data,message", [
    ({"url": "ftp://files.example.test/job"}, "must start with http"),
    ({"url": "https://careers.example.test/jobs/11", "salary_min": "a lot"}, "is not a number"),
    ({"url": "https://careers.example.test/jobs/12", "at": "2199-01-01T10:00", "stage": "applied"}, "future"),
])
def test_add_by_hand_bad_input(client, db, data, message):
    response = post(client, "/postings/new", data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body and data["url"] in body
    assert Posting.select().count() == 0


def test_rotate_token(client, config):
    old = current_token(config.data_dir)
    response = post(client, "/settings/token", {})
    assert response.status_code == 302
    new = current_token(config.data_dir)
    assert new != old
    assert client.get("/api/postings", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert client.get("/api/postings", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    assert new in client.get("/settings").get_data(as_text=True)


def test_writes_to_a_missing_posting_are_html_404(client):
    response = post(client, "/postings/12345/stage", {"stage": "applied"})
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_saving_a_field_unchanged_does_not_make_it_the_users(client, db):
    """Round trip: what the form showed, saved as it was, stays the parser's (later clips refresh it)."""
    posting = make_posting()
    posting.locations = ["Sunnyvale, CA", "Boston, MA"]
    posting.save()
    shown = client.get(f"/postings/{posting.id}").get_data(as_text=True)
    assert ">Sunnyvale, CA\nBoston, MA</textarea>" in shown
    assert post(client, f"/postings/{posting.id}/edit", {"locations": "Sunnyvale, CA\nBoston, MA"}).status_code == 302
    fresh = Posting.get_by_id(posting.id)
    assert fresh.locations == ["Sunnyvale, CA", "Boston, MA"] and "locations" not in fresh.user_edited
