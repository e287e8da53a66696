"""Messages ready to send, in real Chromium: the first message opened without a signature
asks for the name to sign with, inline; and Back to a page after a template edit shows the
new text, also when the browser kept the page in its back/forward cache."""
from __future__ import annotations

import pytest

from browser import launch_chromium
from factories import make_posting
from jobloop.services import messages

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Chromium as users have it, with its back/forward cache (Playwright's default switches it off)."""
    with launch_chromium(tmp_path_factory.mktemp("chromium"), back_forward_cache=True) as launched:
        yield launched


@pytest.fixture
def page(browser):
    page = browser.new_page(width=1280, height=800)
    yield page
    page.close()


def watch(page) -> list[str]:
    errors = []
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    return errors


def first_message(page):
    return page.locator("#followups .followup").filter(has=page.locator("details.followup-message")).first


def test_the_first_message_opened_asks_for_a_signature_inline(page, live_server, db):
    posting = make_posting(stage="rejected", title="Sign Probe", company="Lumen Labs")
    errors = watch(page)
    page.goto(f"{live_server.url}/postings/{posting.id}")
    item = first_message(page)
    form = item.locator("form.sign-messages")
    assert not form.is_visible()  # folded with the message until it is opened
    item.locator("details.followup-message > summary").click()
    assert form.is_visible()
    assert item.locator("textarea").input_value().rstrip().endswith("Best regards,")
    form.get_by_label("Sign them as").fill("Kim Lee")
    form.get_by_label("Sign them as").press("Enter")
    page.wait_for_url(f"**/postings/{posting.id}#followups")
    assert messages.signature() == "Kim Lee"
    assert "signed “Kim Lee”" in page.locator(".flashes").inner_text()
    item = first_message(page)
    item.locator("details.followup-message > summary").click()
    assert item.locator("textarea").input_value().endswith("Best regards,\nKim Lee")
    assert page.locator("form.sign-messages").count() == 0  # asked once
    assert errors == []


def test_back_after_a_template_edit_shows_the_new_text(page, live_server, db):
    posting = make_posting(stage="rejected", title="Template Probe", company="Lumen Labs")
    errors = watch(page)
    page.goto(f"{live_server.url}/postings/{posting.id}")
    page.evaluate("window.keptPage = true")  # gone if the page is loaded again
    assert "grateful for any feedback" in first_message(page).locator("textarea").input_value()
    page.goto(f"{live_server.url}/followups/settings")
    page.locator("#followup-settings details > summary").click()
    page.fill("#t-feedback_request-b", "Hi {first_name}, what could I have done better?\n\n{signature}")
    page.get_by_role("button", name="Save follow-up settings").click()
    page.wait_for_url("**/followups/settings#followup-settings")
    # Back twice in one step (settings after the save, settings before it, the posting): two
    # separate Backs would race the reload of the settings page restored in between.
    page.evaluate("history.go(-2)")
    page.wait_for_url(f"**/postings/{posting.id}")
    page.wait_for_function("() => !window.keptPage && document.readyState === 'complete'")
    text = first_message(page).locator("textarea").input_value()
    assert text.startswith("Hi there, what could I have done better?")
    assert errors == []
