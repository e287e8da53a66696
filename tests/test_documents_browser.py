"""The popup's "sent with": the extension, in real Chromium, offers the documents sent last
and notes the chosen one as sent with the posting it saves."""
from __future__ import annotations

from datetime import datetime

import pytest

from browser import launch_chromium, screenshot
from factories import stored_posting
from jobloop.services import documents
from test_documents_service import DOCX, PDF
from test_extension_browser import api, message, open_job_tab, open_popup, pages, postings_for, set_settings  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def with_extension(tmp_path):
    with launch_chromium(tmp_path, extension=True) as browser:
        yield browser


def test_save_from_the_popup_sent_with_the_last_used_cv(with_extension, live_server, token, pages, config, db):  # noqa: F811
    folder = documents.folder_of(config.data_dir)
    older, _ = documents.add_version(folder, "CV", PDF, "cv-v1.pdf", now=datetime(2026, 10, 1))
    latest, _ = documents.add_version(folder, "CV", DOCX, "cv-v2.docx", now=datetime(2026, 11, 1))
    documents.attach(stored_posting("applied"), latest, sent_at=datetime(2026, 11, 20), now=datetime(2026, 11, 20))
    db.close()  # the server thread opens its own connection
    set_settings(with_extension, live_server.url, token)
    url = pages.url + "/jobs/data-analyst"
    _, tab = open_job_tab(with_extension, url)
    popup = open_popup(with_extension, tab)
    popup.wait_for_selector("#preview:not([hidden])")
    popup.wait_for_function("() => document.getElementById('f-sent-with').options.length === 3")
    options = popup.locator("#f-sent-with option").all_inner_texts()
    assert options == ["—", "CV v2", "CV v1"]  # the one sent last comes first
    popup.select_option("#f-stage", "applied")
    popup.select_option("#f-sent-with", label="CV v2")
    screenshot(popup, "popup-sent-with")
    popup.click("#save")
    popup.wait_for_selector("#tracked:not([hidden])")
    assert message(popup) == "Saved to jobloop, sent with CV v2."
    posting, = postings_for(live_server.url, token, url)
    assert [s.label for s in documents.for_posting(posting["id"])] == ["CV v2"]
