"""The table in real Chromium: sorting by date applied and by days waiting; ticking five
rows (one plus a shift-click range), archiving them, and undoing it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from browser import screenshot
from factories import stored_posting
from jobloop.models import Posting, utcnow

pytestmark = pytest.mark.browser


def titles(page) -> list[str]:
    return [t.strip() for t in page.locator("table.data tbody td.col-title a").all_inner_texts()]


def test_the_table_sorts_by_date_applied_and_by_days_waiting(page, live_server, db):
    now = utcnow()
    # Applied 30, 12 and 3 days ago; the middle one has moved on to interviewing 1 day ago,
    # so it has waited least in its stage; the saved one has no date applied and no wait.
    stored_posting("applied", title="Applied a month ago", at=now - timedelta(days=30))
    stored_posting("interviewing", stages=("applied",), title="Interviewing now", at=now - timedelta(days=12),
                   step=timedelta(days=11))
    stored_posting("applied", title="Applied this week", at=now - timedelta(days=3))
    stored_posting(None, title="Only saved", at=now - timedelta(days=1))
    page.goto(live_server.url + "/table")
    page.get_by_role("link", name="Applied on").click()
    page.wait_for_url("**sort=applied**")
    first = titles(page)
    page.get_by_role("link", name="Applied on").click()  # the other way round
    page.wait_for_url("**dir=asc**")
    assert titles(page) == ["Applied a month ago", "Interviewing now", "Applied this week", "Only saved"]
    assert first == ["Applied this week", "Interviewing now", "Applied a month ago", "Only saved"]
    page.get_by_role("link", name="Days waiting").click()
    page.wait_for_url("**sort=waiting**")
    assert titles(page) == ["Applied a month ago", "Applied this week", "Interviewing now", "Only saved"]
    cells = page.locator("table.data tbody td.col-waiting").all_inner_texts()
    assert [c.strip() for c in cells] == ["30", "3", "1", ""]
    screenshot(page, "table-sorted-by-days-waiting")


def test_select_five_rows_archive_them_and_undo(page, live_server, db):
    rows = [stored_posting(None, title=f"Role {i:02d}") for i in range(8)]
    page.goto(live_server.url + "/table?sort=title&dir=asc")
    boxes = page.locator("input.select-row")
    boxes.nth(0).click()
    boxes.nth(1).click()
    boxes.nth(4).click(modifiers=["Shift"])  # ticks 2, 3 and 4 too
    assert page.locator(".bulk-count").inner_text() == "5 selected."
    page.select_option("#bulk-action", "archive")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**done=**")
    assert page.locator(".undo-bar").inner_text().startswith("Archived 5 postings.")
    assert titles(page) == ["Role 05", "Role 06", "Role 07"]
    assert Posting.select().where(Posting.archived_at.is_null(False)).count() == 5
    screenshot(page, "table-bulk-archived")
    page.locator(".undo-bar").get_by_role("button", name="Undo").click()
    page.wait_for_function("() => !document.querySelector('.undo-bar')")
    assert titles(page) == [f"Role {i:02d}" for i in range(8)]
    assert Posting.select().where(Posting.archived_at.is_null(False)).count() == 0
    assert {p.id for p in Posting.select()} == {p.id for p in rows}


def test_select_all_matching_reaches_past_the_page(page, live_server, db):
    from jobloop.services import tags

    rows = [stored_posting(None, title=f"Many {i:02d}") for i in range(53)]  # 50 a page
    page.goto(live_server.url + "/table?q=many")
    page.locator("#select-page").check()
    assert page.locator(".bulk-count").inner_text() == "50 selected."
    page.get_by_role("button", name="Select all 53 matching").click()
    assert page.locator(".bulk-count").inner_text() == "All 53 matching postings selected."
    page.select_option("#bulk-action", "tag_add")
    page.fill("#bulk-tag", "Wave")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**done=**")
    assert page.locator(".undo-bar").inner_text().startswith("Tagged 53 postings “wave”.")
    assert set(tags.for_postings([p.id for p in rows])) == {p.id for p in rows}
