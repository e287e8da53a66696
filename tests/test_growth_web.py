"""Growth pages through the Flask client with a fixed clock: Insights, Plan, Network, contact, vCard."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import vobject

from factories import Clock
from jobloop.models import Contact, FollowUp, Goal
from jobloop.security import CSP
from jobloop.services import goals, insights, network, profile

from factories.history import posting_with_history, seed_history

NOW = datetime(2026, 11, 30, 12, 0)


@pytest.fixture
def clock():
    return Clock(NOW)


def csrf(client, path="/plan") -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(path).text).group(1)


PAGES = ["/insights", "/plan", "/network"]


@pytest.mark.parametrize("seeded", [False, True])
def test_pages_render_without_inline_script_or_style(client, db, seeded):
    if seeded:
        seed_history(20, now=NOW)
    contact = Contact.select().first()
    for path in PAGES + ([f"/contacts/{contact.id}"] if contact else []):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["Content-Security-Policy"] == CSP
        body = r.text
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), path
        assert "<style" not in body and " style=" not in body and " on" + "click=" not in body, path


def test_nav_has_insights_plan_network_in_order(client):
    nav = client.get("/").text
    nav = nav[nav.index('<nav aria-label="Main">'):nav.index("</nav>")]
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs.index("/insights") < hrefs.index("/plan") < hrefs.index("/network") < hrefs.index("/settings")


def test_insights_page_shows_charts_and_their_numbers(client, db):
    posting_with_history(NOW - timedelta(days=9), [("applied", NOW - timedelta(days=8)),
                                                   ("rejected", NOW - timedelta(days=4))], now=NOW, source_site="indeed")
    body = client.get("/insights").text
    assert body.count("<svg") == 5 and body.count("<title id=") == 5
    funnel = body[body.index('class="data funnel-table"'):]
    funnel = funnel[:funnel.index("</table>")]
    assert re.findall(r'data-step="(\w+)"><th scope="row">[^<]+</th><td>(\d+)</td>', funnel) == [
        ("saved", "1"), ("applied", "1"), ("response", "1"), ("interview", "0"), ("offer", "0")]
    assert '<strong data-figure="response-rate">100%</strong>' in body
    assert '<strong data-figure="median-days">4.0 d</strong>' in body
    assert "0 in flight against a target of 5" in body  # the gentle note


def test_insights_page_empty(client):
    body = client.get("/insights").text
    assert body.count("<svg") == 5 and "No applications yet." in body


def test_one_click_turns_a_gap_into_a_dated_goal_shown_on_the_dashboard(client, db):
    posting_with_history(NOW - timedelta(days=9), [("applied", NOW - timedelta(days=8)),
                                                   ("rejected", NOW - timedelta(days=4))],
                         now=NOW, skills=["Kubernetes", "Python"])
    plan = client.get("/plan").text
    assert 'title="Make Kubernetes a goal, due 2027-01-25">Make it a goal<' in plan  # 8 weeks from the clock's today
    form = re.search(r'<form class="inline" method="post" action="(/plan/goals)">\s*'
                     r'<input type="hidden" name="csrf_token" value="([^"]+)">\s*'
                     r'<input type="hidden" name="skill" value="Kubernetes">', plan)
    r = client.post(form.group(1), data={"csrf_token": form.group(2), "skill": "Kubernetes"})
    assert r.status_code == 302
    [goal] = Goal.select()
    assert (goal.title, goal.skill, goal.deadline) == ("Learn Kubernetes", "Kubernetes", date(2027, 1, 25))
    assert "goal set" in client.get("/plan").text
    dash = client.get("/").text
    line = dash[dash.index(f'data-goal="{goal.id}"'):]
    assert "Learn Kubernetes" in line[:300] and "by 2027-01-25" in line[:300]
    goals.update(goal, deadline="2026-12-03")
    dash = client.get("/").text
    assert "due soon 2026-12-03" in dash[dash.index(f'data-goal="{goal.id}"'):][:400]


def test_writes_need_the_csrf_token(client, db):
    r = client.post("/plan/goals", data={"skill": "Kubernetes"})
    assert r.status_code == 403 and Goal.select().count() == 0
    r = client.post("/network", data={"name": "Dana"})
    assert r.status_code == 403 and Contact.select().count() == 0


def test_next_only_redirects_on_this_site(client, db):
    token = csrf(client)
    r = client.post("/plan/goals", data={"csrf_token": token, "skill": "Go", "next": "//evil.example/x"})
    assert r.headers["Location"].startswith("/plan")
    r = client.post("/plan/goals", data={"csrf_token": token, "skill": "Rust", "next": "/postings/1#skills"})
    assert r.headers["Location"] == "/postings/1#skills"


def test_bad_contact_input_keeps_what_was_typed(client, db):
    token = csrf(client, "/network")
    r = client.post("/network", data={"csrf_token": token, "name": "Dana Whitfield", "role": "Recruiter",
                                      "linkedin_url": "javascript:alert(1)"})
    assert r.status_code == 422
    assert "the LinkedIn URL must start with https://" in r.text
    assert 'value="Dana Whitfield"' in r.text and 'value="Recruiter"' in r.text
    assert Contact.select().count() == 0


def test_contact_lifecycle_touch_and_vcard(client, db):
    token = csrf(client, "/network")
    r = client.post("/network", data={"csrf_token": token, "name": "Dana Whitfield", "email": "dana@globex.test",
                                      "warmth": "warm", "company": "Globex"})
    contact = Contact.get()
    assert r.headers["Location"] == f"/contacts/{contact.id}"
    page = client.get(f"/contacts/{contact.id}").text
    assert "Next touch by <strong>2027-01-29</strong>" in page  # warm: 60 days
    client.post(f"/contacts/{contact.id}/touch", data={"csrf_token": token, "note": "Coffee", "date": "2026-11-28"})
    contact = Contact.get_by_id(contact.id)
    assert contact.last_contact_at == datetime(2026, 11, 28, 12, 0)
    assert FollowUp.get(FollowUp.status == "open").due_at == datetime(2027, 1, 27, 12, 0)
    r = client.post(f"/contacts/{contact.id}/touch", data={"csrf_token": token, "date": "2026-12-24"})
    assert r.status_code == 422 and "future" in r.text
    vcf = client.get(f"/contacts/{contact.id}.vcf")
    assert vcf.mimetype == "text/vcard" and 'filename="Dana-Whitfield.vcf"' in vcf.headers["Content-Disposition"]
    card = vobject.readOne(vcf.text)
    assert card.fn.value == "Dana Whitfield" and card.org.value == ["Globex"]


def test_network_page_lists_who_to_get_back_to_this_week(client, db):
    dana = network.create(name="Dana", warmth="warm", now=NOW - timedelta(days=90))
    network.log_touch(dana, at=NOW - timedelta(days=55), now=NOW)
    network.create(name="Lena", warmth="close", now=NOW - timedelta(days=2))
    body = client.get("/network").text
    due = body[body.index('id="due"'):body.index('id="h-contacts"')]
    assert "Dana" in due and "due 2026-12-05" in due and "Lena" not in due
    assert "Dana" in client.get("/").text  # the dashboard shows them too


def test_posting_page_shows_skills_against_profile_and_adds_a_recruiter(client, db):
    profile.set_skill("python", 4)
    posting = posting_with_history(NOW - timedelta(days=3), [("applied", NOW - timedelta(days=2))], now=NOW,
                                   skills=["Python", "Kubernetes"], company="Globex")
    page = client.get(f"/postings/{posting.id}").text
    assert 'class="skill-have"' in page and "Python<span class=\"visually-hidden\"> (you have it, level 4)" in page
    assert '<li class="skill-gap" title="Not in your profile">Kubernetes' in page
    assert page.count("<option>Kubernetes</option>") == 1  # one goal form for every gap, not a button per skill
    token = csrf(client, f"/postings/{posting.id}")
    r = client.post(f"/growth/postings/{posting.id}/contacts",
                    data={"csrf_token": token, "name": "Dana", "email": "dana@globex.test"})
    assert r.status_code == 302
    assert "dana@globex.test" in client.get(f"/postings/{posting.id}").text
    r = client.post(f"/growth/postings/{posting.id}/contacts", data={"csrf_token": token, "name": ""})
    assert Contact.select().count() == 1


def test_profile_and_goal_forms(client, db):
    token = csrf(client)
    client.post("/plan/skills", data={"csrf_token": token, "name": "Go", "level": "2"})
    assert profile.find("go").level == 2
    r = client.post("/plan/skills", data={"csrf_token": token, "name": "Go", "level": "9"})
    assert r.status_code == 422 and profile.find("go").level == 2
    client.post("/plan/goals", data={"csrf_token": token, "title": "Terraform course", "skill": "Terraform",
                                     "deadline": "2027-03-01"})
    goal = Goal.get()
    assert goal.deadline == date(2027, 3, 1)
    client.post(f"/plan/goals/{goal.id}", data={"csrf_token": token, "title": "Terraform course",
                                                "deadline": "2027-02-01", "progress": "Chapter 1"})
    goal = Goal.get()
    assert goal.deadline == date(2027, 2, 1) and goal.progress == "2026-11-30: Chapter 1"
    client.post(f"/plan/goals/{goal.id}/done", data={"csrf_token": token, "add_to_profile": "1"})
    assert Goal.get().done_at == NOW and profile.find("terraform") is not None
    client.post("/plan/skills/remove", data={"csrf_token": token, "name": "GO"})
    assert profile.find("go") is None


def test_settings_change_targets_and_cadence(client, db):
    assert 'name="cadence_close"' in client.get("/settings").text
    token = csrf(client, "/settings")
    r = client.post("/settings/growth", data={"csrf_token": token, "weekly_target": "8", "in_flight_target": "6",
                                              "cadence_close": "21", "cadence_warm": "45", "cadence_cold": "90"})
    assert r.status_code == 302
    assert insights.targets() == {"weekly_target": 8, "in_flight_target": 6}
    assert network.cadence() == {"cold": 90, "warm": 45, "close": 21}
    client.post("/settings/growth", data={"csrf_token": token, "cadence_close": "0"})
    assert network.cadence()["close"] == 21


def test_settings_form_with_a_bad_cadence_saves_no_target_either(client, db):
    token = csrf(client, "/settings")
    r = client.post("/settings/growth", data={"csrf_token": token, "weekly_target": "9", "cadence_close": "0"})
    assert r.status_code == 302
    assert insights.targets()["weekly_target"] == 10 and network.cadence()["close"] == 30
    assert "close cadence (days): a whole number from 1 to 3650" in client.get("/settings").text


def test_missing_contact_is_an_html_404(client):
    r = client.get("/contacts/999")
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert client.get("/contacts/999.vcf").status_code == 404


def _gap_posting(skills, path=("applied", "rejected"), title="Role"):
    steps = [(stage, NOW - timedelta(days=8 - i)) for i, stage in enumerate(path)]
    return posting_with_history(NOW - timedelta(days=9), steps, now=NOW, skills=skills, title=title)


def test_not_for_me_hides_a_gap_until_shown_again(client, db):
    _gap_posting(["Kubernetes", "Terraform"])
    token = csrf(client)
    r = client.post("/plan/gaps/dismiss", data={"csrf_token": token, "skill": "k8s"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/plan#gaps")
    plan = client.get("/plan").text
    assert 'data-skill="Kubernetes"' in plan.split('class="dismissed-gaps"')[1]  # listed as dismissed only
    assert 'data-skill="Kubernetes"' not in plan.split('class="dismissed-gaps"')[0]
    assert "Show dismissed (1)" in plan
    assert "Kubernetes" not in client.get("/").text.split("Top gaps")[1][:400]
    r = client.post("/plan/gaps/undismiss", data={"csrf_token": token, "skill": "Kubernetes"})
    assert r.status_code == 302
    plan = client.get("/plan").text
    assert 'class="dismissed-gaps"' not in plan and plan.count('data-skill="Kubernetes"') == 1
    # no name: the page again with the reason, nothing stored
    r = client.post("/plan/gaps/dismiss", data={"csrf_token": token, "skill": " "})
    assert r.status_code == 422 and "which skill" in r.text
    assert client.post("/plan/gaps/dismiss", data={"skill": "Terraform"}).status_code == 403


def test_gap_badges_and_buttons_are_quiet(client, db):
    _gap_posting(["Kubernetes"])
    _gap_posting(["GraphQL"], path=("applied",))
    plan = client.get("/plan").text
    graphql = plan[plan.index('data-skill="GraphQL"'):]
    graphql = graphql[:graphql.index("</li>")]
    assert "badge-rejected" not in graphql and "0 rejected" not in graphql  # cost no rejection: no red badge
    assert "1 in flight" in graphql
    k8s = plan[plan.index('data-skill="Kubernetes"'):]
    assert "1 rejected" in k8s[:k8s.index("</li>")]
    assert "btn-primary make-goal" not in plan and plan.count("btn btn-small make-goal") == 2


def test_a_gap_links_to_all_its_postings_in_the_table(client, db):
    made = [_gap_posting(["k8s" if i % 2 else "Kubernetes"], title=f"Role {i}") for i in range(7)]
    _gap_posting(["Terraform"], path=(), title="Saved one")
    plan = client.get("/plan").text
    k8s = plan[plan.index('data-skill="Kubernetes"'):]
    k8s = k8s[:k8s.index("</details>")]
    assert k8s.count('href="/postings/') == 5  # the newest five, then the link
    assert f'href="/postings/{made[-1].id}"' in k8s and f'href="/postings/{made[0].id}"' not in k8s
    assert 'href="/table?skill=Kubernetes"' in k8s
    table = client.get("/table?skill=k8s").text
    assert "7 postings" in table and all(f"Role {i}" in table for i in range(7))
    assert 'name="skill" value="k8s"' in table  # the filter stays on screen
    assert "1 posting" in client.get("/table?skill=terraform&q=saved").text
    assert "Nothing matches" in client.get("/table?skill=Underwater+basket+weaving").text


def _statements(client, path) -> int:
    import logging

    count = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: count.append(record)
    logger = logging.getLogger("peewee")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        assert client.get(path).status_code == 200
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return len(count)


def test_plan_and_dashboard_queries_do_not_grow_with_postings(client, db):
    skills = ["Kubernetes", "AWS", "Azure", "Terraform", "GraphQL", "Go", "Rust", "Kafka", "React", "Angular",
              "Elixir", "Scala"]

    def seed(start, n):
        for i in range(start, start + n):
            path = (("applied", "rejected"), ("applied",), ("applied", "ghosted"), ())[i % 4]
            _gap_posting([skills[(i + k) % len(skills)] for k in range(4)], path=path, title=f"Role {i}")

    seed(0, 10)
    goals.from_gap("Go", now=NOW)
    few = {path: _statements(client, path) for path in ("/plan", "/")}
    seed(10, 40)
    many = {path: _statements(client, path) for path in ("/plan", "/")}
    assert few == many, f"statements grew from 10 to 50 postings: {few} -> {many}"


def test_more_in_flight_than_the_target_reads_as_a_count_and_a_target_not_a_fraction(client, db):
    for n in range(7):
        posting_with_history(NOW - timedelta(days=5), [("applied", NOW - timedelta(days=4))], now=NOW,
                             title=f"Flying {n}")
    insights_page = client.get("/insights").text
    dashboard = client.get("/").text
    for body in (insights_page, dashboard):
        assert "7 of 5" not in re.sub(r"<[^>]+>", "", body)
    assert re.search(r'data-figure="in-flight">7</span> <span class="muted">· target 5', insights_page)
    assert "7 · target 5</text>" in insights_page  # the gauge's label
    assert '<strong data-figure="in-flight">7</strong> applications in flight · target 5' in dashboard


def test_contact_page_offers_postings_to_link_without_reading_their_descriptions(client, db):
    """The link menu names up to 200 postings; reading their descriptions was most of the page."""
    import querycount
    from factories import stored_posting

    for i in range(3):
        stored_posting("applied", title=f"Engineer {i}", company="Initech")
    person = network.create(name="Pat Recruiter", email="pat@example.test", now=datetime(2026, 11, 1))
    with querycount.counting() as log:
        page = client.get(f"/contacts/{person.id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert all(f"Engineer {i} · Initech" in body for i in range(3))
    # (The contact's own linked postings are read whole: a touch writes a note on each.)
    assert not [sql for sql, _ in log.statements if "description_html" in sql and "posting_contact" not in sql]
