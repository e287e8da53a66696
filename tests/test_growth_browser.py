"""Growth pages in real Chromium on a seeded history of 50 applications.

Screenshots go to test-artifacts/ (the README's pictures are taken by test_screenshots_browser.py).
"""
from __future__ import annotations


import pytest

from browser import ARTIFACTS, launch_chromium
from jobloop.models import Goal, utcnow

from factories.history import GAP_HEAVY, seed_history

pytestmark = pytest.mark.browser


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def seeded(live_server, db):
    seed_history(50, now=utcnow())
    db.close()  # the server thread opens its own connection
    return live_server


def watch(page):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_insights_renders_charts_without_console_errors(seeded, tmp_path):
    with launch_chromium(tmp_path) as browser:
        page = browser.new_page(width=1100, height=900)
        problems = watch(page)
        page.goto(seeded.url + "/insights")
        charts = page.locator("svg.chart")
        assert charts.count() == 5
        for i in range(5):
            box = charts.nth(i).bounding_box()
            assert box and box["width"] > 300 and box["height"] > 30
        assert page.locator("svg.chart rect.bar").count() > 10
        # the in-flight figure is on screen, against its target
        assert page.get_by_role("heading", name="In flight:").inner_text().endswith("· target 5")
        shot(page, "insights")
        # dark mode: chart text follows the page's text colour (currentColor)
        page.emulate_media(color_scheme="dark")
        fill, color = page.evaluate("""() => [
            getComputedStyle(document.querySelector('svg.chart text')).fill,
            getComputedStyle(document.querySelector('svg.chart')).color]""")
        assert fill == color
        shot(page, "insights-dark")
        assert problems == []


def test_a_gap_becomes_a_goal_in_one_click_and_shows_on_the_dashboard(seeded, tmp_path):
    with launch_chromium(tmp_path) as browser:
        page = browser.new_page(width=1100, height=900)
        problems = watch(page)
        page.goto(seeded.url + "/")
        page.get_by_role("link", name="Plan").click()
        top = page.locator("li.gap.top")
        assert top.count() == 3
        skills = [top.nth(i).locator(".gap-skill").inner_text() for i in range(3)]
        assert set(skills) == set(GAP_HEAVY)
        shot(page, "plan")
        top.first.get_by_role("button", name="Make it a goal").click()
        page.wait_for_url("**/plan#goal-*")
        goal = Goal.get()
        assert goal.skill == skills[0] and goal.title == f"Learn {skills[0]}"
        assert page.locator(f"#goal-{goal.id}").is_visible()
        assert top.first.get_by_text("goal set").is_visible()
        page.get_by_role("link", name="Dashboard").click()
        line = page.locator(f'.growth-dashboard [data-goal="{goal.id}"]')
        assert line.inner_text().startswith(f"Learn {skills[0]}")
        assert goal.deadline.isoformat() in line.inner_text()
        # and who to get back in touch with this week
        due = page.locator(".growth-dashboard .due-contacts").inner_text()
        assert "Priya Raman" in due and "Dana Whitfield" in due
        shot(page, "dashboard-growth")
        page.goto(seeded.url + "/plan")
        shot(page, "plan-with-goal")
        assert problems == []


def test_a_profile_saying_k8s_lists_kubernetes_once(live_server, db, page):
    from datetime import timedelta

    from jobloop.models import ProfileSkill

    from factories.history import posting_with_history

    now = utcnow()
    for i, skills in enumerate((["k8s", "AWS"], ["Kubernetes", "Azure", "Terraform"], ["K8S"])):
        posting_with_history(now - timedelta(days=9), [("applied", now - timedelta(days=8)),
                                                       ("rejected", now - timedelta(days=2))],
                             now=now, skills=skills, title=f"Platform role {i}")
    ProfileSkill.create(name="k8s", level=3)  # as a profile saved before names were normalized
    db.close()  # the server thread opens its own connection
    problems = watch(page)
    page.goto(live_server.url + "/plan")
    main = page.locator("main")
    assert main.inner_text().count("Kubernetes") == 1 and "k8s" not in main.inner_text()
    assert page.locator("#profile").get_by_role("rowheader", name="Kubernetes").is_visible()
    assert page.locator('#gaps [data-skill="Kubernetes"]').count() == 0
    # the clouds roll up, each still listed
    cloud = page.locator('#gaps li.family[data-skill="Cloud platforms"]')
    assert cloud.locator(".gap-skill").first.inner_text() == "Cloud platforms"
    assert [t.strip() for t in cloud.locator("li.member .gap-skill").all_inner_texts()] == ["AWS", "Azure"]
    # out of the profile: one Kubernetes gap for "k8s", "Kubernetes" and "K8S"
    page.locator("#profile").get_by_role("button", name="Remove").click()
    page.wait_for_url("**/plan#profile")
    gap = page.locator('#gaps li.gap[data-skill="Kubernetes"]')
    assert gap.count() == 1 and gap.locator(".badge-rejected").inner_text() == "3 rejected"
    assert page.locator("#gaps").inner_text().count("Kubernetes") == 1
    # not for me, then shown again
    gap.get_by_role("button", name="Not for me").click()
    page.wait_for_url("**/plan#gaps")
    assert page.locator('#gaps li.gap[data-skill="Kubernetes"]').count() == 0
    page.get_by_text("Show dismissed (1)").click()
    page.locator('.dismissed-gaps [data-skill="Kubernetes"]').get_by_role("button", name="Show again").click()
    page.wait_for_url("**/plan#gaps")
    assert page.locator('#gaps li.gap[data-skill="Kubernetes"]').count() == 1
    # compact: no gap button spans the list's width
    widths = page.evaluate("""() => [...document.querySelectorAll('#gaps button')].map(
        b => b.getBoundingClientRect().width / b.closest('section').getBoundingClientRect().width)""")
    assert widths and max(widths) < 0.3
    shot(page, "plan-k8s")
    assert problems == []
