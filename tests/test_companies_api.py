"""The companies API and what the preview carries: history, fit, the same job, the target."""
from __future__ import annotations

from datetime import timedelta

from factories import job_page, stored_posting
from jobloop.models import Posting, PostingUrl, Reflection, utcnow
from jobloop.services import companies, network, profile
from test_captures_api import post_json

GREENHOUSE = "https://boards.greenhouse.io/acme/jobs/4001"
LINKEDIN = "https://www.linkedin.com/jobs/view/9001"
DESCRIPTION = "<p>We use Python, Kubernetes and Terraform every day.</p>"


def _rejected_before():
    posting = stored_posting("rejected", stages=("applied", "interviewing"), at=utcnow() - timedelta(days=120),
                             step=timedelta(days=7), company="Acme Robotics", title="Data Engineer",
                             skills=["Kubernetes"])
    r = Reflection.get(Reflection.posting == posting)
    r.feedback, r.written_at = "Needed more Kubernetes.", utcnow()
    r.save()
    network.create(name="Ada Lovelace", role="Recruiter", company="Acme Robotics", warmth="warm")
    return posting


def test_preview_carries_history_fit_and_target(client, auth, db):
    _rejected_before()
    profile.set_skill("Python")
    companies.set_target("Acme Robotics", why="Robots!", priority=1)
    res = post_json(client, "/api/parse", {"url": "https://careers.acme.example/jobs/7",
                                           "html": job_page(title="Platform Engineer", company="ACME Robotics, Inc.",
                                                            description=DESCRIPTION)}, auth)
    assert res.status_code == 200
    body = res.get_json()
    assert body["posting"] is None
    history = body["history"]
    assert history["company"] == "Acme Robotics"
    assert history["company_url"].endswith(f"/companies/{history['company_id']}")
    assert "rejected after the interview" in history["lines"][0] and "Needed more Kubernetes." in history["lines"][0]
    assert history["lines"][1].startswith("Your contact: Ada Lovelace (recruiter)")
    assert body["fit"]["text"] == ("You have 1 of 3 asked. Missing: Kubernetes (asked in 1 of your rejections),"
                                   " Terraform.")
    assert body["target"]["why"] == "Robots!" and body["target"]["priority_label"] == "high"
    assert body["same_job"] is None


def test_preview_at_a_new_company_has_no_history(client, auth, db):
    body = post_json(client, "/api/parse", {"url": "https://jobs.example.test/1",
                                            "html": job_page(title="Chef", company="Nowhere Diner")}, auth).get_json()
    assert body["history"] is None and body["target"] is None and body["same_job"] is None


def test_same_job_is_offered_and_attaching_keeps_one_posting_with_two_urls(client, auth, db):
    created = post_json(client, "/api/captures", {"url": GREENHOUSE, "html": job_page(
        title="Senior Data Engineer", company="Acme Robotics")}, auth).get_json()
    body = post_json(client, "/api/parse", {"url": LINKEDIN, "html": job_page(
        title="Sr. Data Engineer", company="Acme Robotics Inc.")}, auth).get_json()
    assert body["posting"] is None
    assert body["same_job"]["id"] == created["id"] and body["same_job"]["site"] == "Greenhouse"
    assert body["same_job"]["tracker_url"].endswith(f"/postings/{created['id']}")

    res = post_json(client, f"/api/postings/{created['id']}/urls", {"url": LINKEDIN}, auth)
    assert res.status_code == 200 and res.get_json()["id"] == created["id"]
    assert client.get(f"/api/postings/{created['id']}/urls", headers=auth).get_json()["urls"] == [GREENHOUSE, LINKEDIN]
    found = client.get(f"/api/postings?limit=1&url={LINKEDIN}", headers=auth).get_json()["postings"]
    assert [p["id"] for p in found] == [created["id"]]  # what the badge asks
    again = post_json(client, "/api/parse", {"url": LINKEDIN, "html": job_page(title="Sr. Data Engineer")}, auth)
    assert again.get_json()["posting"]["id"] == created["id"]
    assert Posting.select().count() == 1 and PostingUrl.select().count() == 1
    # Bad input: a clear error, never a 500.
    assert post_json(client, f"/api/postings/{created['id']}/urls", {"url": "javascript:x"}, auth).status_code == 422
    assert post_json(client, f"/api/postings/{created['id']}/urls", {"url": LINKEDIN, "x": 1}, auth).status_code == 422
    assert post_json(client, "/api/postings/999/urls", {"url": LINKEDIN}, auth).status_code == 404


def test_companies_notes_merge_fit_and_targets(client, auth, db):
    _rejected_before()
    stored_posting(company="Acme Robotix")
    acme, typo = companies.find("Acme Robotics"), companies.find("Acme Robotix")
    listing = client.get("/api/companies", headers=auth).get_json()["companies"]
    assert {c["name"] for c in listing} == {"Acme Robotics", "Acme Robotix"}
    res = client.put(f"/api/companies/{acme.id}/notes", json={"notes": "Ask Ada first."}, headers=auth)
    assert res.status_code == 200 and res.get_json()["company"]["notes"] == "Ask Ada first."
    merged = post_json(client, f"/api/companies/{acme.id}/merge", {"other_id": typo.id}, auth)
    assert merged.status_code == 200 and set(merged.get_json()["company"]["names"]) == {"Acme Robotics", "Acme Robotix"}
    assert post_json(client, f"/api/companies/{acme.id}/merge", {"other_id": typo.id}, auth).status_code == 409
    # Undone for the one name, and merged again.
    apart = post_json(client, f"/api/companies/{typo.id}/separate", {}, auth)
    assert apart.status_code == 200 and apart.get_json()["company"]["names"] == ["Acme Robotix"]
    assert post_json(client, f"/api/companies/{acme.id}/separate", {}, auth).status_code == 409
    assert post_json(client, "/api/companies/99999/separate", {}, auth).status_code == 404
    assert client.post(f"/api/companies/{typo.id}/separate").status_code == 401  # no token
    assert post_json(client, f"/api/companies/{acme.id}/merge", {"other_id": typo.id}, auth).status_code == 200
    detail = client.get(f"/api/companies/{typo.id}", headers=auth).get_json()
    assert detail["company"]["id"] == acme.id and "rejected after the interview" in [
        a["outcome"] for a in detail["applications"]]
    assert client.get("/api/companies/999", headers=auth).status_code == 404

    fit = post_json(client, "/api/fit", {"skills": ["k8s", "Go"]}, auth).get_json()["fit"]
    assert (fit["asked"], fit["have"]) == (2, 0)
    assert fit["missing"] == [{"skill": "Kubernetes", "rejections": 1}, {"skill": "Go", "rejections": 0}]
    assert post_json(client, "/api/fit", {"skills": ["x" * 81]}, auth).status_code == 422

    made = post_json(client, "/api/targets", {"name": "Northwind", "priority": 1, "check_weeks": 4,
                                              "careers_url": "https://careers.northwind.example/"}, auth)
    assert made.status_code == 201 and made.get_json()["check_weeks"] == 4
    assert post_json(client, "/api/targets", {"name": "Northwind", "priority": 5}, auth).status_code == 422
    assert post_json(client, "/api/targets", {"name": "Northwind", "check_weeks": 53}, auth).status_code == 422
    targets = client.get("/api/targets", headers=auth).get_json()["targets"]
    assert [(t["name"], t["applied"]) for t in targets] == [("Northwind", False)]
    assert client.delete(f"/api/targets/{targets[0]['company_id']}", headers=auth).status_code == 204
    assert client.delete(f"/api/targets/{targets[0]['company_id']}", headers=auth).status_code == 404


def test_openapi_documents_the_companies_api(client, auth):
    paths = client.get("/api/openapi.json", headers=auth).get_json()["paths"]
    for path in ("/api/companies", "/api/companies/{company_id}", "/api/companies/{company_id}/merge",
                 "/api/companies/{company_id}/notes", "/api/fit", "/api/targets", "/api/postings/{posting_id}/urls"):
        assert path in paths
    preview = client.get("/api/openapi.json", headers=auth).get_json()["components"]["schemas"]["ClipPreview"]
    assert {"history", "fit", "same_job", "target"} <= set(preview["properties"])
