"""Limits are the model's, not the engine's: the same input gets the same answer on SQLite
and PostgreSQL (scripts/test runs this file on both). A parsed value too long for its field
is cut, a typed one is refused with a 422 naming the field, NUL bytes are dropped; never a 500."""
from __future__ import annotations

from factories import job_page
from jobloop.models import Company, Contact, Posting


def capture(client, auth, **body):
    return client.post("/api/captures", json=body, headers=auth)


def test_parsed_values_too_long_are_cut_to_the_model(db):
    # The parser keeps names short itself; this is the server's guarantee behind it.
    from jobloop.services.capture import fitted

    long_name = "Acme " + "Holding " * 60
    cut = fitted({"company": long_name, "title": "Analyst " * 100, "salary_currency": "EURO", "skills": ["x"]})
    assert cut["company"] == long_name[:Company.name.max_length].rstrip()
    assert len(cut["title"]) <= Posting.title.max_length and cut["salary_currency"] == "EUR"
    assert cut["skills"] == ["x"]


def test_a_typed_company_name_too_long_is_refused_naming_it(client, auth, db):
    res = capture(client, auth, url="https://jobs.example.test/long/1", html=job_page())
    posting_id = res.get_json()["id"]
    res = client.patch(f"/api/postings/{posting_id}", json={"company": "x" * 300}, headers=auth)
    assert res.status_code == 422 and "company" in str(res.get_json()["error"])


def test_a_url_longer_than_the_model_is_refused_naming_it(client, auth, db):
    url = "https://jobs.example.test/" + "a" * Posting.canonical_url.max_length
    res = capture(client, auth, url=url, html=job_page())
    assert res.status_code == 422
    assert res.get_json()["error"]["message"].startswith("url: at most 2048 characters")
    assert Posting.select().count() == 0


def test_a_linkedin_url_longer_than_the_model_is_refused_naming_it(client, auth, db):
    url = "https://www.linkedin.com/in/" + "x" * 300
    res = client.post("/api/contacts", json={"name": "Dana", "linkedin_url": url}, headers=auth)
    assert res.status_code == 422
    assert "linkedin_url" in res.get_json()["error"]["message"]
    assert Contact.select().count() == 0
    ok = client.post("/api/contacts", json={"name": "Dana", "linkedin_url": url[:255]}, headers=auth)
    assert ok.status_code == 201, ok.get_json()


def test_nul_bytes_are_dropped_from_text_on_the_way_in(client, auth, db):
    res = capture(client, auth, url="https://jobs.example.test/nul/1", html=job_page(title="Data\x00 Engineer"),
                  note="called\x00 back")
    assert res.status_code == 201, res.get_json()
    posting_id = res.get_json()["id"]
    res = client.post(f"/api/postings/{posting_id}/events", json={"kind": "note", "note": "nul\x00 here"},
                      headers=auth)
    assert res.status_code == 201, res.get_json()
    res = client.patch(f"/api/postings/{posting_id}", json={"notes": "a\x00b"}, headers=auth)
    assert res.status_code == 200, res.get_json()
    posting = Posting.get_by_id(posting_id)
    assert posting.title == "Data Engineer" and posting.notes == "ab"
    assert sorted(e.note for e in posting.events if e.kind == "note") == ["called back", "nul here"]
    found = client.get("/api/postings?q=engineer\x00", headers=auth)
    assert found.status_code == 200 and len(found.get_json()["postings"]) == 1
