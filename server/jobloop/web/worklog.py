"""The work-search log page (print-ready), its PDF and CSV downloads, and "how you applied".

Its own blueprint, joined to the tracker by add_nav and by the posting page's
partials/posting_documents.html (template global `worklog_posting`). The period and
the column set are query parameters, so a printed or downloaded log is a link.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, render_template, request, url_for

from ..models import Posting
from ..services import ServiceError, postings, worklog, worklog_pdf
from ..services.pipeline import applied_event
from ..views import app_now, status_for
from .base import add_nav, back, said
from .forms import local_date
from .headers import content_disposition

blp = Blueprint("worklog", __name__)


@blp.record_once
def _register_nav(state):
    add_nav(state.app, "Work log", "worklog.page", 45)


def _query() -> dict[str, str]:
    return {k: request.args.get(k, "").strip() for k in ("from", "to", "preset")}


def _log() -> tuple[worklog.Log, worklog.Preset]:
    args = _query()
    p = worklog.preset(args["preset"] or None)
    start, end = local_date(args["from"], "From"), local_date(args["to"], "To")
    return worklog.build(start, end, app_now()), p


@blp.route("/worklog")
def page():
    args = _query()
    try:
        log, p = _log()
    except ServiceError as err:
        return render_template("worklog.html", log=None, preset=worklog.PRESETS["jobloop"], error=err.message,
                               args=args, presets=worklog.PRESETS, person=worklog.person(),
                               shift=None, links=None), status_for(err)
    links = {"from": log.start.isoformat(), "to": log.end.isoformat(), "preset": p.key}
    return render_template("worklog.html", log=log, preset=p, args=args, links=links, presets=worklog.PRESETS,
                           shift=_shift(log), person=worklog.person(), error=None)


def _shift(log: worklog.Log) -> dict[str, dict[str, str]]:
    """The period before and after, as long as this one (the previous week from last week)."""
    span = (log.end - log.start).days + 1
    return {name: {"from": (log.start + timedelta(days=d)).isoformat(),
                   "to": (log.end + timedelta(days=d)).isoformat()}
            for name, d in (("earlier", -span), ("later", span))}


def _name(log: worklog.Log, p: worklog.Preset, ext: str) -> str:
    return f"{p.title.lower().replace(' ', '-')}-{log.start.isoformat()}-{log.end.isoformat()}.{ext}"


@blp.route("/worklog.csv")
def csv_download():
    log, p = _log()
    return Response(worklog.to_csv(log, p), mimetype="text/csv", headers={
        "Content-Disposition": content_disposition(_name(log, p, "csv")), "Cache-Control": "no-store"})


@blp.route("/worklog.pdf")
def pdf_download():
    log, p = _log()
    body = worklog_pdf.render(log, p, made_on=app_now().date().isoformat())
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": content_disposition(_name(log, p, "pdf"), kind="inline"),
        "Cache-Control": "no-store"})


@blp.route("/worklog/person", methods=["POST"])
def save_person():
    worklog.save_person(request.form.get("name", ""), request.form.get("reference", ""))
    said("Saved: the log's header shows it.")
    return back(url_for("worklog.page"))


@blp.route("/postings/<int:posting_id>/how", methods=["POST"])
def set_how(posting_id: int):
    worklog.set_how(postings.get(posting_id), request.form.get("how", ""), now=app_now())
    said("Saved how you applied.")
    return back(url_for("web.posting", posting_id=posting_id, _anchor="sent"))


@blp.app_template_global("worklog_posting")
def worklog_posting(posting: Posting) -> dict:
    event = applied_event(posting)
    return {"applied": event, "how": worklog.how_applied(posting, event),
            "said": (event.details or {}).get("how") if event is not None else None,
            "choices": worklog.HOW}
