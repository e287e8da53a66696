"""Dates over the API: applied on a date, corrected, a wrong event removed — the stage,
the check-in and the feedback request follow. Run with the process in three time zones."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from factories import job_page
from jobloop.clock import utc_to_local
from jobloop.models import Event, FollowUp, Reflection



def local_today() -> date:
    return datetime.now().date()


def local_day(dt_text: str) -> date:
    return utc_to_local(datetime.fromisoformat(dt_text.rstrip("Z").split("+")[0])).date()


def clip(client, auth, n=1) -> dict:
    r = client.post("/api/captures", json={"url": f"https://boards.example-ats.test/acme/jobs/{n}",
                                           "html": job_page(title="Data Engineer")}, headers=auth)
    assert r.status_code == 201
    return r.get_json()


def followups_of(client, auth, posting_id, scope="posting"):
    r = client.get(f"/api/followups?scope={scope}&posting_id={posting_id}", headers=auth)
    return [f for f in r.get_json()["followups"] if f["posting_id"] == posting_id]


def test_applied_ten_days_ago_then_corrected_then_a_wrong_rejection_removed(client, auth, db, zone):
    posting = clip(client, auth)
    assert posting["stage"] == "saved"
    pid = posting["id"]
    today = local_today()

    # Clipped today, applied ten days ago: applied, with the check-in three days overdue.
    r = client.put(f"/api/postings/{pid}/applied", json={"on": (today - timedelta(days=10)).isoformat()}, headers=auth)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["stage"] == "applied"
    assert body["applied_at"].endswith("+00:00")  # a date-time with its offset, as the OpenAPI document says
    assert local_day(body["applied_at"]) == today - timedelta(days=10)
    due = client.get("/api/followups", headers=auth).get_json()["followups"]
    assert [(f["kind"], f["posting_id"]) for f in due] == [("check_in", pid)]  # once, and nothing beside it
    assert local_day(due[0]["due_at"]) == today - timedelta(days=3) and due[0]["overdue"]

    # Correct the applied date: the same event moves, and the check-in with it.
    r = client.put(f"/api/postings/{pid}/applied", json={"on": (today - timedelta(days=5)).isoformat()}, headers=auth)
    assert r.status_code == 200
    assert [e["to_stage"] for e in r.get_json()["events"] if e["kind"] == "stage"].count("applied") == 1
    assert client.get("/api/followups", headers=auth).get_json()["followups"] == []
    (check_in,) = followups_of(client, auth, pid)
    assert check_in["kind"] == "check_in" and local_day(check_in["due_at"]) == today + timedelta(days=2)

    # A "rejected" recorded by mistake, then removed: back in flight, the feedback request gone.
    r = client.post(f"/api/postings/{pid}/events", json={"kind": "stage", "stage": "rejected"}, headers=auth)
    rejected_id = r.get_json()["id"]
    assert {f["kind"] for f in followups_of(client, auth, pid) if f["status"] == "open"} >= {"feedback_request"}
    assert Reflection.select().count() == 1
    r = client.delete(f"/api/postings/{pid}/events/{rejected_id}", headers=auth)
    assert r.status_code == 200
    after = r.get_json()
    in_flight = client.get("/api/stages", headers=auth).get_json()["groups"]["in_flight"]
    assert after["stage"] == "applied" and after["stage"] in in_flight
    assert [f["kind"] for f in followups_of(client, auth, pid) if f["status"] == "open"] == ["check_in"]
    assert FollowUp.select().where(FollowUp.kind == "feedback_request").count() == 0
    assert Reflection.select().count() == 0
    correction = [e for e in after["events"] if e["kind"] == "correction"]
    assert len(correction) == 1 and correction[0]["details"]["removed"]["to_stage"] == "rejected"
    assert correction[0]["details"]["by"] == "api"


def test_editing_an_event_records_who_and_when(client, auth, db):
    pid = clip(client, auth)["id"]
    r = client.post(f"/api/postings/{pid}/events", json={"kind": "note", "note": "Called Dana"}, headers=auth)
    note_id = r.get_json()["id"]
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    r = client.patch(f"/api/postings/{pid}/events/{note_id}", json={"note": "Called Dana Park", "on": yesterday},
                     headers=auth)
    assert r.status_code == 200
    edited = r.get_json()
    assert edited["note"] == "Called Dana Park"
    (record,) = edited["details"]["edits"]
    assert record["by"] == "api" and record["note"] == ["Called Dana", "Called Dana Park"] and "at" in record
    assert Event.get_by_id(note_id).note == "Called Dana Park"


@pytest.mark.parametrize("body, code", [
    ({}, "empty_patch"),
    ({"on": "2026-01-01", "at": "2026-01-01T10:00:00Z"}, "invalid"),
    ({"at": "2100-01-01T10:00:00Z"}, "future_date"),
    ({"at": "2999-01-01T10:00:00Z"}, "invalid_date"),
    ({"on": "1900-01-01"}, "invalid_date"),
    ({"at": "0001-01-01T00:00:00+14:00"}, "invalid_date"),
    ({"at": "9999-12-31T23:59:00-12:00"}, "invalid_date"),
])
def test_bad_event_edits_are_refused(client, auth, db, body, code):
    pid = clip(client, auth)["id"]
    event_id = Event.get(Event.kind == "stage").id
    r = client.patch(f"/api/postings/{pid}/events/{event_id}", json=body, headers=auth)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == code
    assert Event.get_by_id(event_id).details.get("edits") is None


def test_unknown_keys_and_wrong_events_are_refused(client, auth, db):
    pid = clip(client, auth)["id"]
    other = clip(client, auth, n=2)["id"]
    event_id = Event.get(Event.posting == other).id
    assert client.patch(f"/api/postings/{pid}/events/{event_id}", json={"note": "x"}, headers=auth).status_code == 404
    assert client.delete(f"/api/postings/{pid}/events/{event_id}", headers=auth).status_code == 404
    r = client.put(f"/api/postings/{pid}/applied", json={"when": "yesterday"}, headers=auth)
    assert r.status_code == 422
    assert client.put(f"/api/postings/{pid}/applied", json={}).status_code == 401


def test_applied_with_no_date_means_now(client, auth, db):
    pid = clip(client, auth)["id"]
    r = client.put(f"/api/postings/{pid}/applied", json={}, headers=auth)
    assert r.status_code == 200 and r.get_json()["stage"] == "applied"
    assert local_day(r.get_json()["applied_at"]) == local_today()
