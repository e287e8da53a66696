"""Merging two names of one employer on the company page, and undoing it for a name that
was not the same company, in real Chromium against a real server."""
from __future__ import annotations

import pytest

from browser import arrived
from factories import stored_posting
from jobloop.services import companies

pytestmark = pytest.mark.browser


def test_merge_then_separate_a_name_on_the_company_page(page, live_server, db):
    stored_posting(company="Lumen Labs", title="Platform Engineer")
    stored_posting(company="Northwind", title="Data Engineer")
    keep, other = companies.find("Lumen Labs"), companies.find("Northwind")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/companies/{keep.id}")
    page.select_option("#merge select[name=other]", str(other.id))
    page.click("#merge button[type=submit]")
    arrived(page, ".flash:has-text('are now one company')")
    assert "Data Engineer" in page.locator("#applications").inner_text()  # the merged name's posting

    page.click("#names button:has-text('Not the same')")
    arrived(page, ".flash:has-text('Northwind is a company of its own again')")
    assert page.locator("#names").count() == 0
    assert "Data Engineer" not in page.locator("#applications").inner_text()
    page.goto(f"{live_server.url}/companies/{other.id}")
    assert page.locator("h1").inner_text() == "Northwind" and "Data Engineer" in page.locator("#applications").inner_text()
