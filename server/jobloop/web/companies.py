"""Companies pages: every employer met, one employer's history (applications, feedback,
reflections, contacts, notes, open follow-ups), merges and target companies.

Its own blueprint, joined to the tracker by add_nav and by the partials
posting_company (history and fit under a posting's company name) and dashboard_companies
(targets with no application yet), whose data come from the template globals below.
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ..models import Posting
from ..services import ServiceError, companies
from ..views import app_now as _now, status_for
from .base import add_nav, back, form_error, said

blp = Blueprint("companies", __name__)
LIST, PAGE = "companies/list.html", "companies/company.html"


@blp.record_once
def _register_nav(state):
    add_nav(state.app, "Companies", "companies.listing", 65)


# ---- template globals for the partials ------------------------------------------------

@blp.app_template_global("company_posting")
def company_posting(posting: Posting) -> dict:
    """Under a posting's company name: the link, the history in two lines, the fit line."""
    fit = companies.fit(posting.skills)
    head = companies.head_of(posting.company) if posting.company_id else None
    lines = []
    if head is not None:
        now = _now()
        lines = companies.brief_history(head, now, exclude=posting.id)
    return {"company": head, "lines": lines, "fit": fit,
            "target": companies.target_of(head) if head is not None else None}


@blp.app_template_global("company_dashboard")
def company_dashboard() -> dict:
    now = _now()
    return {"targets": [t for t in companies.targets() if not t["applied"]], "now": now}


# ---- pages ---------------------------------------------------------------------------------

def _listing(*_, **__) -> dict:
    return {"rows": companies.listing(), "targets": companies.targets(), "priorities": companies.PRIORITIES}


def _page(company_id: int, **__) -> dict:
    head = companies.get(company_id)
    now = _now()
    data = companies.history(head, now)
    others = [c for c in companies.listing() if c["id"] != head.id]
    return {"head": head, "data": data, "lines": companies.summary(data, now), "others": others,
            "aliases": companies.aliases(head),
            "target": companies.target_of(head), "priorities": companies.PRIORITIES, "now": now}


@blp.route("/companies", endpoint="listing")
def listing():
    return render_template(LIST, form={}, error=None, **_listing())


@blp.route("/companies/<int:company_id>", endpoint="company")
def company(company_id: int):
    head = companies.get(company_id)
    if head.id != company_id:  # another name of a merged company: its page is the company's
        return redirect(url_for(".company", company_id=head.id))
    return render_template(PAGE, form={}, error=None, **_page(company_id))


@blp.post("/companies/<int:company_id>/notes")
def notes(company_id: int):
    head = companies.get(company_id)
    try:
        companies.set_notes(head, request.form.get("notes", ""))
    except ServiceError as err:
        return form_error(PAGE, err.message, http_status=status_for(err), **_page(company_id))
    said("Notes saved.")
    return back(url_for(".company", company_id=head.id) + "#notes")


@blp.post("/companies/<int:company_id>/merge")
def merge(company_id: int):
    head = companies.get(company_id)
    try:
        other = companies.get(int(request.form.get("other", "0") or 0))
        companies.merge(head, other)
    except (ValueError, ServiceError) as err:
        message = err.message if isinstance(err, ServiceError) else "pick the company that is the same"
        return form_error(PAGE, message, http_status=status_for(err) if isinstance(err, ServiceError) else 422,
                          **_page(company_id))
    said(f"{other.name} and {head.name} are now one company.")
    return redirect(url_for(".company", company_id=head.id))


@blp.post("/companies/<int:company_id>/separate")
def separate(company_id: int):
    """Undo a merge for one name: the name's own id in the path, as the page lists it."""
    name, left = companies.separate(company_id)
    said(f"{name.name} is a company of its own again; its postings went with it.")
    return redirect(url_for(".company", company_id=left.id) + "#names")


@blp.post("/companies/targets", endpoint="add_target")
def add_target():
    form = request.form
    try:
        target = companies.set_target(form.get("name", ""), why=form.get("why", ""),
                                      careers_url=form.get("careers_url"), priority=form.get("priority") or 2,
                                      check_weeks=form.get("check_weeks"), now=_now())
    except ServiceError as err:
        return form_error(LIST, err.message, http_status=status_for(err), **_listing())
    said(f"{target.company.name} is a target company.")
    return back(url_for(".listing") + "#targets")


@blp.post("/companies/<int:company_id>/target/remove", endpoint="remove_target")
def remove_target(company_id: int):
    head = companies.get(company_id)
    companies.remove_target(head)
    said(f"{head.name} is no longer a target.")
    return back(url_for(".listing") + "#targets")


@blp.post("/companies/<int:company_id>/target/checked", endpoint="target_checked")
def target_checked(company_id: int):
    head = companies.get(company_id)
    target = companies.checked(head, _now())
    said(f"Next look at {head.name}'s openings: in {target.check_weeks} weeks." if target.check_weeks
         else f"Noted: you looked at {head.name}'s openings.")
    return back(url_for("web.dashboard") + "#targets")
