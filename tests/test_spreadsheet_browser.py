"""A 200-row spreadsheet to a populated board in real Chromium, and back out: upload, fix one
column's meaning on the preview, import, see the postings on the board, undo the import."""
from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from browser import arrived, screenshot
from jobloop.models import Posting

pytestmark = pytest.mark.browser

STATUSES = ["Wishlist", "Applied", "Phone screen", "Interviewing", "Offer", "Declined", "No response"]


def spreadsheet(path) -> None:
    rows = ["Job title;Company;Where we'd live;Status;Date applied"]
    for i in range(200):
        status = STATUSES[i % len(STATUSES)]
        day = "" if status == "Wishlist" else f"{1 + i % 28:02d}.10.2026"
        rows.append(f"Engineer {i:03d};Company {i % 40};City {i % 9};{status};{day}")
    path.write_bytes("\n".join(rows).encode("cp1252"))


def test_spreadsheet_to_board_and_undo(chromium, live_server, db, tmp_path):
    sheet = tmp_path / "my search.csv"
    spreadsheet(sheet)
    page = chromium.new_page(width=1280, height=900)
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        page.goto(live_server.url + "/import")
        page.set_input_files("#sheet-file", str(sheet))
        page.get_by_role("button", name="Preview").click()
        page.wait_for_selector("table.import-preview")
        assert "200 rows" in page.inner_text(".page-head")
        assert page.locator("#col-2").input_value() == ""  # "Where we'd live" is not a known header
        assert page.locator("#col-0").input_value() == "title"
        page.select_option("#col-2", "location")  # the user fixes it
        screenshot(page, "spreadsheet-preview")
        page.get_by_role("button", name="Import 200 rows").click()
        page.wait_for_selector(".import-summary")
        assert "200 rows became postings" in page.inner_text(".import-summary")
        assert Posting.select().count() == 200
        assert Posting.get(Posting.title == "Engineer 003").locations == ["City 3"]

        page.get_by_role("link", name="See the board").click()
        page.wait_for_selector(".board")
        assert page.inner_text('.board-column[data-stage="interviewing"] [data-count]') == str(
            sum(1 for i in range(200) if STATUSES[i % 7] == "Interviewing"))
        assert page.locator(".board-card", has_text="Engineer 003").count() == 1
        screenshot(page, "spreadsheet-board")

        page.goto(live_server.url + "/import")
        page.locator(".recent-imports").get_by_role("button", name="Undo").click()
        arrived(page, ".board")
        assert "200 postings removed" in page.inner_text("body")
        assert page.locator(".board-card").count() == 0
        assert Posting.select().count() == 0
    finally:
        page.close()


def test_a_long_import_shows_its_progress_then_the_summary(chromium, live_server, db, tmp_path, monkeypatch):
    """The progress page asks for rows done / total and turns into the summary by itself."""
    from jobloop.services import spreadsheet as service
    from jobloop.web import sheets

    gates, real = {50: threading.Event(), 100: threading.Event()}, service.import_rows

    def held(sheet, mapping, **kwargs):
        def progress(done, total):
            kwargs["progress"](done, total)
            if done in gates:
                assert gates[done].wait(30)
        return real(sheet, mapping, **{**kwargs, "progress": progress})

    monkeypatch.setattr(sheets.spreadsheet, "import_rows", held)
    monkeypatch.setattr(service, "CHUNK", 50)
    sheet = tmp_path / "long.csv"
    spreadsheet(sheet)
    page = chromium.new_page(width=1280, height=900)
    try:
        page.goto(live_server.url + "/import")
        page.set_input_files("#sheet-file", str(sheet))
        page.get_by_role("button", name="Preview").click()
        page.wait_for_selector("table.import-preview")
        page.get_by_role("button", name="Import 200 rows").click()
        page.wait_for_selector("progress#import-bar")
        assert page.locator("progress#import-bar").get_attribute("max") == "200"
        expect(page.locator("[data-import-done]")).to_have_text("50")
        page.evaluate("document.body.dataset.samePage = 'yes'")  # gone if the page were loaded again
        gates[50].set()  # the page learns of the next chunk by asking, not by a reload
        expect(page.locator("[data-import-done]")).to_have_text("100")
        assert page.evaluate("document.querySelector('#import-bar').value") == 100
        assert "100 of 200 rows" in page.inner_text(".import-progress")
        assert page.evaluate("document.body.dataset.samePage") == "yes"
        screenshot(page, "spreadsheet-progress")
        gates[100].set()
        page.wait_for_selector(".import-summary")
        assert "200 rows became postings" in page.inner_text(".import-summary")
    finally:
        for gate in gates.values():
            gate.set()
        page.close()
