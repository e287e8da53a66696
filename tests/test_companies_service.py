"""Companies as employers: name keys, the careers host, merges, history, fit, the same job
seen twice and target companies — on a real store."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from factories import make_posting, stored_posting
from jobloop.migrations import migrate
from jobloop.models import Contact, Posting, PostingUrl, Reflection
from jobloop.parsing.identity import careers_brand, company_key, title_similarity
from jobloop.services import Conflict, NotFound, ServiceError, capture, companies, network, postings, profile

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


@pytest.mark.parametrize("url, brand", [
    ("https://careers.acme.co.za/jobs/1", "acme"), ("https://karriere.acme.lu/stellen/2", "acme"),
    ("https://jobs.acme.berlin/3", "acme"), ("https://careers.acme.com.au/4", "acme"),
    ("https://jobs.acme.co.uk/5", "acme"), ("https://careers.acme.gr/6", "acme"), ("https://jobs.acme.sg/7", "acme"),
    ("https://jobs.northwind.example/8", "northwind"), ("https://acme.github.io/careers", None),
    ("https://co.uk/9", None), ("http://localhost:8765/10", None), ("https://www.acme.co.za/", None),
])
def test_the_careers_host_names_its_employer_under_any_public_suffix(url, brand):
    """A country or brand suffix the code never listed is still a suffix: careers.acme.co.za is
    Acme, not an employer called "za" that every such host would be grouped under."""
    assert careers_brand(url) == brand


def test_employers_on_careers_hosts_under_one_suffix_stay_apart(db):
    one = companies.named("Acme", "https://careers.acme.co.za/jobs/1")
    other = companies.named("Globex", "https://careers.globex.co.za/jobs/2")
    assert companies.head_of(other).id == other.id != one.id


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


# ---- history ---------------------------------------------------------------------------------

def _rejected_after_interview(company="Acme Robotics", title="Data Engineer", url=None):
    posting = stored_posting("rejected", stages=("applied", "interviewing"), at=NOW - timedelta(days=90),
                             step=timedelta(days=10), company=company, title=title, url=url)
    return posting


def test_history_shows_the_outcome_feedback_reflection_and_contact(db):
    posting = _rejected_after_interview()
    reflection = Reflection.get(Reflection.posting == posting)
    reflection.feedback, reflection.to_improve, reflection.written_at = "Strong SQL, but little Kubernetes.", "k8s", NOW
    reflection.save()
    network.create(name="Ada Lovelace", role="Recruiter", company="ACME Robotics Inc.", warmth="warm",
                   now=NOW - timedelta(days=60))
    Contact.update(last_contact_at=NOW - timedelta(days=40)).execute()
    stored_posting(company="Acme Robotics", title="Office Manager")  # saved, never applied

    head = companies.find("Acme Robotics GmbH")
    data = companies.history(head, NOW)
    [applied] = [a for a in data["applications"] if a["posting_id"] == posting.id]
    assert (applied["reached"], applied["outcome"]) == ("interviewing", "rejected after the interview")
    assert applied["feedback"] == "Strong SQL, but little Kubernetes."
    assert applied["reflections"][0]["to_improve"] == "k8s"
    assert [(c["name"], c["warmth"], c["days_since"]) for c in data["contacts"]] == [("Ada Lovelace", "warm", 40)]
    assert any(f["kind"] == "keep_in_touch" for f in data["followups"])  # the contact's cadence, still open
    lines = companies.summary(data, NOW)
    assert lines == [
        "Applied in March for Data Engineer — rejected after the interview. Feedback: Strong SQL, but little Kubernetes.",
        "Your contact: Ada Lovelace (recruiter), last in touch 40 days ago.",
    ]


def test_history_of_a_company_never_met_is_empty(db):
    assert companies.find("Nobody GmbH") is None
    head = companies.named("Nobody GmbH")
    assert companies.summary(companies.history(head, NOW), NOW) == []


# ---- fit ----------------------------------------------------------------------------------------

def test_fit_counts_aliases_and_names_the_skills_rejections_asked_for(db):
    profile.set_skill("k8s", 4)  # an alias in the profile covers the posting's Kubernetes
    profile.set_skill("python", 3)
    for n in range(3):
        stored_posting("rejected", skills=["Terraform", "Go"] if n else ["Terraform"])
    stored_posting("applied", skills=["Terraform"])  # in flight: not a rejection
    result = companies.fit(["Python", "Kubernetes", "Terraform", "Go", "Rust", "kubernetes"])
    assert (result["have"], result["asked"]) == (2, 5)
    assert [(m["skill"], m["rejections"]) for m in result["missing"]] == [("Terraform", 3), ("Go", 2), ("Rust", 0)]
    assert result["text"] == ("You have 2 of 5 asked. Missing: Terraform (asked in 3 of your rejections),"
                              " Go (asked in 2 of your rejections), Rust.")
    assert companies.fit([]) is None


def test_fit_counts_a_rejection_that_asked_for_the_skill_under_another_name(db):
    """A rejected posting whose skills were typed as "Kafka" or "k8s" asked for Apache Kafka
    and Kubernetes: the count goes by the skill, not by the spelling stored."""
    stored_posting("rejected", skills=["Kafka", "k8s"])
    stored_posting("ghosted", skills=["Apache Kafka"])
    stored_posting("rejected", skills=["Kubernetes"])
    result = companies.fit(["Apache Kafka", "Kubernetes"])
    assert [(m["skill"], m["rejections"]) for m in result["missing"]] == [("Apache Kafka", 2), ("Kubernetes", 2)]


# ---- the same job seen twice ----------------------------------------------------------------------

GREENHOUSE = "https://boards.greenhouse.io/acme/jobs/4001"
LINKEDIN = "https://www.linkedin.com/jobs/view/9001"


@pytest.mark.parametrize("title, company, url, days_ago, same", [
    ("Senior Data Engineer", "Acme Robotics", LINKEDIN, 3, True),          # the same job on LinkedIn
    ("Sr. Data Engineer (m/w/d)", "ACME Robotics Inc.", LINKEDIN, 10, True),  # spelled otherwise
    ("Senior Data Engineer - Remote", "Acme Robotics", LINKEDIN, 40, True),
    ("Senior Data Engineer", "Acme Robotics", LINKEDIN, 60, False),         # too long ago: a new opening
    ("Data Engineer", "Acme Robotics", LINKEDIN, 3, False),                 # another seniority
    ("Senior Data Analyst", "Acme Robotics", LINKEDIN, 3, False),           # another job
    ("Senior Data Engineer", "Lumen Labs", LINKEDIN, 3, False),             # another company
    ("Senior Data Engineer", "Acme Robotics", "https://boards.greenhouse.io/acme/jobs/4002", 3, False),  # same site
])
def test_the_same_job_on_another_site_is_recognized(db, title, company, url, days_ago, same):
    tracked = make_posting(title="Senior Data Engineer", company="Acme Robotics", url=GREENHOUSE,
                           now=NOW - timedelta(days=days_ago))
    found = companies.same_job(title, company, url, NOW)
    assert (found.id if found else None) == (tracked.id if same else None)


@pytest.mark.parametrize("a, b, same", [
    ("Data Engineer, Platform", "Data Engineer - Platform Team", True),
    ("Software Engineer II", "Software Engineer 2", True),
    ("Senior Backend Engineer", "Sr Back-end Eng", True),
    ("Data Engineer II", "Data Engineer III", False),
    ("Backend Engineer", "Frontend Engineer", False),
    ("Product Manager", "Product Designer", False),
])
def test_title_likeness_threshold_unit(a, b, same):
    assert (title_similarity(a, b) >= companies.SAME_TITLE) is same


def test_an_attached_address_finds_the_posting_and_a_recapture_refreshes_it(db):
    tracked = make_posting(title="Senior Data Engineer", company="Acme Robotics", url=GREENHOUSE, now=NOW)
    companies.attach_url(tracked, LINKEDIN + "?trk=public_jobs", NOW)
    assert companies.urls(tracked) == [GREENHOUSE, LINKEDIN + "?trk=public_jobs"]
    assert postings.find_by_url(LINKEDIN).id == tracked.id
    assert [p.id for p in postings.search(url=LINKEDIN)] == [tracked.id]  # the badge's lookup
    again, created = capture.capture(LINKEDIN, "<html><h1>Data Engineer (LinkedIn)</h1></html>", stage="applied", now=NOW)
    assert (again.id, created) == (tracked.id, False)
    again = Posting.get_by_id(tracked.id)
    assert (again.title, again.stage, again.company.name) == ("Senior Data Engineer", "applied", "Acme Robotics")
    assert again.snapshots.count() == 2  # the LinkedIn page is kept too; its fields do not replace the posting's
    assert Posting.select().count() == 1 and PostingUrl.select().count() == 1
    assert Posting.get_by_id(tracked.id).url == GREENHOUSE  # its own address stays first
    companies.attach_url(tracked, LINKEDIN, NOW)  # again: nothing new
    assert PostingUrl.select().count() == 1
    other = make_posting(title="Office Manager", url="https://boards.greenhouse.io/acme/jobs/77", now=NOW)
    with pytest.raises(Conflict):
        companies.attach_url(other, LINKEDIN, NOW)
    with pytest.raises(Conflict):
        companies.attach_url(tracked, other.url, NOW)
    with pytest.raises(ServiceError):
        companies.attach_url(tracked, "javascript:alert(1)", NOW)


# ---- target companies --------------------------------------------------------------------------------

def test_targets_are_listed_until_an_application_there(db):
    target = companies.set_target("Lumen Labs", why="Kind team", careers_url="https://careers.lumen.example/",
                                  priority=1, check_weeks=4, now=NOW)
    companies.set_target("Acme Robotics", priority=3)
    rows = companies.targets()
    assert [(t["name"], t["priority_label"], t["applied"]) for t in rows] == [
        ("Lumen Labs", "high", False), ("Acme Robotics", "low", False)]
    assert rows[0]["check_weeks"] == 4 and rows[0]["why"] == "Kind team"
    stored_posting("applied", company="Lumen Labs GmbH")
    assert [t["applied"] for t in companies.targets()] == [True, False]
    assert companies.target_of(companies.find("lumen labs")).id == target.id
    for bad in ({"priority": 7}, {"check_weeks": 99}, {"careers_url": "ftp://x"}, {"check_weeks": "often"}):
        with pytest.raises(ServiceError):
            companies.set_target("Acme Robotics", **bad)
    with pytest.raises(ServiceError):
        companies.set_target("  ")


def test_check_their_openings_every_n_weeks(db):
    companies.set_target("Lumen Labs", check_weeks=3, now=NOW)
    companies.set_target("Acme Robotics", now=NOW)
    rows = {t["name"]: t for t in companies.targets()}
    assert rows["Lumen Labs"]["check_due_at"] == NOW + timedelta(weeks=3)
    assert rows["Acme Robotics"]["check_due_at"] is None
    later = NOW + timedelta(weeks=4)
    companies.checked(companies.find("Lumen Labs"), later)
    assert {t["name"]: t for t in companies.targets()}["Lumen Labs"]["check_due_at"] == later + timedelta(weeks=3)
    with pytest.raises(NotFound):
        companies.checked(companies.named("Elsewhere"), later)


def test_export_and_import_carry_companies_merges_notes_targets_and_addresses(db):
    from jobloop.models import ALL_MODELS, Setting
    from jobloop.services import transfer

    tracked = make_posting(title="Senior Data Engineer", company="Acme Robotics", url=GREENHOUSE, now=NOW)
    companies.attach_url(tracked, LINKEDIN, NOW)
    other = make_posting(title="Analyst", company="Acme Robotix", url="https://www.linkedin.com/jobs/view/5", now=NOW)
    head = companies.merge(tracked.company, other.company)
    companies.set_notes(head, "Ask Ada first.")
    companies.set_target("Acme Robotics", why="Robots", priority=1, check_weeks=2, now=NOW)
    data = transfer.export_data()
    for model in reversed(ALL_MODELS):
        model.delete().where(model.id.is_null(False) if model is not Setting
                             else Setting.key.not_in(transfer.APP_SETTINGS)).execute()
    transfer.import_data(json.loads(transfer.dumps(data)))
    head = companies.find("Acme Robotix")
    assert head.name == "Acme Robotics" and head.notes == "Ask Ada first."
    assert postings.find_by_url(LINKEDIN).id == tracked.id
    [target] = companies.targets()
    assert (target["name"], target["why"], target["check_weeks"]) == ("Acme Robotics", "Robots", 2)
    # Remembered after the import: a later clip of the merged name lands on the company.
    later = make_posting(title="Robot Wrangler", company="Acme Robotix GmbH", url="https://www.linkedin.com/jobs/view/6")
    assert companies.head_of(later.company).id == head.id


def test_targets_read_only_their_own_companies(db):
    """The dashboard lists targets on every view: an application at a company merged into a
    target counts, and no statement walks the whole company or posting table to find it."""
    import querycount
    from jobloop.db import database, is_sqlite

    companies.set_target("Lumen Labs", priority=1)
    companies.set_target("Acme Robotics", priority=3)
    other = stored_posting("applied", company="Northwind Traders").company
    companies.merge(companies.find("Acme Robotics"), other)
    for i in range(5):
        stored_posting("applied", company=f"Elsewhere {i}")
    with querycount.counting() as log:
        rows = companies.targets()
    assert [(t["name"], t["applied"]) for t in rows] == [("Lumen Labs", False), ("Acme Robotics", True)]
    if is_sqlite():
        for sql, params in log.statements:
            plan = [row[-1] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
            scans = [line for line in plan if line.startswith("SCAN") and '"target"' not in sql.split("FROM", 1)[1][:12]]
            assert not scans, (sql, plan)


def test_a_wrong_merge_is_undone_one_name_at_a_time(db):
    p1 = make_posting(company="Lumen Labs", url="https://www.linkedin.com/jobs/view/11", now=NOW)
    p2 = make_posting(company="Northwind", url="https://www.linkedin.com/jobs/view/12", now=NOW)
    keep, other = p1.company, p2.company
    companies.merge(keep, other)
    assert companies.head_of(Posting.get_by_id(p2.id).company).id == keep.id
    assert [c.name for c in companies.aliases(keep)] == ["Northwind"]

    name, left = companies.separate(other.id)
    assert (name.id, left.id) == (other.id, keep.id)
    assert companies.get(other.id).id == other.id and companies.aliases(keep) == []
    assert companies.head_of(Posting.get_by_id(p2.id).company).id == other.id  # its postings went with it
    assert sorted(companies.names(companies.get(keep.id))) == ["Lumen Labs"]
    # A later clip under the name lands on it, not on the company it was wrongly merged into.
    p3 = make_posting(company="Northwind", url="https://www.linkedin.com/jobs/view/13", now=NOW)
    assert companies.head_of(p3.company).id == other.id
    with pytest.raises(Conflict, match="listed under"):
        companies.separate(keep.id)  # the name a company is listed under has nothing to leave
    with pytest.raises(NotFound):
        companies.separate(99999)
