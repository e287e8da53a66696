"""The follow-ups API over real HTTP handling (Flask client, real SQLite file), with a fixed app clock."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

import pytest

from factories import Clock, stored_posting
from jobloop.models import Contact, FollowUp, Reflection
from jobloop.services import pipeline

T0 = datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def clock():
    return Clock(T0)


make_posting = partial(stored_posting, stage="applied", at=T0, title="Platform Engineer", company="Umbrella")


@pytest.mark.parametrize("method, path", [("get", "/api/followups"), ("get", "/api/followups/summary"),
                                          ("post", "/api/followups/1/done"), ("get", "/api/reflections"),
                                          ("get", "/api/postings/1/interviews")])
def test_every_followup_route_needs_the_token(client, db, method, path):
    make_posting()
    response = getattr(client, method)(path)
    assert response.status_code == 401, path
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_summary_counts_what_is_due_by_the_app_clock(client, auth, db, clock):
    make_posting(stage="applied")
    rejected = make_posting(stage="interviewing")
    pipeline.change_stage(rejected, "rejected", at=T0, now=T0)
    # Right after the rejection: the feedback request is due, the reflection waits a night.
    assert client.get("/api/followups/summary", headers=auth).get_json() == {"due": 1, "reflections_due": 0}
    clock.advance(days=1, hours=23)
    assert client.get("/api/followups/summary", headers=auth).get_json() == {"due": 1, "reflections_due": 1}
    clock.advance(days=6)  # the applied one needs a check-in now
    assert client.get("/api/followups/summary", headers=auth).get_json() == {"due": 2, "reflections_due": 1}


def test_list_done_snooze_dismiss(client, auth, db, clock):
    posting = make_posting(company="Hooli")
    clock.advance(days=8)
    due = client.get("/api/followups", headers=auth).get_json()["followups"]
    assert [f["kind"] for f in due] == ["check_in"]
    check_in = due[0]
    assert check_in["company"] == "Hooli" and check_in["actionable"] and check_in["overdue"]
    assert "Hooli" in check_in["message"]["body"] and check_in["message"]["mailto"].startswith("mailto:")

    r = client.post(f"/api/followups/{check_in['id']}/snooze", json={"days": 2}, headers=auth)
    assert r.status_code == 200 and r.get_json()["snoozed_until"].startswith("2026-03-12T10:00")
    assert client.get("/api/followups", headers=auth).get_json()["followups"] == []
    upcoming = client.get("/api/followups?scope=upcoming", headers=auth).get_json()["followups"]
    assert [f["kind"] for f in upcoming] == ["check_in"]  # the ghosted suggestion waits for the check-in

    clock.advance(days=2)
    assert len(client.get("/api/followups", headers=auth).get_json()["followups"]) == 1
    r = client.post(f"/api/followups/{check_in['id']}/done", headers=auth)
    assert r.status_code == 200 and r.get_json()["status"] == "done"
    again = client.post(f"/api/followups/{check_in['id']}/done", headers=auth)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "not_open"

    ghost = FollowUp.get(FollowUp.kind == "suggest_ghosted")
    r = client.post(f"/api/followups/{ghost.id}/dismiss", headers=auth)
    assert r.get_json()["status"] == "dismissed"
    clock.advance(days=60)
    assert client.get("/api/followups", headers=auth).get_json()["followups"] == []
    every = client.get(f"/api/followups?scope=posting&posting_id={posting.id}", headers=auth).get_json()
    assert sorted(f["status"] for f in every["followups"]) == ["dismissed", "done"]


@pytest.mark.parametrize("body", [{}, {"days": 1, "hours": 2}, {"days": 0}, {"until": "2020-01-01T00:00:00Z"}])
def test_bad_snooze_is_refused_and_changes_nothing(client, auth, db, clock, body):
    make_posting()
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    r = client.post(f"/api/followups/{check_in.id}/snooze", json=body, headers=auth)
    assert r.status_code == 422 and r.get_json()["error"]["message"]
    assert FollowUp.get_by_id(check_in.id).snoozed_until is None


def test_unknown_followup_is_404(client, auth, db):
    r = client.post("/api/followups/999/done", headers=auth)
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_create_a_contact_followup(client, auth, db, clock):
    contact = Contact.create(name="Rita Moss", email="rita@example.test")
    r = client.post("/api/followups", json={"kind": "keep_in_touch", "due_at": "2026-03-05T09:00:00Z",
                                            "contact_id": contact.id}, headers=auth)
    assert r.status_code == 201
    body = r.get_json()
    assert body["contact_name"] == "Rita Moss" and body["message"]["to"] == "rita@example.test"
    assert not body["actionable"]
    clock.advance(days=3)
    assert [f["id"] for f in client.get("/api/followups", headers=auth).get_json()["followups"]] == [body["id"]]
    bad = client.post("/api/followups", json={"kind": "keep_in_touch", "due_at": "2026-03-05T09:00:00Z"}, headers=auth)
    assert bad.status_code == 422


def test_interviews_create_and_list(client, auth, db, clock):
    posting = make_posting(stage="applied")
    r = client.post(f"/api/postings/{posting.id}/interviews",
                    json={"at": "2026-03-04T14:00:00+01:00", "kind": "video", "with": "Dana Park"}, headers=auth)
    assert r.status_code == 201, r.get_json()
    interview = r.get_json()
    assert interview["at"].startswith("2026-03-04T13:00") and interview["with"] == "Dana Park"
    listed = client.get(f"/api/postings/{posting.id}/interviews", headers=auth).get_json()["interviews"]
    assert [i["id"] for i in listed] == [interview["id"]]
    detail = client.get(f"/api/postings/{posting.id}", headers=auth).get_json()
    assert detail["stage"] == "interviewing"
    assert any(e["kind"] == "interview" and e["details"]["with"] == "Dana Park" for e in detail["events"])
    clock.now = datetime(2026, 3, 4, 14, 0)
    assert [f["kind"] for f in client.get("/api/followups", headers=auth).get_json()["followups"]] == ["thank_you"]
    bad = client.post(f"/api/postings/{posting.id}/interviews", json={"at": "tomorrow"}, headers=auth)
    assert bad.status_code == 422 and "at" in bad.get_json()["error"]["message"]


def test_offer_deadline(client, auth, db, clock):
    posting = make_posting(stage="offer")
    r = client.post(f"/api/postings/{posting.id}/offer-deadline", json={"deadline": "2026-03-06T17:00:00Z"},
                    headers=auth)
    assert r.status_code == 200 and r.get_json()["kind"] == "offer_reply"
    assert r.get_json()["due_at"].startswith("2026-03-06T17:00")
    other = make_posting(stage="applied")
    r = client.post(f"/api/postings/{other.id}/offer-deadline", json={"deadline": "2026-03-06T17:00:00Z"},
                    headers=auth)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "no_offer"


def test_reflections_list_get_update(client, auth, db, clock):
    posting = make_posting(stage="screening", company="Vandelay")
    pipeline.change_stage(posting, "rejected", at=T0 + timedelta(hours=1), now=T0 + timedelta(hours=1))
    clock.advance(days=2)
    listed = client.get("/api/reflections?status=due", headers=auth).get_json()["reflections"]
    assert len(listed) == 1 and listed[0]["stage_reached"] == "screening" and listed[0]["ending"] == "rejected"
    rid = listed[0]["id"]
    bad = client.patch(f"/api/reflections/{rid}", json={"confidence": 9, "went_well": "x"}, headers=auth)
    assert bad.status_code == 422
    assert Reflection.get_by_id(rid).went_well == ""
    r = client.patch(f"/api/reflections/{rid}", json={"went_well": "Good rapport", "to_improve": "Go deeper on Kafka",
                                                      "confidence": 4}, headers=auth)
    assert r.status_code == 200 and r.get_json()["written_at"] and r.get_json()["confidence"] == 4
    assert client.get("/api/reflections?status=due", headers=auth).get_json()["reflections"] == []
    assert [x["id"] for x in client.get("/api/reflections?q=kafka", headers=auth).get_json()["reflections"]] == [rid]
    assert client.get(f"/api/reflections/{rid}", headers=auth).get_json()["company"] == "Vandelay"
    assert client.get("/api/reflections/999", headers=auth).status_code == 404
    assert client.patch(f"/api/reflections/{rid}", json={}, headers=auth).status_code == 422


@pytest.mark.parametrize("path", ["/api/followups", "/api/followups/summary", "/api/followups/{followup_id}/snooze",
                                  "/api/reflections/{reflection_id}", "/api/postings/{posting_id}/interviews"])
def test_openapi_documents_the_followup_routes(client, auth, path):
    paths = client.get("/api/openapi.json", headers=auth).get_json()["paths"]
    assert path in paths, path


def test_followup_list_answers_a_page_at_a_time(client, auth, db, clock):
    for i in range(5):
        make_posting(title=f"Engineer {i}", at=T0 + timedelta(minutes=i))
    clock.advance(days=8)  # five check-ins due
    every = client.get("/api/followups", headers=auth).get_json()
    assert len(every["followups"]) == 5 and every["more"] is False
    first = client.get("/api/followups?limit=2", headers=auth).get_json()
    rest = client.get("/api/followups?limit=2&offset=2", headers=auth).get_json()
    last = client.get("/api/followups?limit=2&offset=4", headers=auth).get_json()
    assert first["more"] and rest["more"] and not last["more"]
    pages = [f["id"] for page in (first, rest, last) for f in page["followups"]]
    assert pages == [f["id"] for f in every["followups"]]
    posting_id = every["followups"][0]["posting_id"]
    one = client.get(f"/api/followups?scope=posting&posting_id={posting_id}&limit=1", headers=auth).get_json()
    assert len(one["followups"]) == 1
    clock.advance(days=-7)
    ahead = client.get("/api/followups?scope=upcoming&limit=3", headers=auth).get_json()
    assert len(ahead["followups"]) == 3 and ahead["more"]


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", "limit=ten"])
def test_followup_list_refuses_a_page_out_of_bounds(client, auth, db, query):
    r = client.get(f"/api/followups?{query}", headers=auth)
    assert r.status_code == 422 and r.get_json()["error"]["message"]


def test_followup_lists_leave_the_postings_descriptions_unread(client, auth, db, clock):
    """A page of follow-ups names each posting; reading its description made the list slow."""
    import querycount

    make_posting(title="Engineer")
    clock.advance(days=8)
    for path in ("/api/followups", "/api/followups?scope=upcoming", "/followups", "/"):
        with querycount.counting() as log:
            assert client.get(path, headers=auth).status_code == 200
        read = [sql for sql, _ in log.statements if "follow_up" in sql and "description_html" in sql]
        assert not read, (path, read)
