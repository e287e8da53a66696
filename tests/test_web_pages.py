"""Tracker pages through the Flask client: what each page shows, its headers, and that GET never writes."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from factories import job_page, make_posting
from jobloop.models import Posting, utcnow
from jobloop.security import CSP, current_token
from jobloop.services import pipeline, postings

PAGES = ["/", "/board", "/table", "/postings/new", "/settings"]


def assert_html_headers(response):
    assert response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_security_headers_when_empty(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_html_headers(response)
    body = text_of(response)
    assert '<meta name="csrf-token" content="' in body
    # No inline script or style: the CSP would block them, so none may be needed.
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert "<style" not in body and " style=" not in body and " onclick=" not in body


def test_every_page_with_data_has_the_headers(client, db):
    posting = make_posting(stage="applied")
    for path in PAGES + [f"/postings/{posting.id}", f"/postings/{posting.id}/delete", "/table?q=python"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_html_headers(response)


def test_nav_lists_the_tracker_pages_in_order(client):
    body = text_of(client.get("/"))
    nav = body[body.index('<nav aria-label="Main">'):body.index("</nav>")]
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs[:4] == ["/", "/board", "/table", "/postings/new"] and "/settings" in hrefs
    assert hrefs.index("/settings") == len(hrefs) - 1  # order 90: last of the tracker's own


def test_empty_dashboard_says_what_to_do_first(client):
    body = text_of(client.get("/"))
    assert "Start here" in body
    assert "Install the browser extension" in body and 'href="/settings#install"' in body
    assert "Pair it" in body and 'href="/settings#token"' in body
    assert "Clip a posting" in body and 'href="/postings/new"' in body


def test_dashboard_counts_stages_and_shows_recent_activity(client, db):
    make_posting(title="Saved One")
    make_posting(title="Applied One", stage="applied")
    moved = make_posting(title="Interviewing One", stage="applied")
    pipeline.change_stage(moved, "interviewing", note="first round booked")
    body = text_of(client.get("/"))
    assert "Start here" not in body
    assert "<strong>2</strong> applications in flight" in body
    tiles = {label: count for count, label in
             re.findall(r'<span class="count">(\d+)</span> <span class="label">(\w+)</span>', body)}
    assert tiles["saved"] == "1" and tiles["applied"] == "1" and tiles["interviewing"] == "1"
    recent = body[body.index('id="recent"'):]
    assert recent.index("Interviewing One") < recent.index("Saved One")  # newest first
    assert "first round booked" in recent


def test_board_has_a_column_per_open_stage_the_closed_ones_folded_and_a_menu_per_card(client, db):
    from jobloop.stages import CLOSED, STAGES

    posting = make_posting(title="Board Card", stage="screening")
    make_posting(stage="rejected")
    make_posting(stage="ghosted")
    body = text_of(client.get("/board"))
    columns = re.findall(r'<section class="board-column stage-(\w+)', body)
    assert columns == list(STAGES)
    folded = body[body.index('<details class="board-ended"'):body.index("</details>\n</div>")]
    assert re.findall(r'<section class="board-column stage-(\w+)', folded) == list(CLOSED)
    assert '<span class="count" data-ended-total>2</span>' in folded
    assert '<details class="board-ended" id="ended">' in body  # folded unless asked
    screening = body[body.index('data-stage="screening"'):body.index('data-stage="interviewing"')]
    assert f'id="card-{posting.id}"' in screening and 'draggable="true"' in screening
    assert f'action="/postings/{posting.id}/stage"' in screening
    assert 'value="rejected">rejected</button>' in screening and 'value="screening">' not in screening
    assert "<select" not in screening  # no select + Move button per card


def test_board_caps_a_column_and_links_to_the_rest(client, db, monkeypatch):
    from jobloop.web import pages

    monkeypatch.setattr(pages, "BOARD_LIMIT", 2)
    for n in range(3):
        make_posting(title=f"Saved {n}")
    body = text_of(client.get("/board"))
    assert body.count('class="board-card"') == 2
    assert '1 more in the table' in body and 'href="/table?stage=saved"' in body


def test_table_finds_a_posting_by_a_word_of_its_description(client, db):
    make_posting(title="Data Engineer", description="<p>Pipelines in Flink and Kafka.</p>")
    make_posting(title="Designer", description="<p>Figma all day.</p>")
    body = text_of(client.get("/table?q=flink"))
    assert "Data Engineer" in body and "Designer" not in body
    assert "1 posting" in body and 'value="flink"' in body


def test_table_filters(client, db):
    make_posting(title="Old Remote", company="Globex", now=utcnow() - timedelta(days=40),
                 jobLocationType="TELECOMMUTE")
    make_posting(title="New Onsite", company="Initech", stage="offer")
    assert "New Onsite" not in text_of(client.get("/table?company=glob"))
    assert "Old Remote" not in text_of(client.get("/table?stage=offer"))
    since = (datetime.now() - timedelta(days=2)).date().isoformat()
    body = text_of(client.get(f"/table?from={since}"))
    assert "New Onsite" in body and "Old Remote" not in body
    body = text_of(client.get("/table?source=nonexistent-site"))
    assert "Nothing matches" in body


def test_table_and_posting_page_show_the_job_site_not_the_adapter(client, db):
    own = make_posting(title="Own Site Role", url="https://careers.acme.com/jobs/1")
    make_posting(title="Lever Role", url="https://jobs.lever.co/globex/5ac1e2d4")
    html = client.get("/table").text
    assert "<option>acme.com</option>" in html and "<option>Lever</option>" in html
    assert ">generic<" not in html and ">lever<" not in html
    body = text_of(client.get("/table?source=acme.com"))
    assert "Own Site Role" in body and "Lever Role" not in body
    assert "found on acme.com" in text_of(client.get(f"/postings/{own.id}"))


def test_table_remote_filter(client, db):
    a = make_posting(title="Remote Role")
    postings.update(a, {"remote": "remote"})
    make_posting(title="Office Role")
    body = text_of(client.get("/table?remote=remote"))
    assert "Remote Role" in body and "Office Role" not in body


def test_table_sorts_and_paginates(client, db, monkeypatch):
    from jobloop.web import table

    monkeypatch.setattr(table, "PER_PAGE", 2)
    for title in ("Charlie", "Alpha", "Bravo"):
        make_posting(title=title)
    body = text_of(client.get("/table?sort=title&dir=asc"))
    assert body.index("Alpha") < body.index("Bravo") and "Charlie" not in body
    assert "page 1 of 2" in body
    nxt = re.search(r'rel="next" href="([^"]+)"', body).group(1).replace("&amp;", "&")
    assert "sort=title" in nxt and "dir=asc" in nxt and "page=2" in nxt
    assert "Charlie" in text_of(client.get(nxt))
    assert 'aria-sort="ascending"' in body


def test_table_bad_filter_keeps_the_form_and_says_why(client):
    response = client.get("/table?from=last+tuesday&q=keepme")
    assert response.status_code == 200
    body = text_of(response)
    assert "is not a date" in body and 'value="keepme"' in body
    assert client.get("/table?sort=bogus").status_code == 200


def test_posting_page_shows_fields_timeline_and_links(client, db):
    posting = make_posting(title="Backend Engineer", company="Acme Robotics", stage="applied",
                           description="<p>Build <strong>APIs</strong>.</p>")
    pipeline.add_note(posting, "Spoke to Priya")
    body = text_of(client.get(f"/postings/{posting.id}"))
    assert 'value="Backend Engineer"' in body and 'value="Acme Robotics"' in body
    assert "<strong>APIs</strong>" in body  # the sanitized HTML, rendered
    assert "Spoke to Priya" in body
    assert f'href="{posting.url}"' in body and f'href="/postings/{posting.id}/snapshot"' in body
    assert 'type="datetime-local" name="at"' in body
    assert f'href="/postings/{posting.id}/delete"' in body


def test_hostile_clip_renders_nothing_that_runs(client, db):
    hostile = (
        '<p>Great job</p><script>alert(1)</script><img src="x" onerror="alert(2)">'
        '<a href="javascript:alert(3)">apply</a><iframe src="https://evil.example/"></iframe>'
        '<svg onload="alert(4)"></svg><a href="https://ok.example/" onclick="alert(5)">ok</a>'
    )
    posting = make_posting(title="Hostile Title", description=hostile,
                           extra_head='<meta http-equiv="refresh" content="0;url=javascript:alert(6)">')
    body = text_of(client.get(f"/postings/{posting.id}"))
    main = body[body.index("<main"):]
    assert "alert(" not in main
    assert "javascript:" not in main.lower()
    assert "onerror" not in main and "onload" not in main and "onclick" not in main
    assert "<iframe" not in main and "<svg" not in main


def test_fields_are_escaped_everywhere(client, db):
    posting = make_posting(title="Plain")
    evil = '<img src=x onerror=alert(7)>'
    postings.update(posting, {"title": evil, "company": evil, "notes": evil, "locations": [evil]})
    pipeline.add_note(posting, evil)
    for path in ("/", "/board", "/table", f"/postings/{posting.id}", f"/postings/{posting.id}/delete"):
        body = text_of(client.get(path))
        assert "<img src=x" not in body, path
        assert "&lt;img src=x onerror=alert(7)&gt;" in body, path


def test_posting_links_only_http_urls(client, db):
    posting = make_posting(title="Link test")
    Posting.update(apply_url="javascript:alert(1)").where(Posting.id == posting.id).execute()
    body = text_of(client.get(f"/postings/{posting.id}"))
    assert 'href="javascript:' not in body


@pytest.mark.parametrize("path", ["/postings/999", "/postings/999/snapshot", "/postings/999/delete"])
def test_missing_posting_is_an_html_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert_html_headers(response)
    assert "Not found" in text_of(response)
    # The API keeps its JSON errors.
    api = client.get("/api/postings/999", headers={"Authorization": "Bearer nope"})
    assert api.is_json


def test_api_keeps_json_errors_for_service_errors(client, auth):
    response = client.get("/api/postings/999", headers=auth)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_snapshot_is_sandboxed(client, db):
    posting = make_posting(title="Snap", extra_head="<script>alert('x')</script>")
    response = client.get(f"/postings/{posting.id}/snapshot")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox") and "allow-scripts" not in csp and "default-src 'none'" in csp
    assert "Snap" in text_of(response)  # the page as it was clipped


def test_hand_added_posting_has_no_snapshot(client, db):
    posting = postings.create_manual("https://careers.example.test/jobs/1", {"title": "Referral"})
    assert 'snapshot"' not in text_of(client.get(f"/postings/{posting.id}"))
    assert client.get(f"/postings/{posting.id}/snapshot").status_code == 404


def test_get_never_changes_data(client, db, config):
    posting = make_posting(title="Stays")
    before = (Posting.select().count(), current_token(config.data_dir))
    for path in (f"/postings/{posting.id}/delete", f"/postings/{posting.id}/stage?stage=offer",
                 f"/postings/{posting.id}/edit?title=x", "/settings/token", "/postings/new?url=https://a.test/1"):
        client.get(path)
    assert (Posting.select().count(), current_token(config.data_dir)) == before
    fresh = Posting.get_by_id(posting.id)
    assert fresh.title == "Stays" and fresh.stage == "saved"


def test_settings_shows_the_token_and_pairing_steps(client, token):
    body = text_of(client.get("/settings"))
    assert token in body and 'data-copy="api-token"' in body
    assert "Load unpacked" in body and 'id="install"' in body
    assert 'action="/settings/token"' in body


def test_search_api_uses_full_text(client, auth, db):
    make_posting(title="Searchable", description="<p>Observability with OpenTelemetry.</p>")
    found = client.get("/api/postings?q=opentelemetry", headers=auth).get_json()["postings"]
    assert [p["title"] for p in found] == ["Searchable"]


def test_dashboard_recent_activity_shows_one_row_per_clip(client, auth, db):
    r = client.post("/api/captures", json={"url": "https://careers.acme.com/jobs/1", "stage": "applied",
                                           "note": "Referred by Dana", "html": job_page(title="One Clip")}, headers=auth)
    assert r.status_code == 201
    html = client.get("/").text
    recent = html[html.index('id="recent"'):]
    recent = recent[:recent.index("</ol>")]
    assert recent.count("<li>") == 1 and "One Clip" in recent and "Referred by Dana" in recent


def test_posting_header_shows_the_facts_and_the_company_spot(client, db):
    posting = make_posting(title="Facts Engineer", company="Northwind", stage="applied",
                           salary={"@type": "MonetaryAmount", "currency": "EUR",
                                   "value": {"@type": "QuantitativeValue", "minValue": 60000, "maxValue": 75000,
                                             "unitText": "YEAR"}})
    postings.update(posting, {"apply_url": "https://apply.example.test/1"})
    body = text_of(client.get(f"/postings/{posting.id}"))
    header = body[body.index('<header class="posting-head'):body.index("</header>", body.index('<header class="posting-head'))]
    assert "Northwind" in header and "EUR 60,000–75,000 / year" in header
    applied = pipeline.applied_event(posting)
    assert f'datetime="{applied.at.strftime("%Y-%m-%dT%H:%M:%SZ")}"' in header
    assert "Check in" in header  # the next action: the applied rule's check-in
    assert "0 days <span" in header  # waiting since today
    assert 'href="https://apply.example.test/1"' in header and "Original page" in header
    assert "Full time" in header and "2026-11-01" in header
    # The description comes after the header.
    assert body.index("</header>") < body.index('id="h-description"')


def test_a_posting_with_few_facts_says_what_to_add(client, db):
    posting = postings.create_manual("https://jobs.example.test/bare", {"title": "Bare"})
    header = text_of(client.get(f"/postings/{posting.id}"))
    assert 'href="#f-salary_min">add a salary' in header and ">not yet</a>" in header
    assert "nothing scheduled" in header


def test_a_long_description_is_folded_after_a_few_paragraphs(client, db):
    from jobloop.web.pages import fold_description, fold_text

    long = "".join(f"<p>Part {n} " + "words " * 40 + "</p>" for n in range(10))
    shown, rest, words = fold_description(f"<div><div>{long}</div></div>")  # wrappers are looked through
    assert shown.count("<p>") == 3 and rest.count("<p>") == 7 and "Part 9" in rest and words == 7 * 42
    short = "<p>One.</p><p>Two.</p><p>Three.</p><p>Four.</p>"
    assert fold_description(short) == (short, "", 0)  # nothing worth folding
    headed = "<p>" + "a " * 300 + "</p><p>b</p><h3>What you do</h3>" + "<p>c</p><p>" + "d " * 300 + "</p>"
    shown, rest, _ = fold_description(headed)
    assert "What you do" in shown and "<p>c</p>" in shown and rest.startswith("<p>d ")  # never ends on a heading
    hostile = fold_description("<p>x</p>" * 3 + "<p>" + "y " * 300 + "<script>alert(1)</script></p>")
    assert "<script" not in hostile[0] + hostile[1]
    text_shown, text_rest = fold_text("\n\n".join(f"Para {n} " + "w " * 80 for n in range(8)))
    assert text_shown.count("Para") == 3 and text_rest.startswith("Para 3")

    posting = make_posting(title="Long One", description=long)
    body = text_of(client.get(f"/postings/{posting.id}"))
    assert '<details class="description-more">' in body and "(294 more words)" in body
