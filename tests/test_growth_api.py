"""Growth API: profile, gaps, goals, contacts (incl. the popup's recruiter call), insights, OpenAPI."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from factories import Clock
from jobloop.models import Contact, FollowUp

from factories.history import posting_with_history

NOW = datetime(2026, 11, 30, 12, 0)


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.mark.parametrize("method, path", [("get", "/api/profile/skills"), ("get", "/api/gaps"), ("get", "/api/goals"),
                                          ("get", "/api/contacts"), ("get", "/api/insights"),
                                          ("post", "/api/postings/1/contacts")])
def test_every_growth_route_needs_the_token(client, method, path):
    r = getattr(client, method)(path, json={} if method == "post" else None)
    assert r.status_code == 401, path
    assert r.json["error"]["code"] == "unauthorized"


def test_profile_and_gaps(client, auth, db):
    posting_with_history(NOW - timedelta(days=5), [("applied", NOW - timedelta(days=4)), ("rejected", NOW - timedelta(days=1))],
                         now=NOW, skills=["Python", "Kubernetes"])
    assert client.post("/api/profile/skills", json={"name": "python", "level": 4}, headers=auth).json["level"] == 4
    r = client.post("/api/profile/skills", json={"name": "Go", "level": 7}, headers=auth)
    assert r.status_code == 422 and r.json["error"]["code"] == "invalid"
    assert [s["name"] for s in client.get("/api/profile/skills", headers=auth).json["skills"]] == ["Python"]  # the vocabulary's name
    gaps = client.get("/api/gaps", headers=auth).json
    assert [(g["skill"], g["rejected"], g["in_flight"]) for g in gaps["gaps"]] == [("Kubernetes", 1, 0)]
    assert gaps["counts"] == {"rejected": 1, "in_flight": 0}
    assert client.delete("/api/profile/skills/PYTHON", headers=auth).status_code == 204
    assert client.delete("/api/profile/skills/python", headers=auth).status_code == 404


def test_goals(client, auth, db):
    r = client.post("/api/goals", json={"skill": "Kubernetes"}, headers=auth)
    assert r.status_code == 201
    goal = r.json
    assert goal["title"] == "Learn Kubernetes" and goal["deadline"] == "2027-01-25" and goal["status"] == "open"
    assert client.post("/api/goals", json={}, headers=auth).status_code == 422
    r = client.patch(f"/api/goals/{goal['id']}", json={"progress_note": "Module 1", "deadline": "2026-12-02"}, headers=auth)
    assert r.json["progress"] == "2026-11-30: Module 1" and r.json["status"] == "due soon"
    r = client.patch(f"/api/goals/{goal['id']}", json={"done": True}, headers=auth)
    assert r.json["status"] == "done"
    assert client.get("/api/profile/skills", headers=auth).json["skills"][0]["name"] == "Kubernetes"
    assert client.delete(f"/api/goals/{goal['id']}", headers=auth).status_code == 204
    assert client.patch(f"/api/goals/{goal['id']}", json={"done": True}, headers=auth).status_code == 404


def test_popup_attaches_a_recruiter_to_a_posting(client, auth, db):
    posting = posting_with_history(NOW - timedelta(days=1), [], now=NOW, company="Globex")
    r = client.post(f"/api/postings/{posting.id}/contacts", json={"name": "Dana Whitfield", "email": "dana@globex.test"},
                    headers=auth)
    assert r.status_code == 201
    assert r.json["company"] == "Globex" and r.json["postings"] == [posting.id]
    r = client.post(f"/api/postings/{posting.id}/contacts", json={"name": "Dana W.", "email": "DANA@globex.test",
                                                                  "role": "Recruiter"}, headers=auth)
    assert r.status_code == 200 and r.json["role"] == "Recruiter" and Contact.select().count() == 1
    r = client.post(f"/api/postings/{posting.id}/contacts", json={"email": "x@y.test"}, headers=auth)
    assert r.status_code == 422 and "name" in r.json["error"]["message"]
    assert client.post("/api/postings/999/contacts", json={"name": "X"}, headers=auth).status_code == 404
    listed = client.get(f"/api/postings/{posting.id}/contacts", headers=auth).json["contacts"]
    assert [c["name"] for c in listed] == ["Dana Whitfield"]


def test_contacts_crud_and_touch(client, auth, db):
    r = client.post("/api/contacts", json={"name": "Priya", "warmth": "close", "linkedin_url": "https://www.linkedin.com/in/p"},
                    headers=auth)
    assert r.status_code == 201
    cid = r.json["id"]
    assert r.json["next_touch_at"].startswith("2026-12-30")
    assert client.post("/api/contacts", json={"name": "X", "linkedin_url": "javascript:alert(1)"}, headers=auth).status_code == 422
    assert client.patch(f"/api/contacts/{cid}", json={"warmth": "tepid"}, headers=auth).status_code == 422
    r = client.post(f"/api/contacts/{cid}/touches", json={"note": "Call", "at": "2026-11-29T10:00:00Z"}, headers=auth)
    assert r.status_code == 201 and r.json["last_contact_at"].startswith("2026-11-29T10:00")
    assert FollowUp.get(FollowUp.status == "open").due_at == datetime(2026, 12, 29, 10, 0)
    assert client.get("/api/contacts/due", headers=auth).json["contacts"] == []
    r = client.patch(f"/api/contacts/{cid}", json={"warmth": "cold"}, headers=auth)
    assert r.json["warmth"] == "cold"
    assert client.delete(f"/api/contacts/{cid}", headers=auth).status_code == 204
    assert client.get(f"/api/contacts/{cid}", headers=auth).status_code == 404


def test_insights_summary(client, auth, db):
    posting_with_history(NOW - timedelta(days=9), [("applied", NOW - timedelta(days=8)), ("screening", NOW - timedelta(days=6))],
                         now=NOW, url="https://jobs.lever.co/acme/5ac1e2d4")
    s = client.get("/api/insights?weeks=4", headers=auth).json
    assert [f["count"] for f in s["funnel"]] == [1, 1, 1, 0, 0]
    assert s["by_source"] == [{"source": "Lever", "applied": 1, "responded": 1, "response_rate": 1.0, "median_days": 2.0}]
    assert len(s["weekly"]) == 4 and s["weekly"][-1] == {"week_start": "2026-11-30", "count": 0}
    assert s["in_flight"]["count"] == 1 and s["in_flight"]["below"] is True
    assert s["wins"]["applications"] == {"label": "Applications sent", "week": 0, "total": 1}
    assert client.get("/api/insights?weeks=0", headers=auth).status_code == 422


@pytest.mark.parametrize("path", ["/api/profile/skills", "/api/gaps", "/api/goals", "/api/goals/{goal_id}", "/api/contacts",
                                  "/api/contacts/{contact_id}/touches", "/api/postings/{posting_id}/contacts",
                                  "/api/insights"])
def test_openapi_documents_growth(client, auth, path):
    paths = client.get("/api/openapi.json", headers=auth).json["paths"]
    assert path in paths, path
