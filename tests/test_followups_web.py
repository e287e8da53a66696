"""Tracker pages and forms for follow-ups, reflections and interviews (Flask client, fixed clock)."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
import re
from urllib.parse import unquote

import pytest

from factories import Clock, stored_posting
from jobloop.clock import local_to_utc
from jobloop.models import Contact, Event, FollowUp, Posting, PostingContact, Reflection
from jobloop.services import followups, messages, pipeline

T0 = datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def clock():
    return Clock(T0)


make_posting = partial(stored_posting, stage="applied", at=T0, title="ML Engineer", company="Cyberdyne")


def csrf(client, path="/followups") -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(path).text).group(1)


def test_dashboard_shows_feedback_request_and_next_morning_a_reflection(client, db, clock):
    posting = make_posting(stage="interviewing", company="Cyberdyne Systems")
    pipeline.change_stage(posting, "rejected", at=T0, now=T0)
    html = client.get("/").text
    assert "Send a thank-you and ask for feedback" in html
    mailto = re.search(r'href="(mailto:[^"]+)"', html).group(1)
    assert "Cyberdyne Systems" in unquote(mailto)
    assert "Write a reflection" not in html
    clock.now = T0 + timedelta(days=1, hours=23)
    html = client.get("/").text
    assert "Write a reflection" in html and "Send a thank-you and ask for feedback" in html


def test_dashboard_today_is_calm_when_nothing_is_due(client, db):
    assert "Nothing to follow up today" in client.get("/").text


def test_forms_need_the_csrf_token(client, db, clock):
    make_posting(stage="applied")
    clock.now = T0 + timedelta(days=8)
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    for action in ("done", "dismiss", "snooze", "ghosted"):
        assert client.post(f"/followups/{check_in.id}/{action}", data={"days": "3"}).status_code == 403
    assert FollowUp.get_by_id(check_in.id).status == "open"
    assert client.post("/followups/settings", data={"check_in_days": "2"}).status_code == 403
    assert followups.rules()["check_in_days"] == 7
    token = csrf(client)
    cross_site = client.post(f"/followups/{check_in.id}/done", data={"csrf_token": token},
                             headers={"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 403 and FollowUp.get_by_id(check_in.id).status == "open"


def test_done_snooze_dismiss_and_ghosted_from_the_page(client, db, clock):
    posting = make_posting(stage="applied")
    clock.now = T0 + timedelta(days=31)
    token = csrf(client)
    html = client.get("/followups").text
    assert "Check in" in html and "Mark ghosted" not in html  # one next step at a time
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    r = client.post(f"/followups/{check_in.id}/snooze", data={"csrf_token": token, "days": "3", "next": "/"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/")
    assert FollowUp.get_by_id(check_in.id).snoozed_until == clock.now + timedelta(days=3)
    bad = client.post(f"/followups/{check_in.id}/snooze", data={"csrf_token": token, "days": "9999"})
    assert bad.status_code == 422 and "snooze for" in bad.text
    clock.now += timedelta(days=3)
    client.post(f"/followups/{check_in.id}/dismiss", data={"csrf_token": token})
    clock.now += timedelta(days=7)
    assert "Mark ghosted" in client.get("/followups").text
    ghost = FollowUp.get(FollowUp.kind == "suggest_ghosted")
    client.post(f"/followups/{ghost.id}/ghosted", data={"csrf_token": token})
    assert Posting.get_by_id(posting.id).stage == "ghosted"
    assert FollowUp.get_by_id(check_in.id).status == "dismissed"
    again = client.post(f"/followups/{ghost.id}/done", data={"csrf_token": token})
    assert again.status_code == 422 and "already done" in again.text


def test_next_only_redirects_inside_the_tracker(client, db, clock):
    make_posting(stage="applied")
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    token = csrf(client)
    r = client.post(f"/followups/{check_in.id}/dismiss", data={"csrf_token": token, "next": "//evil.example/x"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/followups")


def test_posting_page_shows_followups_messages_and_logs_an_interview(client, db, clock):
    posting = make_posting(stage="applied", company="Soylent")
    recruiter = Contact.create(name="Jo Reyes", email="jo@soylent.test")
    PostingContact.create(posting=posting, contact=recruiter)
    page = client.get(f"/postings/{posting.id}").text
    assert "Log an interview" in page and "Write a message" in page
    assert "mailto:jo@soylent.test" in page and "Withdrawing my application" in unquote(page)
    token = csrf(client, f"/postings/{posting.id}")
    # Without the CSRF token nothing is logged.
    assert client.post(f"/postings/{posting.id}/interviews", data={"date": "2026-03-03", "time": "11:00"}).status_code == 403
    r = client.post(f"/postings/{posting.id}/interviews", data={
        "csrf_token": token, "date": "2026-03-03", "time": "11:00", "kind": "phone", "with": "Jo Reyes",
        "duration_minutes": "30"})
    assert r.status_code == 303
    event = Event.get(Event.kind == "interview")
    assert event.details == {"kind": "phone", "with": "Jo Reyes", "duration_minutes": 30}
    assert event.at == local_to_utc(datetime(2026, 3, 3, 11, 0))
    assert Posting.get_by_id(posting.id).stage == "interviewing"
    clock.now = event.at + timedelta(hours=1)
    page = client.get(f"/postings/{posting.id}").text
    assert "Send a thank-you note" in page and "Jo Reyes" in page
    bad = client.post(f"/postings/{posting.id}/interviews", data={"csrf_token": token, "date": "soon", "time": "11:00"})
    assert bad.status_code == 422 and "pick a date" in bad.text
    assert Event.select().where(Event.kind == "interview").count() == 1


def test_offer_deadline_form(client, db, clock):
    posting = make_posting(stage="offer")
    token = csrf(client, f"/postings/{posting.id}")
    assert "Reply to the offer by" in client.get(f"/postings/{posting.id}").text
    client.post(f"/postings/{posting.id}/offer-deadline", data={"csrf_token": token, "date": "2026-03-09"})
    reply = FollowUp.get(FollowUp.kind == "offer_reply")
    assert reply.due_at == local_to_utc(datetime(2026, 3, 9, 17, 0))


def test_reflection_form_saves_and_bad_input_keeps_what_was_typed(client, db, clock):
    posting = make_posting(stage="interviewing", title="Robotics Lead")
    pipeline.change_stage(posting, "rejected", at=T0, now=T0)
    row = Reflection.get()
    clock.now = row.due_at
    page = client.get(f"/reflections/{row.id}").text
    assert '<option value="interviewing" selected>' in page
    token = csrf(client)
    bad = client.post(f"/reflections/{row.id}", data={"csrf_token": token, "went_well": "Live coding went fine",
                                                      "confidence": "7"})
    assert bad.status_code == 422 and "Live coding went fine" in bad.text
    assert Reflection.get_by_id(row.id).went_well == ""
    ok = client.post(f"/reflections/{row.id}", data={"csrf_token": token, "stage_reached": "interviewing",
                                                     "went_well": "Live coding went fine",
                                                     "to_improve": "Ask about the roadmap", "confidence": "4",
                                                     "feedback": ""})
    assert ok.status_code == 303
    saved = Reflection.get_by_id(row.id)
    assert saved.confidence == 4 and saved.written_at == clock.now
    listing = client.get("/reflections?q=roadmap").text
    assert "Robotics Lead" in listing
    assert "Robotics Lead" not in client.get("/reflections?q=nothing-like-this").text
    assert "Ask about the roadmap" in client.get(f"/postings/{posting.id}").text


def test_settings_save_rules_templates_and_refuse_bad_values(client, db):
    token = csrf(client, "/followups/settings")
    r = client.post("/followups/settings", data={"csrf_token": token, "check_in_days": "5", "signature": "Kim",
                                                 "check_in.subject": "Any news, {company}?", "check_in.body": "Hi"})
    assert r.status_code == 303
    assert followups.rules()["check_in_days"] == 5
    assert messages.templates()["check_in"]["subject"] == "Any news, {company}?"
    assert messages.signature() == "Kim"
    bad = client.post("/followups/settings", data={"csrf_token": token, "check_in_days": "five"})
    assert bad.status_code == 422 and "not a whole number" in bad.text
    assert followups.rules()["check_in_days"] == 5


def test_nav_has_followups(client, db):
    assert 'href="/followups"' in client.get("/").text


def test_tracker_settings_page_carries_the_followup_settings_and_saves_back_to_it(client, db):
    page = client.get("/settings").text
    assert "Calendar feed" in page and 'name="check_in_days"' in page
    token = csrf(client, "/settings")
    r = client.post("/followups/settings", data={"csrf_token": token, "feedback_days": "3",
                                                 "next": "/settings#followup-settings"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/settings#followup-settings")
    assert followups.rules()["feedback_days"] == 3


def test_dashboard_card_shows_a_few_and_says_how_many_more(client, db, clock):
    for _ in range(12):
        make_posting(stage="applied")
    clock.now = T0 + timedelta(days=8)
    html = client.get("/").text
    assert html.count('data-kind="check_in"') == 8
    assert "4 more due." in html
    assert client.get("/followups").text.count('data-kind="check_in"') == 12


def test_a_message_asks_once_for_the_name_to_sign_with(client, db, clock):
    posting = make_posting(stage="interviewing")
    pipeline.change_stage(posting, "rejected", at=T0, now=T0)
    page = client.get(f"/postings/{posting.id}").text
    open_ones = FollowUp.select().where(FollowUp.posting == posting, FollowUp.status == "open").count()
    # In each follow-up's message and in "Write a message", folded with them until opened.
    assert page.count('class="inline sign-messages"') == open_ones + 1
    assert "Best regards,\n</textarea>" in page  # unsigned until then
    token = csrf(client)
    back = f"/postings/{posting.id}#followups"
    refused = client.post("/followups/signature", data={"csrf_token": token, "signature": "  ", "next": back})
    assert refused.status_code == 422 and "type the name" in refused.text and messages.signature() == ""
    assert client.post("/followups/signature", data={"signature": "Kim Lee"}).status_code == 403  # CSRF
    r = client.post("/followups/signature", data={"csrf_token": token, "signature": " Kim Lee ", "next": back})
    assert r.status_code == 303 and r.location.endswith(back)
    assert messages.signature() == "Kim Lee"  # through the settings service: Settings shows it too
    assert 'value="Kim Lee"' in client.get("/followups/settings").text
    page = client.get(f"/postings/{posting.id}").text
    assert "sign-messages" not in page and "Best regards,\nKim Lee</textarea>" in page
    dashboard = client.get("/").text
    assert "sign-messages" not in dashboard and "Kim Lee" in dashboard


def test_a_follow_ups_message_follows_the_template_as_edited(client, db, clock):
    """Messages are filled from the templates each time they are shown: the text is not stored
    per follow-up, so an edited template shows on every open follow-up (and a follow-up's own
    text, given through the API, is shown as a note beside it)."""
    posting = make_posting(stage="interviewing")
    pipeline.change_stage(posting, "rejected", at=T0, now=T0)
    assert "I would be grateful for any feedback" in client.get(f"/postings/{posting.id}").text
    messages.save_templates({"feedback_request": {"body": "Dear {first_name}, what could I do better?"}})
    page = client.get(f"/postings/{posting.id}").text
    assert "Dear there, what could I do better?" in page and "I would be grateful for any feedback" not in page


def test_followups_page_shows_a_page_of_each_list_with_links_on(client, db, clock):
    from jobloop.web.followups import PAGE_LIMIT

    for i in range(PAGE_LIMIT + 3):
        make_posting(stage="applied")
    clock.now = T0 + timedelta(days=8)
    first = client.get("/followups").text
    assert first.count('data-kind="check_in"') == PAGE_LIMIT
    assert f"The {PAGE_LIMIT} soonest of {PAGE_LIMIT + 3}." in first
    assert 'href="/followups?due=2#h-due">More to do' in first and "Earlier" not in first
    second = client.get("/followups?due=2").text
    assert second.count('data-kind="check_in"') == 3
    assert f"{PAGE_LIMIT + 1}–{PAGE_LIMIT + 3} of {PAGE_LIMIT + 3}." in second
    assert 'href="/followups#h-due">Earlier' in second and "More to do" not in second
    for bad in ("0", "-1", "x", "99999999999"):
        assert client.get(f"/followups?due={bad}&upcoming={bad}").status_code == 200
