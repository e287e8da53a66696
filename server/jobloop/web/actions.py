"""The tracker's writes: POST only, each behind the session's CSRF token (security.py).

A plain form post gets a redirect (or the page again with the reason, keeping
what was typed); our scripts send `Accept: application/json` and get JSON.
"""
from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for

from ..clock import app_now as _now
from ..security import rotate_token
from ..services import ServiceError, pipeline, postings
from . import blp, wants_json
from .forms import FieldError, changes_from, field_text, local_datetime
from .pages import _common, render_posting


def _back(posting_id: int, default: str = "posting"):
    """Where a form returns to: a fixed set of our own pages, never a URL from the request."""
    target = request.form.get("next") or default
    if target == "board":
        return redirect(url_for("web.board", _anchor=f"card-{posting_id}"))
    if target == "table":
        return redirect(request.referrer if _same_origin(request.referrer) else url_for("web.table"))
    return redirect(url_for("web.posting", posting_id=posting_id))


def _same_origin(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


@blp.route("/postings/<int:posting_id>/edit", methods=["POST"])
def edit_posting(posting_id: int):
    posting = postings.get(posting_id)
    try:
        changes = changes_from(request.form, postings.EDITABLE)
        if not changes:
            raise ServiceError("nothing to change", code="empty_edit")
        postings.update(posting, changes, now=_now())
    except FieldError as err:
        if wants_json():
            raise  # the one error handler answers a script with the API's shape, field included
        values = {k: request.form.get(k, "") for k in postings.EDITABLE if k in request.form}
        return render_posting(posting, status=422, errors={err.field: err.message}, values=values)
    posting = postings.get(posting_id)
    if wants_json():
        return jsonify({"values": {name: field_text(posting, name) for name in changes},
                        "user_edited": posting.user_edited})
    flash("Saved. Your edit is kept when the page is clipped again.", "ok")
    return redirect(url_for("web.posting", posting_id=posting_id))


@blp.route("/postings/<int:posting_id>/stage", methods=["POST"])
def change_stage(posting_id: int):
    posting = postings.get(posting_id)
    stage = request.form.get("stage", "")
    at = local_datetime(request.form.get("at"))
    event = pipeline.change_stage(posting, stage, at=at, note=request.form.get("note", "").strip(), now=_now())
    posting = postings.get(posting_id)
    if wants_json():
        return jsonify({"stage": posting.stage, "event": {"id": event.id, "to_stage": event.to_stage}})
    if posting.stage != stage:
        flash(f"Recorded the move to {stage} on that date; a later change keeps it at {posting.stage}.", "ok")
    else:
        flash(f"Moved to {stage}.", "ok")
    return _back(posting_id)


@blp.route("/postings/<int:posting_id>/notes", methods=["POST"])
def add_note(posting_id: int):
    posting = postings.get(posting_id)
    pipeline.add_note(posting, request.form.get("note", "").strip(),
                      at=local_datetime(request.form.get("at")), now=_now())
    flash("Note added.", "ok")
    return _back(posting_id)


@blp.route("/postings/<int:posting_id>/delete", methods=["POST"])
def delete_posting(posting_id: int):
    posting = postings.get(posting_id)
    if request.form.get("confirm") != "yes":
        raise ServiceError("deleting needs the confirmation box ticked", code="unconfirmed")
    name = posting.title or posting.url
    postings.delete(posting)
    flash(f"Deleted \u201c{name}\u201d and its timeline.", "ok")
    return redirect(url_for("web.table"))


MANUAL_FIELDS = ("title", "company", "locations", "remote", "employment_type", "salary_min", "salary_max",
                 "salary_currency", "salary_period", "apply_url", "notes", "description_text")


@blp.route("/postings/new", methods=["POST"])
def create_posting():
    form = request.form
    values = {k: form.get(k, "") for k in (*MANUAL_FIELDS, "url", "stage", "at")}
    try:
        fields = changes_from(form, MANUAL_FIELDS)
        posting = postings.create_manual(form.get("url", ""), fields, stage=form.get("stage") or "saved",
                                         at=local_datetime(form.get("at")), now=_now())
    except postings.Duplicate as err:
        return render_template("posting_new.html", values=values, error=err.message, duplicate=err.posting,
                               **_common()), 409
    except ServiceError as err:
        return render_template("posting_new.html", values=values, error=err.message, duplicate=None,
                               **_common()), 422
    flash("Added. Clip the page later and jobloop fills in what you left out.", "ok")
    return redirect(url_for("web.posting", posting_id=posting.id))


@blp.route("/settings/token", methods=["POST"])
def rotate():
    rotate_token(current_app.config["JOBLOOP"].data_dir)
    flash("New token made. The old one stops working now: paste the new one into the extension's options.", "ok")
    return redirect(url_for("web.settings", _anchor="token"))
