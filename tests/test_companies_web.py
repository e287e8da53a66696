"""The Companies pages, the posting page's company partial and the dashboard's targets."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template

from factories import stored_posting
from jobloop.models import Reflection, utcnow
from jobloop.services import companies, network, profile
from test_web_forms import post


def _history():
    posting = stored_posting("rejected", stages=("applied", "interviewing"), at=utcnow() - timedelta(days=50),
                             step=timedelta(days=5), company="Acme Robotics", title="Data Engineer")
    r = Reflection.get(Reflection.posting == posting)
    r.feedback, r.went_well, r.written_at = "More system design, please.", "Rapport with the team", utcnow()
    r.save()
    network.create(name="Ada Lovelace", role="Recruiter", company="Acme Robotics Inc.", warmth="warm")
    return posting


def test_company_page_shows_applications_feedback_contacts_and_saves_notes(client, db):
    posting = _history()
    head = companies.find("Acme Robotics")
    page = client.get(f"/companies/{head.id}").get_data(as_text=True)
    assert "Data Engineer" in page and "rejected after the interview" in page
    assert "More system design, please." in page and "Rapport with the team" in page
    assert "Ada Lovelace" in page and "warm" in page
    assert f"/postings/{posting.id}" in page
    listing = client.get("/companies").get_data(as_text=True)
    assert f"/companies/{head.id}" in listing

    response = post(client, f"/companies/{head.id}/notes", {"notes": "Ask for the platform team next time."})
    assert response.status_code == 302
    assert "Ask for the platform team next time." in client.get(f"/companies/{head.id}").get_data(as_text=True)
    too_long = post(client, f"/companies/{head.id}/notes", {"notes": "x" * 20_001})
    assert too_long.status_code == 422 and "at most 20000 characters" in too_long.get_data(as_text=True)
    assert client.get("/companies/99999").status_code == 404


def test_merging_on_the_company_page(client, db):
    stored_posting(company="Lumen Labs")
    stored_posting(company="Lumen Laboratories")
    keep, other = companies.find("Lumen Labs"), companies.find("Lumen Laboratories")
    response = post(client, f"/companies/{keep.id}/merge", {"other": str(other.id)})
    assert response.status_code == 302
    assert client.get(f"/companies/{other.id}").headers["Location"].endswith(f"/companies/{keep.id}")
    assert "Lumen Laboratories" in client.get(f"/companies/{keep.id}").get_data(as_text=True)
    again = post(client, f"/companies/{keep.id}/merge", {"other": str(other.id)})
    assert again.status_code == 409 and "already one company" in again.get_data(as_text=True)
    assert post(client, f"/companies/{keep.id}/merge", {"other": "x"}).status_code == 422


def test_a_wrong_merge_is_undone_on_the_company_page(client, db):
    stored_posting(company="Lumen Labs")
    stored_posting(company="Northwind", title="Data Engineer")
    keep, other = companies.find("Lumen Labs"), companies.find("Northwind")
    post(client, f"/companies/{keep.id}/merge", {"other": str(other.id)})
    page = client.get(f"/companies/{keep.id}").get_data(as_text=True)
    assert f'action="/companies/{other.id}/separate"' in page and "Not the same" in page
    response = post(client, f"/companies/{other.id}/separate", {})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/companies/{keep.id}#names")
    assert "Northwind is a company of its own again" in client.get(f"/companies/{keep.id}").get_data(as_text=True)
    page = client.get(f"/companies/{other.id}")
    assert page.status_code == 200 and "Data Engineer" in page.get_data(as_text=True)  # its own page, with its posting
    again = post(client, f"/companies/{other.id}/separate", {})
    assert again.status_code == 409 and "listed under" in again.get_data(as_text=True)
    assert post(client, "/companies/99999/separate", {}).status_code == 404
    # Without the form's CSRF token nothing is separated.
    post(client, f"/companies/{keep.id}/merge", {"other": str(other.id)})
    refused = client.post(f"/companies/{other.id}/separate", data={})
    assert refused.status_code in (400, 403) and companies.get(other.id).id == keep.id


def test_targets_on_the_companies_page_and_the_dashboard(client, db):
    stored_posting(company="Elsewhere")  # the dashboard shows its partials once something is tracked
    response = post(client, "/companies/targets", {"name": "Northwind", "why": "Great mentors", "priority": "1",
                                                    "careers_url": "https://careers.northwind.example/", "check_weeks": "3"})
    assert response.status_code == 302
    page = client.get("/companies").get_data(as_text=True)
    assert "Northwind" in page and "Great mentors" in page and "every 3 weeks" in page
    dash = client.get("/").get_data(as_text=True)
    assert "Target companies, no application yet" in dash and "Northwind" in dash
    assert "Next look at their openings:" in dash
    target = companies.target_of(companies.find("Northwind"))
    target.created_at = utcnow() - timedelta(weeks=4)
    target.save()
    dash = client.get("/").get_data(as_text=True)
    assert "Check their openings: due since" in dash
    assert post(client, f"/companies/{target.company_id}/target/checked", {}).status_code == 302
    assert "Next look at their openings:" in client.get("/").get_data(as_text=True)
    bad = post(client, "/companies/targets", {"name": "Northwind", "priority": "9"})
    assert bad.status_code == 422 and "priority is 1 (high)" in bad.get_data(as_text=True)
    stored_posting("applied", company="Northwind Inc.")
    assert "Target companies, no application yet" not in client.get("/").get_data(as_text=True)


def test_the_posting_partial_shows_the_history_link_and_fit(app, db):
    _history()
    profile.set_skill("python")
    new = stored_posting(company="ACME Robotics GmbH", title="Senior Data Engineer", skills=["Python", "Kubernetes"])
    with app.test_request_context("/"):
        html = render_template("partials/posting_company.html", posting=new)
    head = companies.find("Acme Robotics")
    assert f"/companies/{head.id}" in html
    assert "Applied in" in html and "rejected after the interview" in html and "Ada Lovelace" in html
    assert "You have 1 of 2 asked. Missing: Kubernetes" in html
