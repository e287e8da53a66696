"""Postings service: full-text search (FTS5 and the LIKE fallback), the table query, hand-added postings."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from factories import job_page, make_posting, stored_posting
from jobloop.db import database, is_sqlite
from jobloop.migrations import current_version, migrate
from jobloop.models import Event, Posting
from jobloop.services import Conflict, ServiceError, capture, pipeline, postings, search
from jobloop.services.postings import Filters


def titles(query):
    return sorted(p.title for p in query)


@pytest.fixture(params=["fts5", "like"])
def engine(request, db, monkeypatch):
    """Run a test on both search paths: the FTS5 table and the plain LIKE fallback."""
    if request.param == "like":
        monkeypatch.setattr(search, "fts_ready", lambda db=None: False)
    else:
        assert search.fts_ready()
    return request.param


def test_migration_v3_creates_the_fts_table(db):
    assert current_version(database.obj) >= 3
    assert search.fts_ready()


def test_search_by_a_word_of_the_description(engine):
    make_posting(title="Data Engineer", description="<p>Our pipelines run on Kafka and dbt.</p>")
    make_posting(title="Frontend Engineer", description="<p>React, TypeScript, accessibility.</p>")
    assert titles(postings.search(q="kafka")) == ["Data Engineer"]
    assert titles(postings.search(q="engineer")) == ["Data Engineer", "Frontend Engineer"]


def test_search_every_word_must_match_and_prefixes_count(engine):
    make_posting(title="Platform Engineer", company="Globex", description="<p>Kubernetes operators.</p>")
    make_posting(title="Platform Engineer", company="Initech", description="<p>Terraform modules.</p>")
    assert [p.company.name for p in postings.search(q="platform kube")] == ["Globex"]
    assert [p.company.name for p in postings.search(q="initech")] == ["Initech"]


def test_search_sees_edits_notes_and_timeline_notes(engine):
    posting = make_posting(title="SRE", description="<p>On call.</p>")
    assert titles(postings.search(q="referral")) == []
    postings.update(posting, {"notes": "Referral from Dana"})
    assert titles(postings.search(q="referral")) == ["SRE"]
    pipeline.add_note(posting, "Hiring manager mentioned Zanzibar office")
    assert titles(postings.search(q="zanzibar")) == ["SRE"]
    postings.update(posting, {"title": "Site Reliability Engineer", "company": "Umbrella"})
    assert titles(postings.search(q="umbrella reliability")) == ["Site Reliability Engineer"]
    if engine == "fts5" and is_sqlite():  # the index row was replaced, not added to
        rows = database.execute_sql("SELECT title, company FROM posting_fts WHERE rowid = ?", (posting.id,)).fetchall()
        assert rows == [("Site Reliability Engineer", "Umbrella")]
    elif engine == "fts5":
        rows = database.execute_sql("SELECT document::text FROM posting_search WHERE posting_id = %s",
                                    (posting.id,)).fetchall()
        assert len(rows) == 1 and "'site':1" in rows[0][0] and "'umbrella'" in rows[0][0]


def test_search_forgets_deleted_postings(engine):
    posting = make_posting(title="Gone Engineer", description="<p>Ephemeral.</p>")
    postings.delete(posting)
    assert list(postings.search(q="ephemeral")) == []
    if engine == "fts5":
        index = "posting_fts" if is_sqlite() else "posting_search"
        assert database.execute_sql(f"SELECT count(*) FROM {index}").fetchone()[0] == 0


def test_search_query_syntax_is_plain_words(engine):
    make_posting(title="C++ Developer", description='<p>Work "NEAR" the OR desk AND more.</p>')
    # FTS5 operators and quotes in the user's text must not raise or change the meaning.
    assert titles(postings.search(q='"near" OR (desk* AND')) == ["C++ Developer"]
    assert titles(postings.search(q="c++")) == ["C++ Developer"]
    assert len(list(postings.search(q="!!!"))) == 1  # no words: no text filter


def test_recapture_keeps_the_index_current(db):
    url = "https://boards.example-ats.test/acme/jobs/77"
    make_posting(url=url, title="Analyst", description="<p>Excel wizardry.</p>")
    capture.capture(url, __import__("factories").job_page(title="Analyst", description="<p>Python notebooks.</p>"))
    assert titles(postings.search(q="notebooks")) == ["Analyst"]
    assert titles(postings.search(q="wizardry")) == []


def test_migration_indexes_postings_stored_before_v3(tmp_path):
    from jobloop.config import Config
    from jobloop.db import open_database

    db = open_database(Config(data_dir=tmp_path / "old", database_url=None, testing=True))
    with db.connection_context():
        migrate(db, target=2)
        assert not db.table_exists("posting_fts")
        # Straight into the store: a capture at v2 would look for tables later steps make (posting_url).
        stored_posting(title="Legacy Role", description_text="Mainframe COBOL.")
        migrate(db)
        db._jobloop_fts_ready = None
        assert titles(postings.search(q="cobol")) == ["Legacy Role"]


def test_table_filters_sort_and_paginate(db):
    old = datetime(2026, 1, 5, 12)
    make_posting(title="Alpha", company="Zeta Corp", now=old, remote="remote",
                 jobLocationType="TELECOMMUTE")
    make_posting(title="Bravo", company="Acme", stage="interviewing")
    for n in range(5):
        make_posting(title=f"Filler {n}", company="Acme")
    page = postings.table(Filters(company="acme"), sort="title", descending=False, per_page=2)
    assert page.total == 6 and page.pages == 3
    assert [p.title for p in page.rows] == ["Bravo", "Filler 0"]
    assert [p.title for p in postings.table(Filters(stage="interviewing")).rows] == ["Bravo"]
    assert [p.title for p in postings.table(Filters(until=date(2026, 1, 31))).rows] == ["Alpha"]
    assert "Alpha" not in [p.title for p in postings.table(Filters(since=date(2026, 2, 1))).rows]
    by_stage = postings.table(Filters(), sort="stage", descending=True).rows
    assert by_stage[0].title == "Bravo"  # interviewing comes after saved in the pipeline
    last = postings.table(Filters(company="acme"), page=99, per_page=2)
    assert last.page == 3  # past the end: the last page, not an empty one


def test_table_filters_and_sorts_by_job_site_from_the_url(db):
    # The parser reads all three with its generic adapter; the site comes from the host.
    make_posting(title="Own site", url="https://careers.acme.com/jobs/1")
    make_posting(title="Board", url="https://job-boards.greenhouse.io/globex/jobs/2")
    make_posting(title="Own site again", url="https://acme.com/careers/3")
    make_posting(title="Look-alike", url="https://evilgreenhouse.io/jobs/4")
    assert postings.source_sites() == ["acme.com", "evilgreenhouse.io", "Greenhouse"]
    assert titles(postings.table(Filters(source="acme.com")).rows) == ["Own site", "Own site again"]
    assert titles(postings.table(Filters(source="Greenhouse")).rows) == ["Board"]
    assert postings.table(Filters(source="generic")).total == 0  # the adapter name is not a site
    ascending = postings.table(Filters(), sort="source", descending=False, per_page=3)
    assert [p.title for p in ascending.rows] == ["Own site", "Own site again", "Look-alike"]
    assert [p.title for p in postings.table(Filters(), sort="source", page=2, per_page=3).rows] == ["Own site"]


def test_table_rejects_bad_filters(db):
    with pytest.raises(ServiceError):
        postings.table(Filters(stage="hired"))
    with pytest.raises(ServiceError):
        postings.table(Filters(), sort="salary; DROP TABLE posting")
    with pytest.raises(ServiceError):
        postings.table(Filters(since=date(2026, 3, 1), until=date(2026, 2, 1)))


def test_counts_by_stage_lists_every_stage(db):
    make_posting(stage="applied")
    make_posting(stage="applied")
    counts = postings.counts_by_stage()
    assert counts["applied"] == 2 and counts["offer"] == 0 and len(counts) == 9


def test_create_manual_makes_a_saved_posting_with_its_event(db):
    posting = postings.create_manual(
        "https://careers.example.test/jobs/42?utm_source=friend",
        {"title": "Staff Engineer", "company": "Referral Co", "notes": "Via Sam"},
    )
    posting = Posting.get_by_id(posting.id)
    assert posting.canonical_url == "https://careers.example.test/jobs/42"
    assert posting.stage == "saved" and posting.company.name == "Referral Co"
    assert set(posting.user_edited) == {"title", "company", "notes"}
    events = list(Event.select().where(Event.posting == posting))
    assert [(e.kind, e.to_stage) for e in events] == [("stage", "saved")]
    assert titles(postings.search(q="sam")) == ["Staff Engineer"]


def test_create_manual_with_a_later_stage_and_a_back_date(db):
    when = datetime.now() - timedelta(days=10)
    posting = postings.create_manual("https://careers.example.test/jobs/43", {"title": "PM"},
                                     stage="applied", at=when)
    assert Posting.get_by_id(posting.id).stage == "applied"
    assert [e.to_stage for e in pipeline.timeline(posting)] == ["applied", "saved"]


def test_create_manual_refuses_a_duplicate_url_and_bad_urls(db):
    first = make_posting(url="https://careers.example.test/jobs/44", title="Original")
    with pytest.raises(postings.Duplicate) as err:
        postings.create_manual("https://careers.example.test/jobs/44#apply", {"title": "Copy"})
    assert isinstance(err.value, Conflict) and err.value.posting.id == first.id and "Original" in err.value.message
    with pytest.raises(ServiceError):
        postings.create_manual("javascript:alert(1)", {"title": "x"})
    with pytest.raises(ServiceError):
        postings.create_manual("https://careers.example.test/jobs/45", {"stage": "offer"})
    assert Posting.select().count() == 1


def test_a_later_clip_keeps_hand_typed_fields(db):
    url = "https://careers.example.test/jobs/46"
    postings.create_manual(url, {"title": "My words"})
    posting, created = capture.capture(url, __import__("factories").job_page(title="Their words", company="Acme"))
    assert not created and posting.title == "My words" and posting.company.name == "Acme"


def test_recent_activity_shows_one_row_per_action(db):
    clip = datetime(2026, 3, 2, 9, 0)
    # One clip saved straight as applied, with a note: three events, one row.
    first, _ = capture.capture("https://careers.acme.com/jobs/1", job_page(title="Clipped Role"), stage="applied",
                               note="Referred by Dana", now=clip)
    assert Event.select().where(Event.posting == first).count() == 3
    later = make_posting(title="Later Role", now=clip + timedelta(hours=1))
    pipeline.change_stage(later, "applied", at=clip + timedelta(hours=1), now=clip + timedelta(hours=2))
    pipeline.add_note(first, "Called back", now=clip + timedelta(hours=3))
    rows = postings.recent_events(10)
    assert [(r.posting.title, r.kind, r.from_stage, r.to_stage, r.note) for r in rows] == [
        ("Clipped Role", "note", None, None, "Called back"),
        ("Later Role", "stage", "saved", "applied", ""),
        ("Later Role", "stage", "saved", "saved", "clipped"),
        ("Clipped Role", "stage", "saved", "applied", "clipped · Referred by Dana"),
    ]
    assert len(postings.recent_events(2)) == 2


def _site_prefixes_url_by_url() -> dict:
    # What the table's site list was before the store cut the URLs: every posting's URL named in Python.
    from jobloop.parsing.job_site import site_name
    found: dict = {}
    for (url,) in Posting.select(Posting.canonical_url).tuples():
        name, prefix = site_name(url), postings._prefix(url)
        if name and prefix:
            found.setdefault(name, set()).add(prefix)
    return {name: sorted(p) for name, p in found.items()}


def test_site_list_cut_by_the_store_names_what_each_url_names(db):
    for i, url in enumerate(["https://careers.acme.com/jobs/1", "https://acme.com", "http://acme.com:8080/x",
                             "https://boards.greenhouse.io/globex/jobs/2?gh_jid=5", "https://jobs.lever.co?x=1",
                             "https://user@evil.example\\@linkedin.com/jobs/view/3", "https://www.linkedin.com/jobs/view/4",
                             "file:///tmp/page.html", "not a url", "https://jobs.example.co.uk/a/b/c#frag"]):
        Posting.create(canonical_url=url, url=url, title=f"P{i}")
    assert postings._read_site_prefixes() == _site_prefixes_url_by_url()
    assert "LinkedIn" in postings.source_sites() and "Lever" in postings.source_sites()


def test_site_list_is_kept_until_a_write_and_then_read_again(db):
    from querycount import counting

    make_posting(title="Board", url="https://job-boards.greenhouse.io/globex/jobs/2")
    assert postings.source_sites() == ["Greenhouse"]
    with counting() as log:
        assert postings.source_sites() == ["Greenhouse"]
    # A second view reads the data version, not every posting's URL.
    assert not [sql for sql in log.sql if "canonical_url" in sql], log.sql
    make_posting(title="Own site", url="https://careers.acme.com/jobs/1")
    assert postings.source_sites() == ["acme.com", "Greenhouse"]
    assert titles(postings.table(Filters(source="acme.com")).rows) == ["Own site"]
