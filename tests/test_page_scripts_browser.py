"""The scripts every tracker page shares (web/static/js/app.js), in real Chromium: Copy
buttons copy without a script error, and a confirm dialog asks once."""
from __future__ import annotations

import pytest

from factories import make_posting

pytestmark = pytest.mark.browser


def watch(page) -> tuple[list[str], list[str]]:
    errors, dialogs = [], []
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return errors, dialogs


def copy(page, button, label="Copied"):
    button.click()
    page.wait_for_function("([b, label]) => b.textContent === label", arg=[button.element_handle(), label])
    return page.evaluate("() => navigator.clipboard.readText()")


def test_copy_text_on_follow_ups_and_settings_logs_no_error(page, chromium, live_server, db):
    posting = make_posting(stage="rejected", title="Copy Probe", company="Lumen Labs")
    chromium.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    errors, _ = watch(page)

    page.goto(f"{live_server.url}/postings/{posting.id}")
    followup = page.locator(".followup").filter(has=page.locator("button[data-copy]")).first
    button = followup.locator("button[data-copy]")
    source_id = button.get_attribute("data-copy")
    copied = copy(page, button)
    assert copied and copied == page.locator(f"#{source_id}").input_value()
    assert errors == []  # one copy handler, and it finds the message by id
    page.locator("details.posting-messages summary").click()
    template = page.locator('button[data-copy="tpl-thank_you"]')
    assert copy(page, template) == page.locator("#tpl-thank_you").input_value()

    page.goto(f"{live_server.url}/settings")
    page.locator("details.token-box summary").click()
    page.locator('button[data-copy="api-token"]').click()
    page.wait_for_function("() => document.querySelector('.copy-status').textContent === 'Copied.'")
    assert page.evaluate("() => navigator.clipboard.readText()") == page.locator("#api-token").inner_text().strip()
    feed = page.locator('button[data-copy="feed-url"]')
    assert copy(page, feed) == page.locator("#feed-url").input_value()
    assert errors == []


def test_make_a_new_calendar_address_asks_once(page, live_server, db):
    errors, dialogs = watch(page)
    page.goto(f"{live_server.url}/settings")
    feed_before = page.locator("#feed-url").input_value()
    page.get_by_role("button", name="Make a new address").click()
    page.wait_for_timeout(300)
    assert dialogs == ["Make a new address? Calendars subscribed to the old one will stop updating."]
    assert page.locator("#feed-url").input_value() == feed_before  # dismissed: nothing changed
    assert errors == []
