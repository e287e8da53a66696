"""Every insight figure against values counted by hand (see the comments)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from jobloop.models import Contact, Goal, Reflection
from jobloop.services import insights, pipeline

from factories.history import posting_with_history

NOW = datetime(2026, 12, 2, 12, 0)  # a Wednesday; this week started Monday 2026-11-30


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def dataset(_histories, shared_db):
    return _histories


@pytest.fixture(scope="module")
def _histories(module_store):
    """Eight postings with known histories (t = days before NOW):

    A linkedin  saved 20, applied 19, screening 17, interviewing 10, rejected 5
    B linkedin  saved 15, applied 14, ghosted 1
    C indeed    saved 12, applied 11.5, rejected 8
    D indeed    saved 6, applied 5, interviewing 2, interview event 1 (and one scheduled tomorrow)
    E greenhouse saved 30, applied 29, screening 28, interviewing 25, offer 20, accepted 18
    F (none)    saved 3
    G greenhouse saved 10, withdrawn 9
    H linkedin  saved 4, screening 3 (no applied event)
    """
    urls = {"linkedin": "https://www.linkedin.com/jobs/view/{n}/", "indeed": "https://uk.indeed.com/viewjob?jk={n:x}",
            "greenhouse": "https://job-boards.greenhouse.io/acme/jobs/{n}", None: "https://careers.acme.com/jobs/{n}"}
    count = iter(range(4000001, 4000100))

    def make(source, created, *steps):
        # The site is read from the URL; the adapter name (source_site) is kept "generic" to show it is not used.
        return posting_with_history(ago(created), [(s, ago(t)) for s, t in steps], now=NOW, source_site="generic",
                                    url=urls[source].format(n=next(count)))

    p = {
        "A": make("linkedin", 20, ("applied", 19), ("screening", 17), ("interviewing", 10), ("rejected", 5)),
        "B": make("linkedin", 15, ("applied", 14), ("ghosted", 1)),
        "C": make("indeed", 12, ("applied", 11.5), ("rejected", 8)),
        "D": make("indeed", 6, ("applied", 5), ("interviewing", 2)),
        "E": make("greenhouse", 30, ("applied", 29), ("screening", 28), ("interviewing", 25), ("offer", 20), ("accepted", 18)),
        "F": make(None, 3),
        "G": make("greenhouse", 10, ("withdrawn", 9)),
        "H": make("linkedin", 4, ("screening", 3)),
    }
    pipeline.add_note(p["D"], "Tech interview", kind="interview", at=ago(1), now=NOW)
    pipeline.add_note(p["D"], "Final round", kind="interview", at=NOW + timedelta(days=1), now=NOW)
    Reflection.create(posting=p["A"], due_at=ago(4), feedback="Wanted more Go", written_at=ago(3))
    Reflection.create(posting=p["B"], due_at=ago(11), feedback="Team went another way", written_at=ago(10))
    Reflection.create(posting=p["C"], due_at=ago(6), feedback="  ", written_at=ago(6))
    Goal.create(title="Go course", done_at=ago(2))
    Goal.create(title="AWS cert", done_at=ago(20))
    Goal.create(title="Open goal")
    Contact.create(name="Recent", last_contact_at=ago(1))
    Contact.create(name="Old", last_contact_at=ago(40))
    Contact.create(name="Never")
    return p


def test_funnel_reads_history_not_current_stage(dataset):
    s = insights.summary(now=NOW)
    # saved 8; applied A B C D E H = 6 (G withdrew, F only saved); response A C D E H = 5
    # (a rejection is a response, ghosted B is not); interview A D E = 3; offer E = 1.
    assert [(f["step"], f["count"]) for f in s["funnel"]] == [
        ("saved", 8), ("applied", 6), ("response", 5), ("interview", 3), ("offer", 1)]
    assert [f["conversion"] for f in s["funnel"]] == [None, 6 / 8, 5 / 6, 3 / 5, 1 / 3]


def test_response_rate_and_median_days(dataset):
    s = insights.summary(now=NOW)
    assert s["response_rate"] == pytest.approx(5 / 6)
    # explicit applied → first response: A 2, C 3.5, D 3, E 1 (H has no applied event) → median 2.5
    assert s["median_days_to_response"] == pytest.approx(2.5)


def test_response_by_source(dataset):
    rows = insights.summary(now=NOW)["by_source"]
    assert [(r["source"], r["applied"], r["responded"]) for r in rows] == [
        ("LinkedIn", 3, 2), ("Indeed", 2, 2), ("Greenhouse", 1, 1)]
    rates = {r["source"]: (r["response_rate"], r["median_days"]) for r in rows}
    assert rates["LinkedIn"][0] == pytest.approx(2 / 3) and rates["LinkedIn"][1] == pytest.approx(2)
    assert rates["Indeed"] == (1.0, pytest.approx(3.25))
    assert rates["Greenhouse"] == (1.0, pytest.approx(1))


def test_where_applications_end(dataset):
    e = insights.summary(now=NOW)["endings"]
    rows = {r["reached"]: r for r in e["rows"]}
    # A rejected after interviewing; B ghosted and C rejected after applying; G withdrew while saved
    assert rows["interviewing"] == {"reached": "interviewing", "rejected": 1, "withdrawn": 0, "ghosted": 0, "total": 1}
    assert rows["applied"] == {"reached": "applied", "rejected": 1, "withdrawn": 0, "ghosted": 1, "total": 2}
    assert rows["saved"]["withdrawn"] == 1 and rows["saved"]["total"] == 1
    assert rows["screening"]["total"] == 0 and rows["offer"]["total"] == 0
    assert e["totals"] == {"rejected": 2, "withdrawn": 1, "ghosted": 1} and e["total"] == 4


def test_applications_per_week(dataset):
    s = insights.summary(now=NOW, weeks=5)
    # applied at: E Nov 3 (29 d), A Nov 13 (19 d), B Nov 18 (14 d), C Nov 21 00:00 (11.5 d),
    # D Nov 27 (5 d), H Sunday Nov 29 (3 d); weeks start on Monday
    assert [(w["week_start"], w["count"]) for w in s["weekly"]] == [
        (date(2026, 11, 2), 1), (date(2026, 11, 9), 1), (date(2026, 11, 16), 2),
        (date(2026, 11, 23), 2), (date(2026, 11, 30), 0)]
    assert s["weekly_target"] == 10


def test_in_flight_against_target(dataset):
    flight = insights.summary(now=NOW)["in_flight"]
    # D interviewing, H screening; E accepted is not in flight
    assert flight["count"] == 2 and flight["target"] == 5 and flight["below"] is True
    assert "2 in flight against a target of 5" in flight["note"]
    insights.set_targets(in_flight_target=2)
    flight = insights.summary(now=NOW)["in_flight"]
    assert flight["below"] is False and flight["note"] is None


def test_wins_count_inputs(dataset):
    wins = insights.summary(now=NOW)["wins"]
    assert {k: (w["week"], w["total"]) for k, w in wins.items()} == {
        "applications": (2, 6),   # D (5 d), H (3 d) this week; six in all
        "interviews": (1, 3),     # D's logged interview (1 d); all time + A and E's moves to interviewing;
                                  # D's move is not counted twice, tomorrow's interview not yet had
        "feedback": (1, 2),       # A (3 d); B (10 d); C's blank feedback is not feedback
        "goals_done": (1, 2),
        "contacts": (1, 2),
    }


def test_empty_database(db):
    s = insights.summary(now=NOW)
    assert [(f["count"], f["conversion"]) for f in s["funnel"]] == [(0, None)] * 5
    assert s["response_rate"] is None and s["median_days_to_response"] is None
    assert s["by_source"] == [] and s["endings"]["total"] == 0
    assert [w["count"] for w in s["weekly"]] == [0] * 12
    assert s["weekly"][-1]["week_start"] == date(2026, 11, 30)
    assert s["in_flight"] == {"count": 0, "target": 5, "below": True, "note": s["in_flight"]["note"]}
    assert all(w["week"] == 0 and w["total"] == 0 for w in s["wins"].values())


def test_single_saved_posting(db):
    posting_with_history(ago(1), [], now=NOW, source_site="linkedin")
    s = insights.summary(now=NOW)
    assert [(f["count"], f["conversion"]) for f in s["funnel"]] == [(1, None), (0, 0.0), (0, None), (0, None), (0, None)]
    assert s["by_source"] == [] and s["in_flight"]["count"] == 0


def test_single_application_answered(db):
    posting_with_history(ago(10), [("applied", ago(9)), ("rejected", ago(5.5))], now=NOW, source_site=None,
                         url="https://careers.acme.co.uk/jobs/7")
    s = insights.summary(now=NOW)
    assert [f["count"] for f in s["funnel"]] == [1, 1, 1, 0, 0]
    assert s["response_rate"] == 1.0 and s["median_days_to_response"] == pytest.approx(3.5)
    assert s["by_source"] == [{"source": "acme.co.uk", "applied": 1, "responded": 1, "response_rate": 1.0,
                               "median_days": pytest.approx(3.5)}]
    assert s["endings"]["rows"][1] == {"reached": "applied", "rejected": 1, "withdrawn": 0, "ghosted": 0, "total": 1}


def test_targets_are_validated(db):
    from jobloop.services import ServiceError
    with pytest.raises(ServiceError):
        insights.set_targets(weekly_target=0)
    with pytest.raises(ServiceError):
        insights.set_targets(weekly_target="ten")
    assert insights.set_targets(weekly_target="12") == {"weekly_target": 12, "in_flight_target": 5}


@pytest.mark.parametrize("seed", [7, 11])
def test_the_sql_figures_equal_the_python_reference_on_a_seeded_store(db, seed, zone):
    """services/insights.py counts in SQL what tests/insights_reference.py (the first version)
    counted event by event in Python: on the same store every figure must be the same."""
    import insights_reference
    from factories.history import seed_history
    from querycount import grow

    seeded = seed_history(60, now=NOW, seed=seed)
    grow(0, 16, NOW - timedelta(days=3))  # interviews (had and scheduled), contacts, written reflections
    Reflection.create(posting=seeded.postings[0], due_at=ago(2), feedback="\n\t ", written_at=ago(1))
    Reflection.create(posting=seeded.postings[1], due_at=ago(2), feedback=" Less Go \n", written_at=None)
    for now in (NOW, NOW - timedelta(days=9), NOW + timedelta(days=40)):
        assert insights.summary(now=now) == insights_reference.summary(now=now)
    s = insights.summary(now=NOW)  # and the store holds something to count in every figure
    assert s["endings"]["total"] and s["median_days_to_response"] and len(s["by_source"]) >= 4
    assert all(s["wins"][k]["total"] for k in ("applications", "interviews", "feedback", "contacts"))
    assert any(w["count"] for w in s["weekly"])


def _version():
    from jobloop.db import database
    from jobloop.migrations import DATA_VERSION_TABLE

    return database.execute_sql(f"SELECT version FROM {DATA_VERSION_TABLE}").fetchone()[0]


def test_every_write_to_what_insights_read_moves_the_data_version(db):
    from jobloop.models import Company, Posting

    posting = Posting.create(canonical_url="https://jobs.example.test/v", url="https://jobs.example.test/v")
    steps = [
        lambda: pipeline.change_stage(posting, "applied", at=ago(2), now=NOW),            # event insert, posting update
        lambda: Posting.update(title="Renamed").where(Posting.id == posting.id).execute(),
        lambda: Reflection.create(posting=posting, due_at=ago(1)),
        lambda: Reflection.update(feedback="more Go").execute(),
        lambda: Goal.create(title="Learn Go"),
        lambda: Goal.update(done_at=NOW).execute(),
        lambda: Contact.create(name="Ada"),
        lambda: Contact.update(last_contact_at=NOW).execute(),
        lambda: Contact.delete().execute(),
        lambda: Reflection.delete().execute(),
        lambda: Goal.delete().execute(),
        lambda: posting.delete_instance(recursive=True),                                  # events go too
    ]
    for step in steps:
        before = _version()
        step()
        assert _version() > before
    before = _version()
    Company.create(name="Not read by insights")
    assert _version() == before


def test_kept_figures_are_read_again_the_moment_the_store_changes(db):
    import insights_reference
    from querycount import counting

    from factories.history import seed_history

    seeded = seed_history(20, now=NOW, seed=3)
    assert insights.summary(now=NOW) == insights_reference.summary(now=NOW)
    with counting() as log:
        insights.summary(now=NOW)
    assert not any("GROUP BY" in sql for sql in log.sql), "the second view reads the history again"

    posting = next(p for p in seeded.postings if p.stage == "applied")
    pipeline.change_stage(posting, "rejected", at=ago(0.5), now=NOW)
    pipeline.add_note(posting, "Final round", kind="interview", at=ago(0.4), now=NOW)
    assert insights.summary(now=NOW) == insights_reference.summary(now=NOW)
    # And later "now"s read the same kept dates: the week's counts move with the clock.
    assert insights.summary(now=NOW + timedelta(days=8)) == insights_reference.summary(now=NOW + timedelta(days=8))


def test_figures_read_inside_a_transaction_are_not_kept(db):
    from jobloop.db import database
    from jobloop.models import Posting

    insights.summary(now=NOW)
    before = _version()
    with database.atomic() as transaction:
        for name in "ab":
            Posting.create(canonical_url=f"https://jobs.example.test/{name}", url=f"https://jobs.example.test/{name}")
        assert insights.summary(now=NOW)["funnel"][0]["count"] == 2
        transaction.rollback()
    # The rolled-back writes' version number comes again with other data: nothing was kept for it.
    posting = Posting.create(canonical_url="https://jobs.example.test/c", url="https://jobs.example.test/c")
    Posting.update(title="Two writes").where(Posting.id == posting.id).execute()
    assert _version() == before + 2
    assert insights.summary(now=NOW)["funnel"][0]["count"] == 1
