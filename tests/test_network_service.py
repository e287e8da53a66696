"""Contacts: keep-in-touch follow-ups on a fixed clock, touch-points, recruiter attach, vCard."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import vobject

from jobloop.models import Event, FollowUp, PostingContact
from jobloop.services import ServiceError, network

from factories import make_posting

NOW = datetime(2026, 12, 1, 9, 0)


def open_followups(contact):
    return list(FollowUp.select().where((FollowUp.contact == contact) & (FollowUp.kind == "keep_in_touch")
                                        & (FollowUp.status == "open")))


def test_a_new_contact_gets_one_follow_up_by_warmth(db):
    warm = network.create(name="Dana", warmth="warm", now=NOW)
    [f] = open_followups(warm)
    assert f.due_at == NOW + timedelta(days=60) and f.posting is None
    close = network.create(name="Priya", warmth="close", now=NOW)
    cold = network.create(name="Tom", now=NOW)  # cold by default
    assert open_followups(close)[0].due_at == NOW + timedelta(days=30)
    assert open_followups(cold)[0].due_at == NOW + timedelta(days=120)


def test_a_touch_moves_last_contact_and_the_follow_up(db):
    posting = make_posting(now=NOW - timedelta(days=5))
    contact = network.create(name="Dana", warmth="warm", now=NOW, posting=posting)
    [first] = open_followups(contact)
    later = NOW + timedelta(days=10)
    network.log_touch(contact, "Coffee", now=later)
    assert contact.last_contact_at == later
    assert FollowUp.get_by_id(first.id).status == "done"
    [nxt] = open_followups(contact)
    assert nxt.due_at == later + timedelta(days=60)
    [event] = Event.select().where((Event.posting == posting) & (Event.kind == "contact"))
    assert event.note == "Coffee" and event.details["contact_id"] == contact.id
    # an older, back-dated touch does not move the last contact back
    network.log_touch(contact, "", at=NOW + timedelta(days=2), now=later)
    assert contact.last_contact_at == later and len(open_followups(contact)) == 1
    with pytest.raises(ServiceError):
        network.log_touch(contact, at=later + timedelta(days=1), now=later)


def test_warmth_and_cadence_changes_reschedule(db):
    contact = network.create(name="Dana", warmth="warm", now=NOW)
    network.log_touch(contact, now=NOW)
    network.update(contact, warmth="close", now=NOW)
    [f] = open_followups(contact)
    assert f.due_at == NOW + timedelta(days=30)
    assert network.set_cadence({"close": 14}, now=NOW) == {"cold": 120, "warm": 60, "close": 14}
    [f] = open_followups(contact)
    assert f.due_at == NOW + timedelta(days=14)
    closed = FollowUp.select().where((FollowUp.contact == contact) & (FollowUp.status == "closed")).count()
    assert closed == 2  # the 60-day and the 30-day ones, replaced
    with pytest.raises(ServiceError):
        network.set_cadence({"close": 0})
    with pytest.raises(ServiceError):
        network.set_cadence({"lukewarm": 10})


def test_due_this_week(db):
    dana = network.create(name="Dana", warmth="warm", now=NOW - timedelta(days=90))
    network.log_touch(dana, at=NOW - timedelta(days=55), now=NOW)       # due in 5 days
    priya = network.create(name="Priya", warmth="close", now=NOW - timedelta(days=90))
    network.log_touch(priya, at=NOW - timedelta(days=40), now=NOW)      # overdue by 10 days
    lena = network.create(name="Lena", warmth="close", now=NOW - timedelta(days=90))
    network.log_touch(lena, at=NOW - timedelta(days=3), now=NOW)        # due in 27 days
    network.create(name="Tom", now=NOW - timedelta(days=20))            # cold, never: due in 100 days
    assert [(c.name, at) for c, at in network.due(NOW)] == [
        ("Priya", NOW - timedelta(days=10)), ("Dana", NOW + timedelta(days=5))]


def test_contact_input_is_validated(db):
    with pytest.raises(ServiceError):
        network.create(name="  ", now=NOW)
    with pytest.raises(ServiceError) as err:
        network.create(name="X", linkedin_url="javascript:alert(1)", now=NOW)  # shown as a link
    assert err.value.code == "invalid_url"
    with pytest.raises(ServiceError):
        network.create(name="X", email="not an email", now=NOW)
    with pytest.raises(ServiceError):
        network.create(name="X", warmth="hot", now=NOW)


def test_attach_recruiter_finds_by_email_or_name_at_company(db):
    posting = make_posting(company="Globex", now=NOW)
    other = make_posting(company="Globex", now=NOW)
    dana, created = network.attach_to_posting(posting, name="Dana Whitfield", email="Dana@Globex.test", now=NOW)
    assert created and dana.company.name == "Globex" and dana.email == "Dana@Globex.test"
    again, created = network.attach_to_posting(other, name="D. Whitfield", email="dana@globex.test", role="Recruiter", now=NOW)
    assert not created and again.id == dana.id and again.role == "Recruiter"
    by_name, created = network.attach_to_posting(other, name="dana whitfield", now=NOW)
    assert not created and by_name.id == dana.id
    assert PostingContact.select().where(PostingContact.contact == dana).count() == 2
    assert [c.id for c in network.posting_contacts(posting)] == [dana.id]


def test_vcard_parses_with_escaping_and_folding(db):
    contact = network.create(name="Zoë O'Brien-Smith", role="Recruiter, EMEA; Tech", company="Acme, Inc.",
                             email="zoe@acme.test", linkedin_url="https://www.linkedin.com/in/zoe-obrien",
                             how_met="Met at the PyCon sprint; she ran the hiring booth, and we talked about Kubernetes for a long while",
                             notes="Line one\nLine two \\ with backslash", now=NOW)
    text = network.vcard(contact)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    card = vobject.readOne(text)
    assert card.version.value == "3.0"
    assert card.fn.value == "Zoë O'Brien-Smith"
    assert card.n.value.family == "O'Brien-Smith" and card.n.value.given == "Zoë"
    assert card.title.value == "Recruiter, EMEA; Tech"
    assert card.org.value == ["Acme, Inc."]
    assert card.email.value == "zoe@acme.test"
    assert card.url.value == "https://www.linkedin.com/in/zoe-obrien"
    assert card.note.value == ("How we met: Met at the PyCon sprint; she ran the hiring booth, and we talked about "
                               "Kubernetes for a long while\nLine one\nLine two \\ with backslash")


def test_the_cadence_leaves_a_postings_rule_made_follow_up_alone_until_a_touch(db):
    posting = make_posting(now=NOW - timedelta(days=3), company="Globex")
    contact = network.create(name="Dana", warmth="warm", now=NOW - timedelta(days=3), posting=posting)
    rule_made = FollowUp.create(kind="keep_in_touch", posting=posting, contact=contact, due_at=NOW + timedelta(days=90))
    network.update(contact, warmth="close", now=NOW)
    assert FollowUp.get_by_id(rule_made.id).status == "open"
    network.log_touch(contact, "Thanked her", now=NOW)
    assert FollowUp.get_by_id(rule_made.id).status == "done"  # the touch answered it
    assert [f.posting_id for f in open_followups(contact)] == [None]


def test_an_overlong_warmth_is_refused_not_a_crash(db):
    with pytest.raises(ServiceError, match="warmth is at most 255 characters"):
        network.create(name="Dana", warmth="w" * 300, now=NOW)
