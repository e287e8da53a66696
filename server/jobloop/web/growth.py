"""Growth pages: Insights, Plan (gaps, goals, profile), Network (contacts) and vCards.

Its own blueprint, joined to the tracker by add_nav and by the partials
(dashboard_growth, posting_growth, settings_growth) whose data come from the
template globals below. GETs never write; every POST carries the CSRF token
(security.py) and answers bad input by showing the same page again with the
typed values kept and the problem named.
"""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, Response, redirect, render_template, request, url_for

from ..models import WARMTH, Posting
from ..services import ServiceError, gaps, goals, insights, network, postings, profile
from ..views import app_now as _now, status_for
from . import charts
from .base import add_nav, back, form_error, refused, said
from .filters import localdate
from .forms import local_day
from .headers import content_disposition

blp = Blueprint("growth", __name__)


@blp.record_once
def _register_nav(state):
    add_nav(state.app, "Insights", "growth.insights", 50)
    add_nav(state.app, "Plan", "growth.plan", 60)
    add_nav(state.app, "Network", "growth.network", 70)


def _refused_shows(page: str, context):
    """On a ServiceError, `page` again (context(*view args)) with the reason and what was typed."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except ServiceError as err:
                return form_error(page, err.message, http_status=status_for(err), **context(*args, **kwargs))
        return wrapper
    return decorate


# ---- template globals for the partials --------------------------------------------

@blp.app_template_global("growth_dashboard")
def growth_dashboard() -> dict:
    now = _now()
    flight = insights.in_flight(insights.targets()["in_flight_target"])
    # Due goals first (overdue or within a week), then the next open ones: a goal
    # just made from a gap shows here at once, with its date.
    open_goals = goals.open_goals()
    due = goals.due(now, among=open_goals)
    rest = [g for g in open_goals if g not in due]
    return {"now": now, "in_flight": flight, "goals": (due + rest)[:max(5, len(due))], "status": goals.status,
            "contacts": network.due(now), "top_gaps": gaps.top(3)}


@blp.app_template_global("growth_posting")
def growth_posting(posting: Posting) -> dict:
    return {"skills": profile.posting_skills(posting), "contacts": network.posting_contacts(posting),
            "goal_skills": {profile.key(g.skill) for g in goals.open_goals() if g.skill},
            "default_deadline": goals.default_deadline(_now())}


@blp.app_template_global("growth_settings")
def growth_settings() -> dict:
    return {"cadence": network.cadence(), "targets": insights.targets(), "warmth": WARMTH}


# ---- Insights -----------------------------------------------------------------------

def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _days(value) -> str:
    return "—" if value is None else f"{value:.1f} d"


@blp.route("/insights", endpoint="insights")
def insights_page():
    data = insights.summary(now=_now())
    funnel_rows = [(s["label"], s["count"], None if s["conversion"] is None else f"{_pct(s['conversion'])} of previous")
                   for s in data["funnel"]]
    source_rows = [(r["source"], round((r["response_rate"] or 0) * 100), f"{r['responded']} of {r['applied']}")
                   for r in data["by_source"]]
    end_rows = [(r["reached"], r["total"], None) for r in data["endings"]["rows"]]
    week_rows = [(w["week_start"].strftime("%d %b"), w["count"]) for w in data["weekly"]]
    figures = {
        "funnel": charts.hbars(funnel_rows, title="Funnel: saved, applied, any response, interview, offer", css="funnel"),
        "sources": charts.hbars(source_rows, title="Response rate (%) by source site", css="sources", unit="%"),
        "endings": charts.hbars(end_rows, title="Stage reached before an application ended", css="endings"),
        "weekly": charts.columns(week_rows, target=data["weekly_target"], title="Applications per week against the weekly target"),
        "in_flight": charts.gauge(data["in_flight"]["count"], data["in_flight"]["target"],
                                  title="Applications in flight against the target"),
    }
    return render_template("growth/insights.html", data=data, charts=figures, pct=_pct, days=_days)


# ---- Plan: gaps, goals, profile -----------------------------------------------------

PLAN = "growth/plan.html"


def _plan(*_, **__) -> dict:
    now = _now()
    return dict(gaps=gaps.plan(), counts=gaps.group_counts(),
                open_goals=goals.open_goals(), done_goals=goals.done_goals(),
                skills=profile.skills(), shown=profile.shown, levels=profile.LEVELS, status=goals.status,
                default_deadline=goals.default_deadline(now), weeks=goals.DEFAULT_WEEKS, now=now)


@blp.route("/plan")
def plan():
    return render_template(PLAN, form={}, error=None, **_plan())


@blp.post("/plan/skills")
@_refused_shows(PLAN, _plan)
def add_skill():
    skill = profile.set_skill(request.form.get("name", ""), request.form.get("level", 3))
    said(f"{skill.name} is in your profile at level {skill.level}.")
    return back(url_for(".plan") + "#profile")


@blp.post("/plan/skills/remove")
@_refused_shows(PLAN, _plan)
def remove_skill():
    profile.remove_skill(request.form.get("name", ""))
    said("Removed from your profile.")
    return back(url_for(".plan") + "#profile")


@blp.post("/plan/gaps/dismiss")
@_refused_shows(PLAN, _plan)
def dismiss_gap():
    name = gaps.dismiss(request.form.get("skill", ""))
    said(f"{name} is left out of your plan. Show dismissed, below the gaps, brings it back.")
    return back(url_for(".plan") + "#gaps")


@blp.post("/plan/gaps/undismiss")
@_refused_shows(PLAN, _plan)
def undismiss_gap():
    name = gaps.undismiss(request.form.get("skill", ""))
    said(f"{name} is back in your plan.")
    return back(url_for(".plan") + "#gaps")


@blp.post("/plan/goals")
@_refused_shows(PLAN, _plan)
def add_goal():
    form = request.form
    if form.get("title", "").strip():
        goal = goals.create(form["title"], skill=form.get("skill") or None, deadline=form.get("deadline") or None,
                            now=_now())
    else:
        goal = goals.from_gap(form.get("skill", ""), deadline=form.get("deadline") or None, now=_now())
    said(f"Goal: {goal.title}, by {goal.deadline.isoformat() if goal.deadline else 'no date'}.")
    return back(url_for(".plan") + f"#goal-{goal.id}")


@blp.post("/plan/goals/<int:goal_id>")
@_refused_shows(PLAN, _plan)
def edit_goal(goal_id: int):
    goal = goals.get(goal_id)
    goals.update(goal, title=request.form.get("title"), deadline=request.form.get("deadline"))
    if request.form.get("progress", "").strip():
        goals.add_progress(goal, request.form["progress"], now=_now())
    said("Goal saved.")
    return back(url_for(".plan") + f"#goal-{goal.id}")


@blp.post("/plan/goals/<int:goal_id>/done")
@_refused_shows(PLAN, _plan)
def finish_goal(goal_id: int):
    goal = goals.complete(goals.get(goal_id), add_to_profile=bool(request.form.get("add_to_profile")), now=_now())
    extra = f" {goal.skill} is in your profile." if goal.skill and request.form.get("add_to_profile") else ""
    said(f"Done: {goal.title}.{extra}")
    return back(url_for(".plan") + "#goals")


@blp.post("/plan/goals/<int:goal_id>/reopen")
@_refused_shows(PLAN, _plan)
def reopen_goal(goal_id: int):
    goals.reopen(goals.get(goal_id))
    return back(url_for(".plan") + f"#goal-{goal_id}")


@blp.post("/plan/goals/<int:goal_id>/delete")
@_refused_shows(PLAN, _plan)
def delete_goal(goal_id: int):
    goals.delete(goals.get(goal_id))
    said("Goal deleted.")
    return back(url_for(".plan") + "#goals")


# ---- Network --------------------------------------------------------------------------

CONTACT_FORM = ("name", "role", "company", "email", "linkedin_url", "how_met", "warmth", "notes")


NETWORK, CONTACT = "growth/network.html", "growth/contact.html"


def _network(*_, **__) -> dict:
    now = _now()
    days = network.cadence()  # read once for every row's next touch
    return dict(contacts=network.contacts(), due=network.due(now), next_touch=lambda c: network.next_touch_at(c, days),
                cadence=days, warmth=WARMTH, now=now)


def _contact(contact_id=None, **__) -> dict:
    contact = network.get(contact_id)
    linked = network.linked_postings(contact)
    linked_ids = {p.id for p in linked}
    # A menu of titles: their descriptions stay unread (200 of them were most of the page's time).
    choices = [p for p in postings.search(limit=200, columns=postings.LIST_COLUMNS) if p.id not in linked_ids]
    return dict(contact=contact, linked=linked, choices=choices,
                next_touch=network.next_touch_at(contact), warmth=WARMTH, now=_now())


@blp.route("/network", endpoint="network")
def network_page():
    return render_template(NETWORK, form={}, error=None, **_network())


@blp.post("/network")
@_refused_shows(NETWORK, _network)
def add_contact():
    values = {k: request.form.get(k, "") for k in CONTACT_FORM if k in request.form}
    contact = network.create(now=_now(), **values)
    said(f"{contact.name} added.")
    return redirect(url_for(".contact", contact_id=contact.id))


@blp.route("/contacts/<int:contact_id>")
def contact(contact_id: int):
    return render_template(CONTACT, form={}, error=None, **_contact(contact_id))


@blp.post("/contacts/<int:contact_id>")
@_refused_shows(CONTACT, _contact)
def edit_contact(contact_id: int):
    values = {k: request.form.get(k, "") for k in CONTACT_FORM if k in request.form}
    network.update(network.get(contact_id), now=_now(), **values)
    said("Contact saved.")
    return redirect(url_for(".contact", contact_id=contact_id))


@blp.post("/contacts/<int:contact_id>/touch")
@_refused_shows(CONTACT, _contact)
def touch(contact_id: int):
    contact = network.get(contact_id)
    at = local_day(request.form.get("date"), _now())
    network.log_touch(contact, request.form.get("note", ""), at=at, now=_now())
    said(f"Logged: in touch with {contact.name}. Next touch by {localdate(network.next_touch_at(contact))}.")
    return back(url_for(".contact", contact_id=contact_id))


@blp.post("/contacts/<int:contact_id>/delete")
@_refused_shows(CONTACT, _contact)
def delete_contact(contact_id: int):
    contact = network.get(contact_id)
    network.delete(contact)
    said(f"{contact.name} deleted.")
    return redirect(url_for(".network"))


@blp.post("/contacts/<int:contact_id>/link")
@_refused_shows(CONTACT, _contact)
def link_contact(contact_id: int):
    contact = network.get(contact_id)
    try:
        posting_id = int(request.form.get("posting_id", ""))
    except ValueError:
        raise ServiceError("pick a posting to link", code="invalid") from None
    network.link(contact, postings.get(posting_id))
    return back(url_for(".contact", contact_id=contact_id))


@blp.post("/contacts/<int:contact_id>/unlink/<int:posting_id>")
@_refused_shows(CONTACT, _contact)
def unlink_contact(contact_id: int, posting_id: int):
    network.unlink(network.get(contact_id), postings.get(posting_id))
    return back(url_for(".contact", contact_id=contact_id))


@blp.post("/growth/postings/<int:posting_id>/contacts")
def posting_contact(posting_id: int):
    """The posting page's "who is the recruiter?" form."""
    posting = postings.get(posting_id)
    back = url_for("web.posting", posting_id=posting_id) + "#people"
    try:
        contact, created = network.attach_to_posting(posting, name=request.form.get("name", ""),
                                                     email=request.form.get("email") or None,
                                                     role=request.form.get("role") or None, now=_now())
    except ServiceError as err:
        refused(f"Contact not added: {err.message}")
        return redirect(back)
    said(f"{contact.name} {'added and ' if created else ''}linked to this posting.")
    return redirect(back)


@blp.route("/contacts/<int:contact_id>.vcf")
def contact_vcard(contact_id: int):
    contact = network.get(contact_id)
    name = " ".join(contact.name.replace("/", " ").replace("\\", " ").split()) or "contact"
    return Response(network.vcard(contact), mimetype="text/vcard",
                    headers={"Content-Disposition": content_disposition(f"{name}.vcf", fallback="contact")})


# ---- settings ---------------------------------------------------------------------------

@blp.post("/settings/growth")
def save_settings():
    form = request.form
    targets = {k: form[k] for k in ("weekly_target", "in_flight_target") if form.get(k)}
    cadence = {w: form[f"cadence_{w}"] for w in WARMTH if form.get(f"cadence_{w}")}
    try:
        network.CADENCE.check(cadence)  # one form: a bad cadence saves no target either
        insights.set_targets(**targets)
        network.set_cadence(cadence, now=_now())
    except ServiceError as err:
        refused(f"Not saved: {err.message}")
        return redirect(url_for("web.settings") + "#growth")
    said("Targets and keep-in-touch cadence saved.")
    return redirect(url_for("web.settings") + "#growth")
