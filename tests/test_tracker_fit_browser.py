"""The tracker fits a 1280 px screen (issue: facts first, closed jobs out of the way), in real
Chromium on a store of 60 postings in every stage: the posting page shows its facts
without scrolling; the board shows every open stage without sideways scrolling, folds the
ended ones, and moves a card to Rejected with the keyboard alone."""
from __future__ import annotations

from datetime import timedelta

import pytest

from factories import stored_posting
from jobloop.models import Event, Posting, utcnow
from jobloop.services import pipeline
from jobloop.stages import CLOSED, STAGES

pytestmark = pytest.mark.browser

LONG = "".join(f"<p>Paragraph {n}: {'about the team, the product and the way we work. ' * 3}</p>" for n in range(14))


def sixty_postings() -> list[Posting]:
    """60 postings spread over every stage, with salaries, places and long descriptions."""
    now = utcnow()
    made = []
    for n in range(60):
        stage = STAGES[n % len(STAGES)]
        path = ("saved", "applied") if stage not in ("saved", "applied", "withdrawn") else ("saved",)
        made.append(stored_posting(
            stage, stages=path, at=now - timedelta(days=40 - n % 30), step=timedelta(days=2),
            title=f"{'Senior ' if n % 3 else ''}Backend Engineer {n:02d}", company=f"Company {n % 17}",
            locations=["Berlin, Germany", "Remote (EU)"], remote="hybrid", employment_type="FULL_TIME",
            salary_min=70000 + n * 100, salary_max=90000, salary_currency="EUR", salary_period="year",
            description_html=LONG, skills=["Python", "SQL", "Kubernetes", "AWS", "Terraform", "Go", "Kafka"]))
    return made


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_the_board_fits_1280_and_moves_a_card_to_rejected_by_keyboard(page, live_server, db):
    made = sixty_postings()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/board")
    assert no_sideways_scroll(page)
    board = page.locator(".board").bounding_box()
    assert board["x"] + board["width"] <= 1280
    for stage in STAGES:
        column = page.locator(f'.board-column[data-stage="{stage}"]')
        if stage in CLOSED:
            assert not column.is_visible()  # folded into Ended
            continue
        box = column.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, stage
    ended = page.locator(".board-ended > summary")
    assert ended.is_visible() and ended.bounding_box()["x"] + ended.bounding_box()["width"] <= 1280
    expected = sum(1 for p in made if p.stage in CLOSED)
    assert page.locator("[data-ended-total]").inner_text() == str(expected)
    # No select + Move button on the cards.
    assert page.locator(".board-card select").count() == 0

    # The keyboard alone: focus the card's menu, open it, walk to Rejected, Enter.
    card = next(p for p in made if p.stage == "interviewing")
    page.locator(f"#card-{card.id} .card-menu summary").focus()
    page.keyboard.press("Enter")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value") == "rejected":
            break
    assert page.evaluate("document.activeElement.closest('.board-card').id") == f"card-{card.id}"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.board-status').textContent.includes('Moved')")
    assert Posting.get_by_id(card.id).stage == "rejected"
    event = Event.get(Event.posting == card.id, Event.to_stage == "rejected")
    assert abs((event.at - utcnow()).total_seconds()) < 120  # today's date in the menu: now
    assert page.locator("[data-ended-total]").inner_text() == str(expected + 1)
    assert page.evaluate("document.activeElement.closest('summary') !== null")  # focus stays on the board

    # The Ended column opens by keyboard too, and then shows the card.
    page.locator(".board-ended > summary").focus()
    page.keyboard.press("Enter")
    assert page.locator(f'.board-column[data-stage="rejected"] #card-{card.id}').is_visible()
    page.reload()
    assert page.locator(f'.board-column[data-stage="rejected"] #card-{card.id}').count() == 1


def test_a_card_dropped_on_a_stage_of_the_folded_ended_column_moves_there(page, live_server, db):
    posting = stored_posting("applied", stages=("saved",), title="Drag to ghosted")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/board")
    page.locator(f"#card-{posting.id}").drag_to(page.locator('.board-ended [data-drop-stage="ghosted"]'))
    page.wait_for_function("() => document.querySelector('.board-status').textContent.includes('Moved')")
    assert Posting.get_by_id(posting.id).stage == "ghosted"
    assert page.locator(".board-ended").get_attribute("open") is None  # still folded
    assert page.locator('[data-count-for="ghosted"]').inner_text() == "1"
    assert page.locator('.board-column[data-stage="applied"] [data-count]').inner_text() == "0"


def test_the_posting_page_shows_its_facts_without_scrolling(page, live_server, db):
    made = sixty_postings()
    posting = next(p for p in made if p.stage == "screening")
    applied = Event.get(Event.posting == posting.id, Event.to_stage == "applied")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/postings/{posting.id}")
    assert no_sideways_scroll(page)

    def above_the_fold(selector):
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert 0 <= box["y"] and box["y"] + box["height"] <= 800, (selector, box)
        return page.locator(selector).inner_text()

    assert above_the_fold(".fact-salary dd") == "EUR 70,200–90,000 / year"
    above_the_fold(".fact-applied dd")
    assert page.locator(".fact-applied time").get_attribute("datetime") == applied.at.strftime("%Y-%m-%dT%H:%M:%SZ")
    for selector in (".posting-company-name", ".fact-stage", ".fact-next", ".fact-waiting", ".fact-posted",
                     ".fact-where", ".fact-type", ".posting-links"):
        above_the_fold(selector)
    assert "hybrid" in above_the_fold(".fact-where") and "Full time" in above_the_fold(".fact-type")
    # The long description is folded after a few paragraphs; the rest is one click away.
    assert page.locator(".description-more").get_attribute("open") is None
    assert not page.get_by_text("Paragraph 13:").is_visible()
    page.locator(".description-more > summary").click()
    assert page.get_by_text("Paragraph 13:").is_visible()
    # Skills: one compact list, goals offered once.
    assert page.locator(".skill-chips li").count() == 7
    assert page.locator("#skills form").count() == 1


def test_a_note_on_the_timeline_has_no_blank_lines_around_it(page, live_server, db):
    posting = stored_posting("applied", stages=("saved",), title="Noted")
    pipeline.add_note(posting, "Recruiter call went well.")
    page.goto(f"{live_server.url}/postings/{posting.id}")
    note = page.locator(".timeline li.timeline-note")
    gap = page.evaluate("""(li) => li.querySelector('div').getBoundingClientRect().top
                                  - li.querySelector('time').getBoundingClientRect().bottom""", note.element_handle())
    assert gap < 8  # the template's line breaks are not shown as blank lines


def test_the_posting_page_on_a_phone_does_not_scroll_sideways(page, live_server, db):
    posting = sixty_postings()[4]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/postings/{posting.id}")
    assert no_sideways_scroll(page)
    assert page.locator(".fact-salary").bounding_box()["y"] < 844


def test_a_missing_reflection_renders_the_trackers_html_404(page, live_server, db):
    response = page.goto(live_server.url + "/reflections/999999")
    assert response.status == 404 and response.headers["content-type"].startswith("text/html")
    assert page.locator("a", has_text="Go back").count() >= 1  # a way back, not the API's JSON
    assert page.locator("nav").count() >= 1  # the tracker's own page, with its navigation
