"""The work-search log from a seeded fortnight: which activities count, the weeks they fall
in (in the user's time zone: UTC, Sydney, Los Angeles), the CSV presets, the PDF's text,
and the bounds on the period."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from factories import make_posting, stored_posting
from jobloop.clock import local_to_utc
from jobloop.models import FollowUp
from jobloop.services import ServiceError, followups, network, pipeline, worklog, worklog_pdf


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A time on the user's wall clock in November 2026, as the store keeps it (naive UTC)."""
    return local_to_utc(datetime(2026, month, day, hour, minute))


NOW_LOCAL = (12, 2, 12)  # Wednesday 2 December 2026, noon: "last week" is 23–29 November


def seed():
    """Two weeks, 16–22 and 23–29 November 2026, with what counts and what does not."""
    ru = stored_posting("applied", at=local(16, 10), title="Инженер-программист", company="Ромашка ООО")
    network.attach_to_posting(ru, name="Иван Петров", now=local(16, 10))
    late_sunday = stored_posting("applied", at=local(22, 23, 30), title="Data Analyst", company="Lateworks")
    early_monday = stored_posting("applied", at=local(23, 0, 30), title="Μηχανικός λογισμικού",
                                  company="Αθήνα Λογισμικό")
    pipeline.log_interview(early_monday, local(25, 14), kind="phone", with_="Γιώργος Παπαδόπουλος",
                           now=local(25, 15))
    check_in = FollowUp.get((FollowUp.posting == ru) & (FollowUp.kind == "check_in"))
    followups.complete(check_in, local(26, 9))
    dismissed = FollowUp.get((FollowUp.posting == late_sunday) & (FollowUp.kind == "check_in"))
    followups.dismiss(dismissed, local(27, 9))
    # Not activities: a clip only saved, a note, a later stage, and days just outside the fortnight.
    stored_posting("saved", at=local(18, 9), title="Only saved")
    pipeline.add_note(ru, "called, no answer", at=local(19, 9), now=local(19, 9))
    pipeline.change_stage(ru, "screening", at=local(24, 9), now=local(24, 9))
    stored_posting("applied", at=local(15, 23, 50), title="The Sunday before")
    stored_posting("applied", at=local(30, 0, 10), title="The Monday after")
    return ru, late_sunday, early_monday


def test_the_log_counts_applications_interviews_and_sent_follow_ups_by_local_week(db, zone):
    ru, late_sunday, early_monday = seed()
    log = worklog.build(date(2026, 11, 16), date(2026, 11, 29), local(*NOW_LOCAL[1:], month=12))
    assert [w.monday for w in log.weeks] == [date(2026, 11, 16), date(2026, 11, 23)]
    first, second = log.weeks
    assert [(a.kind, a.position) for a in first.activities] == [
        ("application", "Инженер-программист"), ("application", "Data Analyst")]
    assert [(a.kind, a.position) for a in second.activities] == [
        ("application", "Μηχανικός λογισμικού"), ("interview", "Μηχανικός λογισμικού"),
        ("follow-up", "Инженер-программист")]
    assert [a.day for a in log.activities] == [date(2026, 11, d) for d in (16, 22, 23, 25, 26)]
    application, interview, sent = second.activities
    assert (interview.how, interview.contact) == ("phone", "Γιώργος Παπαδόπουλος")
    assert (sent.how, sent.contact, sent.employer) == ("e-mail", "Иван Петров", "Ромашка ООО")
    assert first.activities[0].stage == "screening"  # the current stage, as the result
    assert (first.count("application"), second.count("interview"), second.count("follow-up")) == (2, 1, 1)


def test_last_week_is_monday_to_sunday_in_the_users_zone(db, zone):
    # Monday 00:30 local is still Sunday in UTC for Sydney; the log goes by the user's own day.
    now = local(30, 0, 30)
    assert worklog.last_week(now) == (date(2026, 11, 23), date(2026, 11, 29))
    assert worklog.last_week(local(29, 23, 30)) == (date(2026, 11, 16), date(2026, 11, 22))
    seed()
    log = worklog.build(None, None, local(*NOW_LOCAL[1:], month=12))
    assert (log.start, log.end) == (date(2026, 11, 23), date(2026, 11, 29))
    assert [a.kind for a in log.activities] == ["application", "interview", "follow-up"]


def test_an_interview_still_ahead_is_not_an_activity_yet(db):
    posting = stored_posting("applied", at=local(23, 9))
    now = local(25, 12)
    pipeline.log_interview(posting, local(25, 16), kind="onsite", now=now)
    assert [a.kind for a in worklog.activities(date(2026, 11, 23), date(2026, 11, 29), now)] == ["application"]
    later = worklog.activities(date(2026, 11, 23), date(2026, 11, 29), local(25, 18))
    assert [(a.kind, a.how) for a in later] == [("application", None), ("interview", "in person")]


def test_how_an_application_went_out(db):
    clipped = make_posting(stage="applied", at=local(23, 9), now=local(23, 9))
    by_hand = stored_posting("applied", at=local(23, 10))
    by_mail = stored_posting("applied", at=local(23, 11), apply_url="mailto:jobs@example.test")
    rows = {a.posting_id: a.how for a in worklog.activities(date(2026, 11, 23), date(2026, 11, 29), local(30, 9))}
    assert rows == {clipped.id: "online", by_hand.id: None, by_mail.id: "e-mail"}
    worklog.set_how(by_hand, "referral", now=local(30, 9))
    assert pipeline.applied_event(by_hand).details["how"] == "referral"
    assert worklog.activities(date(2026, 11, 23), date(2026, 11, 29), local(30, 9))[1].how == "referral"
    with pytest.raises(ServiceError, match="how: one of"):
        worklog.set_how(by_hand, "carrier pigeon", now=local(30, 9))
    with pytest.raises(ServiceError, match="no application yet"):
        worklog.set_how(stored_posting("saved"), "online", now=local(30, 9))


@pytest.mark.parametrize("start, end, message", [
    (date(2026, 11, 29), date(2026, 11, 23), "ends before it starts"),
    (date(2025, 1, 1), date(2026, 11, 29), "at most 366 days"),
    (date(2026, 11, 23), None, "give both"),
    (date(1900, 1, 1), date(1900, 1, 2), "between 1970 and 2200"),
])
def test_the_period_is_held_to_sane_bounds(db, start, end, message):
    with pytest.raises(ServiceError, match=message):
        worklog.build(start, end, local(30, 9))


def test_a_year_is_the_longest_log(db):
    log = worklog.build(date(2026, 1, 1), date(2026, 12, 31), local(30, 9))
    assert log.weeks[0].monday == date(2025, 12, 29) and log.weeks[-1].sunday == date(2027, 1, 3)


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_presets_speak_the_offices_language(db):
    seed()
    log = worklog.build(date(2026, 11, 16), date(2026, 11, 29), local(*NOW_LOCAL[1:], month=12))
    de = _csv(worklog.to_csv(log, worklog.preset("de")))
    assert de[0] == ["Datum", "Art der Aktivität", "Arbeitgeber", "Stelle", "Art der Bewerbung",
                     "Ansprechpartner/in", "Ergebnis / Stand", "Fundstelle (URL)"]
    assert de[4][:6] == ["25.11.2026", "Vorstellungsgespräch", "Αθήνα Λογισμικό", "Μηχανικός λογισμικού",
                         "telefonisch", "Γιώργος Παπαδόπουλος"]
    assert de[5][1] == "Nachfrage" and de[5][4] == "per E-Mail"
    us = _csv(worklog.to_csv(log, worklog.preset("us")))
    assert us[0][:5] == ["Date of Contact", "Activity", "Employer Name", "Position Applied For", "Method of Contact"]
    assert us[1][0] == "11/16/2026" and us[1][6] == "Pending (screening)"
    uk = _csv(worklog.to_csv(log, worklog.preset("uk")))
    assert uk[0][4] == "How you applied" and uk[3][0] == "23/11/2026" and uk[3][1] == "Applied for job"
    assert len(de) == len(us) == len(uk) == 6
    with pytest.raises(ServiceError, match="unknown column set"):
        worklog.preset("fr")


def test_csv_cells_never_run_as_formulas(db):
    stored_posting("applied", at=local(23, 9), title="=HYPERLINK(\"http://evil.test\")")
    rows = _csv(worklog.to_csv(worklog.build(date(2026, 11, 23), date(2026, 11, 29), local(30, 9)),
                               worklog.preset("uk")))
    assert rows[1][3].startswith("'=")


def test_the_pdf_carries_name_period_and_every_script_it_can_draw(db):
    seed()
    worklog.save_person("Αλέξης Ντόβας", "123D456789")
    log = worklog.build(date(2026, 11, 16), date(2026, 11, 29), local(*NOW_LOCAL[1:], month=12))
    data = worklog_pdf.render(log, worklog.preset("de"), made_on="2026-12-02")
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Bewerbungsnachweis" in text and "Name: Αλέξης Ντόβας" in text
    assert "Kundennummer: 123D456789" in text and "Zeitraum: 16.11.2026 – 29.11.2026" in text
    for expected in ("Иван Петров", "Ромашка ООО", "Γιώργος Παπαδόπουλος", "Vorstellungsgespräch", "telefonisch"):
        assert expected in text.replace("\n", " "), expected
    assert "1 / 1" in text  # page numbers
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert "?" not in text.replace("(URL)", "")
    us = PdfReader(io.BytesIO(worklog_pdf.render(log, worklog.preset("us"), made_on="2026-12-02")))
    assert round(float(us.pages[0].mediabox.height)) == 612  # US Letter (8.5 in), A4 is 595


def test_characters_the_font_lacks_are_marked_and_explained(db):
    stored_posting("applied", at=local(23, 9), title="软件工程师", company="Acme")
    data = worklog_pdf.render(worklog.build(date(2026, 11, 23), date(2026, 11, 29), local(30, 9)),
                              worklog.preset("jobloop"), made_on="2026-12-02")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "?????" in text and "Print the log from the browser" in text


def test_the_name_on_the_log_is_kept_and_bounded(db):
    assert worklog.person() == {"name": "", "reference": ""}
    worklog.save_person("  Jörg Straße ", "")
    assert worklog.person()["name"] == "Jörg Straße"
    with pytest.raises(ServiceError, match="at most 200"):
        worklog.save_person("x" * 201)


def test_a_long_log_repeats_the_column_headers_on_every_page(db):
    for n in range(45):
        stored_posting("applied", at=local(23 + n % 7, 9), title=f"Role {n}", company="Acme",
                       url=f"https://jobs.example.test/{n}/" + "x" * (600 if n == 0 else 0))
    data = worklog_pdf.render(worklog.build(date(2026, 11, 23), date(2026, 11, 29), local(30, 9)),
                              worklog.preset("de"), made_on="2026-12-02")
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) >= 2
    assert all("Fundstelle (URL)" in text and "Bewerbungsnachweis" in text for text in pages)
    assert all(f"{n} / {len(pages)}" in text for n, text in enumerate(pages, start=1))
    text = "\n".join(pages)
    assert all(f"Role {n}" in text for n in range(45)) and "…" in text  # the 600-character URL is cut
