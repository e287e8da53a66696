"""The follow-up rules with a fixed clock: each fires at the right time, and moot ones close."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

import pytest

from factories import stored_posting
from jobloop.models import Contact, FollowUp, PostingContact
from jobloop.services import Conflict, ServiceError, followups, messages, network, pipeline

T0 = datetime(2026, 3, 2, 10, 0)  # a Monday morning, naive UTC like the store


def fresh(row):
    return type(row).get_by_id(row.id)


# Straight in the store (the parser is not what these tests are about), with its "saved" event.
make_posting = partial(stored_posting, stages=("saved",), at=T0)


def kinds_due(now):
    return sorted(f.kind for f in followups.due(now))


def test_applied_check_in_after_seven_days_then_ghosted_suggestion_after_thirty(db):
    posting = make_posting(stage="applied", at=T0)
    assert kinds_due(T0 + timedelta(days=7) - timedelta(minutes=1)) == []
    assert kinds_due(T0 + timedelta(days=7)) == ["check_in"]
    # One next step: no ghosted suggestion while the check-in is open.
    assert kinds_due(T0 + timedelta(days=30)) == ["check_in"]
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    assert check_in.posting_id == posting.id
    assert check_in.due_at == T0 + timedelta(days=7)
    followups.complete(check_in, now=T0 + timedelta(days=8))
    suggestion = FollowUp.get(FollowUp.kind == "suggest_ghosted")
    assert suggestion.due_at == T0 + timedelta(days=30)
    assert kinds_due(T0 + timedelta(days=30)) == ["suggest_ghosted"]


def test_a_late_check_in_leaves_a_week_for_an_answer_before_the_ghosted_suggestion(db):
    make_posting(stage="applied", at=T0)
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    followups.dismiss(check_in, now=T0 + timedelta(days=28))
    assert FollowUp.get(FollowUp.kind == "suggest_ghosted").due_at == T0 + timedelta(days=35)


def test_a_ghosted_suggestion_from_an_older_store_waits_behind_the_open_check_in(db):
    posting = make_posting(stage="applied", at=T0)
    applied = FollowUp.get(FollowUp.kind == "check_in").source_event
    followups.create("suggest_ghosted", T0 + timedelta(days=30), posting=posting, now=T0, source_event=applied)
    assert kinds_due(T0 + timedelta(days=31)) == ["check_in"]
    assert followups.count_due(T0 + timedelta(days=31)) == 1


def test_a_response_closes_the_check_in_and_the_ghosted_suggestion(db):
    posting = make_posting(stage="applied", at=T0)
    pipeline.change_stage(posting, "screening", at=T0 + timedelta(days=3), now=T0 + timedelta(days=3))
    assert kinds_due(T0 + timedelta(days=40)) == []
    statuses = {f.kind: f.status for f in FollowUp.select()}
    assert statuses == {"check_in": "closed"}
    assert FollowUp.get(FollowUp.kind == "check_in").closed_at == T0 + timedelta(days=3)


def test_interview_logs_thank_you_within_24_hours_and_moves_stage(db):
    posting = make_posting(stage="applied", at=T0)
    interview_at = T0 + timedelta(days=5)
    event = pipeline.log_interview(posting, interview_at, kind="video", with_="Dana Park",
                                   now=T0 + timedelta(days=4))
    assert event.kind == "interview" and event.details["with"] == "Dana Park"
    posting = fresh(posting)
    assert posting.stage == "interviewing"
    # The thank-you is actionable once the interview has happened, and due 24 h later.
    assert kinds_due(interview_at - timedelta(minutes=1)) == []
    assert kinds_due(interview_at + timedelta(hours=1)) == ["thank_you"]
    thank_you = FollowUp.get(FollowUp.kind == "thank_you")
    assert thank_you.due_at == interview_at + timedelta(hours=24)
    # The interview made the check-in moot.
    assert FollowUp.get(FollowUp.kind == "check_in").status == "closed"


def test_interview_when_already_at_offer_keeps_the_stage(db):
    posting = make_posting(stage="offer", at=T0)
    pipeline.log_interview(posting, T0 + timedelta(hours=2), kind="onsite", now=T0 + timedelta(hours=3))
    assert fresh(posting).stage == "offer"


def test_rejected_feedback_request_now_and_keep_in_touch_after_90_days(db):
    posting = make_posting(stage="interviewing", at=T0, company="Northwind")
    recruiter = Contact.create(name="Sam Lee", email="sam@northwind.test")
    PostingContact.create(posting=posting, contact=recruiter)
    rejected_at = T0 + timedelta(days=10)
    pipeline.change_stage(posting, "rejected", at=rejected_at, now=rejected_at)
    # "within 2 days": on the list from the moment of the rejection, due 2 days later.
    assert kinds_due(rejected_at) == ["feedback_request"]
    feedback = FollowUp.get(FollowUp.kind == "feedback_request")
    assert feedback.due_at == rejected_at + timedelta(days=2)
    keep = FollowUp.get(FollowUp.kind == "keep_in_touch")
    assert keep.contact_id == recruiter.id and keep.due_at == rejected_at + timedelta(days=90)
    assert kinds_due(rejected_at + timedelta(days=89)) == ["feedback_request"]
    assert kinds_due(rejected_at + timedelta(days=90)) == ["feedback_request", "keep_in_touch"]
    msg = followups.message_for(feedback)
    assert msg["to"] == "sam@northwind.test"
    assert "Northwind" in msg["body"] and "Hi Sam," in msg["body"]
    assert "Northwind" in msg["mailto"] and msg["mailto"].startswith("mailto:sam@northwind.test?subject=")


def test_offer_reply_by_default_deadline_and_user_deadline(db):
    posting = make_posting(stage="interviewing", at=T0)
    pipeline.change_stage(posting, "offer", at=T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    reply = FollowUp.get(FollowUp.kind == "offer_reply")
    assert reply.due_at == T0 + timedelta(days=8)
    assert kinds_due(T0 + timedelta(days=1)) == ["offer_reply"]
    followups.set_offer_deadline(fresh(posting), datetime(2026, 3, 20, 17, 0), now=T0 + timedelta(days=2))
    assert fresh(reply).due_at == datetime(2026, 3, 20, 17, 0)
    pipeline.change_stage(posting, "accepted", at=T0 + timedelta(days=3), now=T0 + timedelta(days=3))
    assert fresh(reply).status == "closed"


def test_snooze_hides_until_then_and_dismiss_holds(db):
    make_posting(stage="applied", at=T0)
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    day8 = T0 + timedelta(days=8)
    followups.snooze(check_in, day8 + timedelta(days=2), now=day8)
    assert kinds_due(day8 + timedelta(days=1)) == []
    assert [f.kind for f in followups.upcoming(day8 + timedelta(days=1))] == ["check_in"]
    assert kinds_due(day8 + timedelta(days=2)) == ["check_in"]
    followups.dismiss(fresh(check_in), now=day8 + timedelta(days=2))
    assert kinds_due(T0 + timedelta(days=29)) == []
    with pytest.raises(ServiceError):
        followups.snooze(fresh(check_in), day8 + timedelta(days=9), now=day8 + timedelta(days=3))


def test_snooze_into_the_past_is_refused(db):
    make_posting(stage="applied", at=T0)
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    with pytest.raises(ServiceError):
        followups.snooze(check_in, T0, now=T0 + timedelta(days=1))
    assert fresh(check_in).snoozed_until is None


def test_done_holds_and_moves_the_contacts_last_contact(db):
    contact = Contact.create(name="Ana Ruiz")
    fu = followups.create("keep_in_touch", T0, contact=contact, now=T0)
    assert kinds_due(T0) == ["keep_in_touch"]
    network.followup_done(fu, now=T0 + timedelta(hours=1))
    assert kinds_due(T0 + timedelta(days=1)) == []
    assert fresh(contact).last_contact_at == T0 + timedelta(hours=1)
    with pytest.raises(ServiceError) as err:
        network.followup_done(fu, now=T0 + timedelta(hours=2))
    assert isinstance(err.value, Conflict)  # the API answers 409 (views.py)


def test_created_keep_in_touch_is_not_closed_by_stage_changes(db):
    posting = make_posting(stage="applied", at=T0)
    fu = followups.create("keep_in_touch", T0 + timedelta(days=5), posting=posting, now=T0)
    pipeline.change_stage(posting, "screening", at=T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    assert fresh(fu).status == "open"


def test_create_needs_a_posting_or_contact_and_a_valid_kind(db):
    with pytest.raises(ServiceError):
        followups.create("keep_in_touch", T0, now=T0)
    with pytest.raises(ServiceError):
        followups.create("Bad Kind!", T0, contact=Contact.create(name="X"), now=T0)


def test_confirm_ghosted_sets_the_stage(db):
    posting = make_posting(stage="applied", at=T0)
    followups.complete(FollowUp.get(FollowUp.kind == "check_in"), now=T0 + timedelta(days=7))
    suggestion = FollowUp.get(FollowUp.kind == "suggest_ghosted")
    pipeline.confirm_ghosted(suggestion, now=T0 + timedelta(days=31))
    assert fresh(posting).stage == "ghosted"
    assert fresh(suggestion).status == "done"


def test_undoing_a_rejection_closes_the_feedback_request(db):
    posting = make_posting(stage="interviewing", at=T0)
    pipeline.change_stage(posting, "rejected", at=T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    pipeline.change_stage(posting, "interviewing", at=T0 + timedelta(days=2), now=T0 + timedelta(days=2))
    assert {f.kind: f.status for f in FollowUp.select()} == {"feedback_request": "closed", "keep_in_touch": "closed"}


def test_back_dated_stage_that_is_not_current_schedules_nothing(db):
    posting = make_posting(stage="screening", at=T0)
    pipeline.change_stage(posting, "applied", at=T0 - timedelta(days=3), now=T0 + timedelta(hours=1))
    assert fresh(posting).stage == "screening"
    assert FollowUp.select().count() == 0


def test_rule_settings_change_delays_and_zero_switches_off(db):
    followups.save_rules({"check_in_days": "3", "ghosted_days": 0})
    make_posting(stage="applied", at=T0)
    assert kinds_due(T0 + timedelta(days=3)) == ["check_in"]
    assert FollowUp.select().where(FollowUp.kind == "suggest_ghosted").count() == 0


@pytest.mark.parametrize("bad", [{"check_in_days": "soon"}, {"check_in_days": -1}, {"nope": 3},
                                 {"reflection_hour": 24}])
def test_bad_rule_settings_change_nothing(db, bad):
    followups.save_rules({"feedback_days": 5})
    with pytest.raises(ServiceError):
        followups.save_rules({"feedback_days": 4, **bad})
    assert followups.rules()["feedback_days"] == 5


def test_templates_are_editable_and_unknown_placeholders_survive(db):
    messages.save_templates({"check_in": {"subject": "Ping {company} {unknown}", "body": "Hello {first_name}"}})
    posting = make_posting(stage="applied", at=T0, company="Globex")
    fu = FollowUp.get(FollowUp.kind == "check_in")
    msg = followups.message_for(fu)
    assert msg["subject"] == "Ping Globex {unknown}"
    assert msg["body"] == "Hello there" and msg["to"] == ""
    assert "%20" in msg["mailto"] and "+" not in msg["mailto"]
    # Back to the default when cleared.
    messages.save_templates({"check_in": {"subject": "", "body": ""}})
    assert "Following up" in followups.message_for(fu)["subject"]
    assert posting.title in followups.message_for(fu)["subject"]


def test_done_on_a_contact_followup_is_a_touch_and_the_cadence_goes_on(db):
    contact = Contact.create(name="Lee Park", created_at=T0 - timedelta(days=200))
    fu = followups.create("keep_in_touch", T0, contact=contact, message="Keep in touch with Lee Park", now=T0)
    msg = followups.message_for(fu)
    assert msg["body"].startswith("Hi Lee,")  # the template, not the note
    assert followups.to_dict(fu, T0)["note"] == "Keep in touch with Lee Park"
    network.followup_done(fu, now=T0 + timedelta(hours=1))
    following = FollowUp.select().where((FollowUp.contact == contact) & (FollowUp.status == "open")).get()
    assert following.due_at > T0 + timedelta(days=7)


def test_an_own_message_is_the_text_for_a_kind_without_a_template(db):
    contact = Contact.create(name="Ola")
    fu = followups.create("send_portfolio", T0, contact=contact, message="Here is my portfolio, {first_name}", now=T0)
    assert followups.message_for(fu)["body"] == "Here is my portfolio, Ola"
    assert followups.label(fu) == "Send portfolio"


def test_next_due_is_each_postings_earliest_open_follow_up_snoozes_included(db):
    applied = make_posting(stage="applied", at=T0)
    rejected = make_posting(stage="rejected", at=T0)
    quiet = make_posting(at=T0)  # saved: nothing to do yet
    found = followups.next_due([applied.id, rejected.id, quiet.id])
    assert found[applied.id] == (T0 + timedelta(days=7), "Check in")
    assert found[rejected.id][1] == followups.LABELS["feedback_request"]  # within 2 days, before keep in touch
    assert quiet.id not in found
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    followups.snooze(check_in, T0 + timedelta(days=12), now=T0 + timedelta(days=8))
    assert followups.next_due([applied.id])[applied.id][0] == T0 + timedelta(days=12)
    followups.complete(fresh(check_in), now=T0 + timedelta(days=13))
    assert followups.next_due([applied.id])[applied.id] == (T0 + timedelta(days=30), followups.LABELS["suggest_ghosted"])
    assert followups.next_due([]) == {}
