"""The tracker's date fields and timeline corrections: applied on, edit and delete an event."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from factories import make_posting
from jobloop.clock import utc_to_local
from jobloop.models import Event, FollowUp, Posting


def csrf(client) -> str:
    body = client.get("/settings").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', body).group(1)


def post(client, path, data=None):
    return client.post(path, data={**(data or {}), "csrf_token": csrf(client)})


def today() -> date:
    return datetime.now().date()


def test_applied_on_from_the_posting_page_moves_the_check_in(client, db):
    posting = make_posting(title="Archivist")
    page = client.get(f"/postings/{posting.id}").text
    assert 'name="applied_on"' in page and "(not yet)" in page
    r = post(client, f"/postings/{posting.id}/applied", {"applied_on": (today() - timedelta(days=10)).isoformat()})
    assert r.status_code == 302
    assert Posting.get_by_id(posting.id).stage == "applied"
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    assert utc_to_local(check_in.due_at).date() == today() - timedelta(days=3)
    page = client.get(f"/postings/{posting.id}").text
    assert f'value="{(today() - timedelta(days=10)).isoformat()}"' in page
    post(client, f"/postings/{posting.id}/applied", {"applied_on": (today() - timedelta(days=2)).isoformat()})
    assert utc_to_local(FollowUp.get_by_id(check_in.id).due_at).date() == today() + timedelta(days=5)
    assert Event.select().where(Event.to_stage == "applied").count() == 1


def test_applied_on_refuses_a_bad_or_future_date(client, db):
    posting = make_posting()
    for value in ("", "yesterday", (today() + timedelta(days=3)).isoformat(), "9999-12-31"):
        r = post(client, f"/postings/{posting.id}/applied", {"applied_on": value})
        assert r.status_code == 422, value
    assert Posting.get_by_id(posting.id).stage == "saved"


def test_the_table_shows_and_sets_applied_on(client, db):
    posting = make_posting(title="Cartographer")
    day = (today() - timedelta(days=4)).isoformat()
    html = client.get("/table").text
    assert "Applied on" in html and f'id="applied-{posting.id}"' in html
    r = client.post(f"/postings/{posting.id}/applied", data={"applied_on": day, "next": "table",
                                                              "csrf_token": csrf(client)},
                    headers={"Referer": "http://localhost/table"})
    assert r.status_code == 302 and "/table" in r.location
    assert f'value="{day}"' in client.get("/table").text


def test_add_by_hand_with_an_applied_date(client, db):
    day = today() - timedelta(days=8)
    r = post(client, "/postings/new", {"url": "https://careers.example.test/jobs/applied-1", "title": "Curator",
                                       "applied_on": day.isoformat()})
    assert r.status_code == 302
    posting = Posting.get(Posting.title == "Curator")
    assert posting.stage == "applied" and utc_to_local(posting.stage_changed_at).date() == day
    r = post(client, "/postings/new", {"url": "https://careers.example.test/jobs/applied-2",
                                       "applied_on": (today() + timedelta(days=1)).isoformat()})
    assert r.status_code == 422 and "future" in r.text
    assert not Posting.select().where(Posting.url.contains("applied-2")).exists()


def test_correct_and_remove_an_event_from_the_timeline(client, db):
    posting = make_posting(stage="applied", title="Librarian")
    applied = Event.get(Event.to_stage == "applied")
    page = client.get(f"/postings/{posting.id}").text
    assert f"/events/{applied.id}/edit" in page and f"/events/{applied.id}/delete" in page
    earlier = utc_to_local(applied.at - timedelta(days=6)).strftime("%Y-%m-%dT%H:%M")
    r = post(client, f"/postings/{posting.id}/events/{applied.id}/edit", {"at": earlier, "note": "via referral"})
    assert r.status_code == 302
    applied = Event.get_by_id(applied.id)
    assert applied.note == "via referral" and applied.details["edits"][0]["by"] == "tracker"
    assert "date moved from" in client.get(f"/postings/{posting.id}").text

    rejected = Event.create(posting=posting, kind="stage", to_stage="rejected", at=applied.at + timedelta(days=1))
    # Removing needs the box ticked.
    r = post(client, f"/postings/{posting.id}/events/{rejected.id}/delete", {})
    assert r.status_code == 422 and Event.get_or_none(Event.id == rejected.id) is not None
    r = post(client, f"/postings/{posting.id}/events/{rejected.id}/delete", {"confirm": "yes"})
    assert r.status_code == 302 and not Event.select().where(Event.to_stage == "rejected").exists()
    page = client.get(f"/postings/{posting.id}").text
    assert "Removed “rejected”" in page and "(tracker)" in page


def test_changing_only_the_note_leaves_the_date_alone(client, db):
    posting = make_posting(stage="applied")
    event = Event.get(Event.to_stage == "applied")
    shown = utc_to_local(event.at).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{shown}"' in client.get(f"/postings/{posting.id}").text
    post(client, f"/postings/{posting.id}/events/{event.id}/edit", {"at": shown, "note": "by e-mail"})
    edited = Event.get_by_id(event.id)
    assert edited.at == event.at and edited.note == "by e-mail"
    assert [sorted(e) for e in edited.details["edits"]] == [["by", "note", "on"]]


def test_corrections_need_the_csrf_token(client, db):
    posting = make_posting(stage="applied")
    event = Event.get(Event.to_stage == "applied")
    client.get("/")
    for path, data in ((f"/postings/{posting.id}/applied", {"applied_on": today().isoformat()}),
                       (f"/postings/{posting.id}/events/{event.id}/edit", {"note": "x"}),
                       (f"/postings/{posting.id}/events/{event.id}/delete", {"confirm": "yes"})):
        assert client.post(path, data=data).status_code == 403, path
    assert Event.get_by_id(event.id).note == ""
