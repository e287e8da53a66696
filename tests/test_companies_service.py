"""Companies as employers: name keys, the careers host, merges, history, fit, the same job
seen twice and target companies — on a real store."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from factories import make_posting, stored_posting
from jobloop.migrations import migrate
from jobloop.models import Company, Contact, Posting, PostingUrl, Reflection
from jobloop.parsing.identity import careers_brand, company_key, title_similarity
from jobloop.services import Conflict, ServiceError, capture, companies, network, pipeline, postings, profile

NOW = datetime(2026, 6, 15, 12, 0)


@pytest.mark.parametrize("a, b", [
    ("Acme", "ACME Inc."), ("Acme", "Acme, Inc"), ("Acme", "The Acme Company"), ("Acme", "Acme GmbH"),
    ("Acme", "Acme GmbH & Co. KG"), ("Acme", "Acme Ltd"), ("Acme", "Acme LLC"), ("Acme", "Acme S.A."),
    ("Acme", "Acme B.V."), ("Acme", "acme plc"), ("Acme", "Acme Corp."), ("Nestlé", "Nestle SA"),
    ("Acme", "  acme  ag "),
])
def test_names_of_one_employer_share_a_key_unit(a, b):
    assert company_key(a) == company_key(b) != ""


@pytest.mark.parametrize("a, b", [
    ("Acme", "Acme Robotics"), ("The Trade Desk", "Trade Deskers"), ("Meta", "Metal Inc."), ("Company", "Co"),
])
def test_different_employers_keep_different_keys_unit(a, b):
    assert company_key(a) != company_key(b)


def test_a_legal_form_alone_is_still_a_name_unit():
    assert company_key("The Company") == "company"
    assert company_key("") == "" and company_key(None) == ""


def test_careers_brand_reads_the_employer_from_its_own_address_unit():
    assert careers_brand("https://boards.greenhouse.io/acme/jobs/1") == "acme"
    assert careers_brand("https://jobs.lever.co/acme/abc") == "acme"
    assert careers_brand("https://careers.acme.com/jobs/1") == "acme"
    assert careers_brand("https://www.linkedin.com/jobs/view/1") is None  # a job board names nobody
    assert careers_brand("not a url") is None


def test_names_land_on_one_employer_by_key_and_by_careers_host(db):
    acme = companies.named("Acme")
    assert companies.head_of(companies.named("ACME Inc.")).id == acme.id
    # Another spelling, the same careers host: the second signal.
    robotics = companies.named("Acme Robotics", "https://boards.greenhouse.io/acme/jobs/2")
    assert robotics.merged_into is None  # no host known for Acme yet: a company of its own
    other = companies.named("Acme Robotic Systems", "https://boards.greenhouse.io/acme/jobs/3")
    assert companies.head_of(other).id == robotics.id
    assert companies.find("acme, inc").id == acme.id
    assert companies.find(None, "https://jobs.lever.co/nobody/1") is None


def test_merging_two_companies_is_remembered_for_later_clips(db):
    p1 = make_posting(company="Lumen Labs", url="https://www.linkedin.com/jobs/view/1", now=NOW)
    p2 = make_posting(company="Lumen Laboratories", url="https://www.linkedin.com/jobs/view/2", now=NOW)
    keep, other = p1.company, p2.company
    assert companies.head_of(keep).id != companies.head_of(other).id
    companies.set_notes(other, "Met them at a meetup")
    merged = companies.merge(keep, other)
    assert merged.id == keep.id
    assert companies.get(other.id).id == keep.id
    assert "Met them at a meetup" in companies.get(keep.id).notes
    # A later clip under the other name, or a variant of it, lands on the merged company.
    p3 = make_posting(company="Lumen Laboratories GmbH", url="https://www.linkedin.com/jobs/view/3", now=NOW)
    assert companies.head_of(p3.company).id == keep.id
    assert sorted(companies.names(merged)) == ["Lumen Laboratories", "Lumen Laboratories GmbH", "Lumen Labs"]
    with pytest.raises(Conflict):
        companies.merge(keep, p3.company)


def test_the_migration_fills_keys_and_groups_existing_names(tmp_path):
    from test_migrations_db import store_values, v1_store

    db = v1_store(tmp_path / "v1")
    try:
        db.execute_sql("INSERT INTO company (name, created_at) VALUES ('ACME Inc.', '2025-01-01 00:00:00')")
        before = {t: rows for t, rows in store_values(db).items() if t == "company"}
        migrate(db)
        rows = db.execute_sql("SELECT id, name, key, merged_into, notes FROM company ORDER BY id").fetchall()
        names = {r[1]: r for r in rows}
        assert all(r[2] for r in rows)  # every company has its key
        acme = [r for r in rows if r[2] == "acme"]
        if len(acme) == 2:  # the fixture's own Acme and the variant: one employer, the first is the head
            assert acme[0][3] is None and acme[1][3] == acme[0][0]
        assert names["ACME Inc."][2] == "acme"
        # Names and ids kept.
        assert [(r["id"], r["name"]) for r in before["company"]] == [(r[0], r[1]) for r in rows]
    finally:
        db.close()
