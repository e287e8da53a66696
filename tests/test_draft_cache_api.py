"""One parse per clip: the save after a preview reuses what the preview read."""
from __future__ import annotations

import json

import pytest

from factories import job_page
from jobloop.models import Posting, Snapshot
from jobloop.services import capture as capture_service
from jobloop.services.draft_cache import DraftCache, page_hash

URL = "https://boards.example-ats.test/acme/jobs/77"


def post_json(client, path, body, headers):
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def parses(monkeypatch):
    """Counts the parses the capture service asks for (they still run for real)."""
    calls = []
    real = capture_service.parse_page

    def counting(html, url, now=None):
        calls.append(url)
        return real(html, url, now=now)

    monkeypatch.setattr(capture_service, "parse_page", counting)
    return calls


@pytest.fixture
def drafts_clock(app, monkeypatch):
    """This test's own draft cache, on a clock the test moves."""
    now = [1000.0]
    monkeypatch.setitem(app.extensions, "jobloop_drafts", DraftCache(clock=lambda: now[0]))
    return now


@pytest.fixture
def packings(monkeypatch):
    """Counts the pages packed for a snapshot (hashed, gzipped) behind the capture service."""
    made = []

    class Counting(capture_service.Packing):
        def __init__(self, html):
            made.append(html)
            super().__init__(html)

    monkeypatch.setattr(capture_service, "Packing", Counting)
    return made


def test_save_after_preview_parses_once_and_needs_no_page(client, auth, db, parses, packings, drafts_clock):
    html = job_page(title="Platform Engineer", company="Globex")
    preview = post_json(client, "/api/parse", {"url": URL, "html": html}, auth).get_json()
    assert preview["page_hash"] == page_hash(html)
    assert len(parses) == 1 and len(packings) == 1
    saved = post_json(client, "/api/captures", {"url": URL + "?utm_source=x", "page_hash": preview["page_hash"],
                                                "stage": "applied", "fields": {"title": "Platform Engineer II"}}, auth)
    assert saved.status_code == 201, saved.get_json()
    body = saved.get_json()
    assert len(parses) == 1  # the save read the preview's draft
    assert (body["title"], body["company"], body["stage"]) == ("Platform Engineer II", "Globex", "applied")
    assert body["user_edited"] == ["title"]
    snapshot = Snapshot.get(Snapshot.posting == body["id"])  # the page itself was kept too
    assert snapshot.sha256 == preview["page_hash"] and snapshot.size == len(html.encode())
    assert capture_service.snapshot_html(snapshot) == html
    assert len(packings) == 1  # packed once, by the preview, while the user read the fields


def test_a_capture_without_preview_parses_once(client, auth, db, parses, drafts_clock):
    res = post_json(client, "/api/captures", {"url": URL, "html": job_page()}, auth)
    assert res.status_code == 201 and len(parses) == 1


def test_an_older_client_sending_the_page_again_after_a_preview_is_not_parsed_twice(client, auth, db, parses, drafts_clock):
    html = job_page(title="SRE")
    post_json(client, "/api/parse", {"url": URL, "html": html}, auth)
    res = post_json(client, "/api/captures", {"url": URL, "html": html}, auth)
    assert res.status_code == 201 and res.get_json()["title"] == "SRE"
    assert len(parses) == 1
    # Another page at the same URL is read afresh.
    res = post_json(client, "/api/captures", {"url": URL, "html": job_page(title="SRE, Storage")}, auth)
    assert res.get_json()["title"] == "SRE, Storage" and len(parses) == 2


def test_a_preview_no_longer_held_asks_for_the_page(client, auth, db, parses, drafts_clock):
    html = job_page(title="Data Engineer")
    digest = post_json(client, "/api/parse", {"url": URL, "html": html}, auth).get_json()["page_hash"]
    drafts_clock[0] += 16 * 60  # older than the cache keeps a preview
    missing = post_json(client, "/api/captures", {"url": URL, "page_hash": digest}, auth)
    assert missing.status_code == 409
    assert missing.get_json()["error"]["code"] == "page_needed"
    assert Posting.select().count() == 0
    # The client's resend: the page itself, parsed now.
    resent = post_json(client, "/api/captures", {"url": URL, "html": html}, auth)
    assert resent.status_code == 201 and resent.get_json()["title"] == "Data Engineer"
    assert len(parses) == 2


def test_a_hash_never_previewed_or_for_another_url_is_not_found(client, auth, db, drafts_clock):
    digest = post_json(client, "/api/parse", {"url": URL, "html": job_page()}, auth).get_json()["page_hash"]
    other_url = post_json(client, "/api/captures", {"url": URL + "0", "page_hash": digest}, auth)
    assert other_url.status_code == 409 and other_url.get_json()["error"]["code"] == "page_needed"
    unknown = post_json(client, "/api/captures", {"url": URL, "page_hash": "0" * 64}, auth)
    assert unknown.status_code == 409


def test_a_rotated_token_cannot_use_drafts_held_for_the_old_one(client, auth, db, drafts_clock, app, config):
    from jobloop.security import rotate_token

    digest = post_json(client, "/api/parse", {"url": URL, "html": job_page()}, auth).get_json()["page_hash"]
    new_auth = {"Authorization": f"Bearer {rotate_token(config.data_dir)}"}
    res = post_json(client, "/api/captures", {"url": URL, "page_hash": digest}, new_auth)
    assert res.status_code == 409 and res.get_json()["error"]["code"] == "page_needed"


@pytest.mark.parametrize("body", [
    {"url": URL},  # neither the page nor a hash
    {"url": URL, "page_hash": "A" * 64},  # uppercase
    {"url": URL, "page_hash": "0" * 63},
    {"url": URL, "page_hash": "0" * 65},
    {"url": URL, "page_hash": "../" + "0" * 61},
    {"url": URL, "page_hash": 42},
])
def test_bad_page_hash_is_refused_clearly(client, auth, db, body):
    res = post_json(client, "/api/captures", body, auth)
    assert res.status_code == 422
    error = res.get_json()["error"]
    assert error["code"] and ("page_hash" in error["message"] or "html" in error["message"])
