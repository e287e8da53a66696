"""Message templates: filling, mailto encoding, which contact gets the message."""
from __future__ import annotations

from functools import partial
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from factories import stored_posting
from jobloop.models import Contact, PostingContact
from jobloop.services import ServiceError, messages


make_posting = partial(stored_posting, title="Backend Engineer", company="Ben & Jerry's")


def test_fill_leaves_unknown_placeholders_and_stray_braces_alone():
    assert messages.fill("Hi {first_name}, {nope} {", {"first_name": "Ana"}) == "Hi Ana, {nope} {"


def test_mailto_survives_ampersands_question_marks_and_newlines():
    link = messages.mailto("a.b@example.test", "Q&A? #1", "Line one\nR&D + more")
    parts = urlsplit(link)
    assert parts.scheme == "mailto" and unquote(parts.path) == "a.b@example.test"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Q&A? #1"]
    assert query["body"] == ["Line one\nR&D + more"]
    assert " " not in link and "%20" in link


def test_the_contact_with_an_email_is_chosen_and_fills_the_greeting(db):
    posting = make_posting()
    PostingContact.create(posting=posting, contact=Contact.create(name="No Mail"))
    PostingContact.create(posting=posting, contact=Contact.create(name="Mia Chen", email="mia@bj.test"))
    msg = messages.render("thank_you", posting=posting)
    assert msg["to"] == "mia@bj.test"
    assert msg["body"].startswith("Hi Mia,")
    assert "Ben & Jerry's" in msg["body"] and "Backend Engineer" in msg["subject"]
    assert "Ben & Jerry's" in parse_qs(urlsplit(msg["mailto"]).query)["body"][0]


def test_without_a_contact_the_message_still_reads_well_and_signs(db):
    messages.save_signature("Kim Doe")
    msg = messages.render("withdrawal", posting=make_posting(title="Analyst", company="Initrode"))
    assert msg["to"] == "" and msg["body"].startswith("Hi there,") and msg["body"].endswith("Kim Doe")
    assert msg["mailto"].startswith("mailto:?subject=")


def test_no_template_no_message(db):
    assert messages.render("suggest_ghosted", posting=make_posting()) is None


def test_bad_template_edits_are_refused_whole(db):
    with pytest.raises(ServiceError):
        messages.save_templates({"check_in": {"subject": "ok", "body": "ok"}, "thank_you": {"body": "x" * 6000}})
    assert not messages.templates()["check_in"]["edited"]
    with pytest.raises(ServiceError):
        messages.save_templates({"love_letter": {"body": "hi"}})
