"""The table page: chosen columns, sort links, tags and archive filters, bulk forms with
CSRF and undo, the board's tag filter and stale-archive offer; and a page of the table read
in a fixed number of statements however many rows (no query per row for tags or next step)."""
from __future__ import annotations

import csv
import io
import logging
import re
from datetime import datetime, timedelta

import pytest

from factories import Clock, stored_posting
from jobloop.models import BulkBatch, Event, Posting
from jobloop.services import tags
from test_web_forms import csrf, post

NOW = datetime(2026, 11, 30, 12, 0)


@pytest.fixture
def clock():
    return Clock(NOW)


def body(response) -> str:
    return response.get_data(as_text=True)


def head(html: str) -> str:
    return html[html.index("<thead>"):html.index("</thead>")]


def row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)"', html)]


def test_columns_are_chosen_remembered_and_followed_by_the_download(client, db):
    p = stored_posting("applied", title="Data Engineer", at=NOW - timedelta(days=9))
    tags.set_tags(p, ["referral"])
    page = body(client.get("/table"))
    assert ">Days waiting<" in page and ">Next action<" in page and "referral" in page
    assert page.count("<table") == 1 and page.count("<tbody>") == 1
    assert post(client, "/table/columns", {"column": ["stage", "waiting"]}).status_code == 302
    page = head(body(client.get("/table")))
    assert ">Days waiting<" in page and ">Salary<" not in page and ">Company<" not in page
    csv_text = client.get("/table/export.csv?sort=waiting").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert rows[0] == ["Title", "Stage", "Days waiting", "URL"]
    assert rows[1][:3] == ["Data Engineer", "applied", "9"]
    assert post(client, "/table/columns", {"column": ["nope"]}).status_code in (400, 422)


def test_sort_links_cover_the_new_columns(client, db):
    early = stored_posting("applied", title="Early", at=NOW - timedelta(days=20))
    late = stored_posting("applied", title="Late", at=NOW - timedelta(days=2))
    assert row_ids(body(client.get("/table?sort=applied&dir=asc"))) == [early.id, late.id]
    assert row_ids(body(client.get("/table?sort=waiting&dir=desc"))) == [early.id, late.id]
    page = body(client.get("/table?sort=waiting&dir=desc"))
    assert 'aria-sort="descending"' in page and "sort=applied" in page and "sort=next" in page


def test_archived_and_tag_filters(client, db):
    kept = stored_posting(None, title="Kept role")
    gone = stored_posting(None, title="Archived role")
    tags.set_tags(kept, ["dream"])
    assert post(client, f"/postings/{gone.id}/archive", {"archived": "yes"}).status_code == 302
    assert row_ids(body(client.get("/table"))) == [kept.id]
    assert row_ids(body(client.get("/table?archived=only"))) == [gone.id]
    assert gone.id in row_ids(body(client.get("/table?q=archived")))  # search still finds it
    assert row_ids(body(client.get("/table?tag=Dream"))) == [kept.id]
    assert "Archived role" not in body(client.get("/board"))
    bad = client.get("/table?archived=all")
    assert bad.status_code == 200 and "archived: one of" in body(bad)


def test_tags_typed_on_the_posting_page(client, db):
    p = stored_posting(None, title="Tagged")
    response = post(client, f"/postings/{p.id}/tags", {"tags": "Referral,  Dream Job"})
    assert response.status_code == 302
    assert tags.of(p) == ["dream job", "referral"]
    page = body(client.get(f"/postings/{p.id}"))
    assert 'value="dream job, referral"' in page and '<option value="referral">' in page
    refused = post(client, f"/postings/{p.id}/tags", {"tags": "x" * 50})
    assert refused.status_code in (400, 422) and "at most 40" in body(refused)


def test_bulk_archive_then_undo_through_the_forms(client, db):
    rows = [stored_posting(None, title=f"Role {i}") for i in range(6)]
    ids = [p.id for p in rows[:5]]
    response = post(client, "/table/bulk", {"action": "archive", "id": ids, "view": "sort=title&dir=asc"})
    assert response.status_code == 302 and "done=" in response.location and "sort=title" in response.location
    assert row_ids(body(client.get("/table"))) == [rows[5].id]
    page = body(client.get(response.location))
    assert "Archived 5 postings." in page and ">Undo<" in page
    token = BulkBatch.get().token
    assert post(client, f"/table/bulk/{token}/undo").status_code == 302
    assert sorted(row_ids(body(client.get("/table")))) == sorted(p.id for p in rows)
    assert client.post(f"/table/bulk/{token}/undo").status_code == 403  # no CSRF token


def test_bulk_stage_change_with_a_date_and_select_all_matching(client, db):
    for i in range(4):
        p = stored_posting(None, title=f"Match {i}")
        tags.set_tags(p, ["batch"])
    other = stored_posting(None, title="Other")
    response = post(client, "/table/bulk", {"action": "stage", "stage": "applied", "on": "2026-11-25",
                                            "scope": "filter", "view": "tag=batch"})
    assert response.status_code == 302
    applied = list(Event.select().where(Event.to_stage == "applied"))
    assert len(applied) == 4 and len({e.at for e in applied}) == 1
    assert applied[0].at.date() in (datetime(2026, 11, 25).date(), datetime(2026, 11, 24).date(),
                                    datetime(2026, 11, 26).date())  # the local day's noon, in UTC
    assert Posting.get_by_id(other.id).stage == "saved"
    future = post(client, "/table/bulk", {"action": "stage", "stage": "applied", "on": "2026-12-25",
                                          "id": [other.id]})
    assert future.status_code in (400, 422) and Posting.get_by_id(other.id).stage == "saved"


def test_bulk_delete_asks_first_with_counts(client, db):
    rows = [stored_posting("applied", title=f"Del {i}") for i in range(3)]
    ids = [p.id for p in rows]
    ask = post(client, "/table/bulk", {"action": "delete", "id": ids})
    assert ask.status_code == 200 and "Delete 3 postings?" in body(ask) and "3 timeline events" in body(ask)
    assert Posting.select().count() == 3
    done = post(client, "/table/bulk", {"action": "delete", "id": ids, "confirm": "yes"})
    assert done.status_code == 302 and Posting.select().count() == 0
    token = BulkBatch.get().token
    post(client, f"/table/bulk/{token}/undo")
    assert Posting.select().count() == 3


def test_bulk_refuses_what_it_cannot_do_without_a_500(client, db):
    p = stored_posting(None)
    for data in ({"action": "archive"}, {"action": "archive", "id": ["x"]}, {"action": "boom", "id": [p.id]},
                 {"action": "tag_add", "id": [p.id], "tag": "<b>"}, {"action": "archive", "id": [999999]}):
        response = post(client, "/table/bulk", data)
        assert 400 <= response.status_code < 500, data
    assert post(client, "/table/bulk/nonsense/undo").status_code == 404


def test_board_tag_filter_and_stale_archive_with_undo(client, db, clock):
    old = stored_posting(None, title="Stale saved", at=NOW - timedelta(weeks=6))
    Posting.update(updated_at=NOW - timedelta(weeks=6)).where(Posting.id == old.id).execute()
    fresh = stored_posting(None, title="Fresh saved")
    tags.set_tags(fresh, ["dream"])
    board = body(client.get("/board"))
    assert "1 saved posting untouched for 4 weeks or more" in board
    assert "Stale saved" not in body(client.get("/board?tag=dream"))
    assert "Fresh saved" in body(client.get("/board?tag=dream"))
    assert post(client, "/board/archive-stale", {"weeks": "4"}).status_code in (400, 422)  # unconfirmed
    response = post(client, "/board/archive-stale", {"weeks": "4", "confirm": "yes"})
    assert response.status_code == 302 and Posting.get_by_id(old.id).archived_at == NOW
    assert Posting.get_by_id(fresh.id).archived_at is None
    board = body(client.get(response.location))
    assert "Stale saved" not in board and ">Undo<" in board
    assert post(client, "/board/stale-weeks", {"weeks": "0"}).status_code in (400, 422)
    assert post(client, "/board/stale-weeks", {"weeks": "8"}).status_code == 302


class QueryLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def statements(client, path: str) -> int:
    log, logger = QueryLog(), logging.getLogger("peewee")
    level = logger.level
    logger.addHandler(log)
    logger.setLevel(logging.DEBUG)
    try:
        assert client.get(path).status_code == 200
    finally:
        logger.removeHandler(log)
        logger.setLevel(level)
    return log.count


@pytest.mark.parametrize("path", ["/table", "/table?sort=next", "/table?sort=applied&q=engineer"])
def test_a_table_page_takes_the_same_statements_for_3_rows_as_for_30(client, db, path):
    def seed(n):
        for i in range(n):
            p = stored_posting("applied", title=f"Engineer {i}", at=NOW - timedelta(days=i + 1))
            tags.set_tags(p, ["x", f"t{i}"])

    seed(3)
    csrf(client)  # the session exists before counting
    statements(client, path)  # and what is asked once per process (is the search index there?) was asked
    few = statements(client, path)
    seed(27)
    statements(client, path)  # the first view after a write reads the kept site list again (services/kept.py)
    assert statements(client, path) == few


def test_every_new_form_refuses_a_post_without_the_csrf_token(client, db):
    p = stored_posting(None, title="Guarded")
    client.get("/table")  # a session exists, but the post does not carry its token
    writes = [("/table/columns", {"column": ["stage"]}), ("/table/bulk", {"action": "archive", "id": [p.id]}),
              ("/table/bulk/abc/undo", {}), (f"/postings/{p.id}/tags", {"tags": "x"}),
              (f"/postings/{p.id}/archive", {"archived": "yes"}), ("/board/archive-stale", {"confirm": "yes"}),
              ("/board/stale-weeks", {"weeks": "3"})]
    for path, data in writes:
        assert client.post(path, data=data).status_code == 403, path
    fresh = Posting.get_by_id(p.id)
    assert fresh.archived_at is None and tags.of(fresh) == [] and BulkBatch.select().count() == 0
