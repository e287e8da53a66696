"""The tracker's writes: POST only, each behind the session's CSRF token (security.py).

A plain form post gets a redirect (or the page again with the reason, keeping
what was typed); our scripts send `Accept: application/json` and get JSON.
"""
from __future__ import annotations

from flask import current_app, jsonify, redirect, request, url_for

from ..clock import utc_to_local
from ..db import database
from ..security import rotate_token
from ..services import ServiceError, documents, pipeline, postings
from ..stages import CLOSED, ENDINGS
from ..views import app_now as _now
from .base import back, blp, form_error, said, wants_json
from .forms import FieldError, changes_from, field_text, local_datetime, local_day
from .pages import _common, render_posting


def _return_to(posting_id: int) -> str:
    """Where back() goes when `next` is not a path: the page the form names ("board", "table"), else the posting."""
    target = request.form.get("next")
    if target == "board":
        # A card moved into the folded Ended column: show it there, open.
        ended = request.form.get("stage") in CLOSED or None
        return url_for("web.board", ended=ended and 1, _anchor=f"card-{posting_id}")
    if target == "table":
        return request.referrer if _same_origin(request.referrer) else url_for("web.table")
    return url_for("web.posting", posting_id=posting_id)


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
    said("Saved. Your edit is kept when the page is clipped again.")
    return redirect(url_for("web.posting", posting_id=posting_id))


@blp.route("/postings/<int:posting_id>/stage", methods=["POST"])
def change_stage(posting_id: int):
    posting = postings.get(posting_id)
    stage = request.form.get("stage", "")
    now = _now()
    # The board's card menu sends a day ("on": today means now); the posting page a date and time.
    on = request.form.get("on", "").strip()
    at = local_day(on, now, "On") if on else local_datetime(request.form.get("at"))
    event = pipeline.change_stage(posting, stage, at=at, note=request.form.get("note", "").strip(), now=now)
    posting = postings.get(posting_id)
    if wants_json():
        return jsonify({"stage": posting.stage, "event": {"id": event.id, "to_stage": event.to_stage}})
    if posting.stage != stage:
        said(f"Recorded {stage} on that date; the application stays at {posting.stage}, "
             f"which it reached {'later' if posting.stage in ENDINGS else 'already'}.")
    else:
        said(f"Moved to {stage}.")
    return back(_return_to(posting_id))


@blp.route("/postings/<int:posting_id>/applied", methods=["POST"])
def set_applied(posting_id: int):
    """The "applied on" field: moves the applied event (and the check-in made from it)."""
    posting = postings.get(posting_id)
    now = _now()
    at = local_day(request.form.get("applied_on"), now, "Applied on")
    if at is None:
        raise ServiceError("Applied on: pick a date", code="invalid_date")
    pipeline.set_applied_on(posting, at, now=now)
    said("Applied date saved; the check-in counts from it.")
    return back(_return_to(posting_id))


@blp.route("/postings/<int:posting_id>/events/<int:event_id>/edit", methods=["POST"])
def edit_event(posting_id: int, event_id: int):
    """Correct an event's date or note; the edit is recorded on the event."""
    event = pipeline.get_event(postings.get(posting_id), event_id)
    form = request.form
    # The form shows the time to the minute: sent back unchanged, the date was not edited.
    shown = utc_to_local(event.at).strftime("%Y-%m-%dT%H:%M")
    at = None if (form.get("at") or "").strip() == shown else local_datetime(form.get("at"))
    pipeline.edit_event(event, at=at, note=form["note"] if "note" in form else None, now=_now())
    said("Event corrected; the stage and follow-ups follow it.")
    return redirect(url_for("web.posting", posting_id=posting_id, _anchor="h-timeline"))


@blp.route("/postings/<int:posting_id>/events/<int:event_id>/delete", methods=["POST"])
def delete_event(posting_id: int, event_id: int):
    event = pipeline.get_event(postings.get(posting_id), event_id)
    if request.form.get("confirm") != "yes":
        raise ServiceError("removing an event needs the confirmation box ticked", code="unconfirmed")
    pipeline.delete_event(event, now=_now())
    said("Event removed; the timeline notes the correction.")
    return redirect(url_for("web.posting", posting_id=posting_id, _anchor="h-timeline"))


@blp.route("/postings/<int:posting_id>/notes", methods=["POST"])
def add_note(posting_id: int):
    posting = postings.get(posting_id)
    pipeline.add_note(posting, request.form.get("note", "").strip(),
                      at=local_datetime(request.form.get("at")), now=_now())
    said("Note added.")
    return back(_return_to(posting_id))


@blp.route("/postings/<int:posting_id>/delete", methods=["POST"])
def delete_posting(posting_id: int):
    posting = postings.get(posting_id)
    if request.form.get("confirm") != "yes":
        raise ServiceError("deleting needs the confirmation box ticked", code="unconfirmed")
    name = posting.title or posting.url
    postings.delete(posting)
    dropped = documents.delete_unused(documents.folder_of(current_app.config["JOBLOOP"].data_dir),
                                      [int(v) for v in request.form.getlist("delete_document") if v.isdigit() and len(v) < 16])
    said(f"Deleted \u201c{name}\u201d and its timeline" + (f", and {', '.join(dropped)}." if dropped else "."))
    return redirect(url_for("web.table"))


MANUAL_FIELDS = ("title", "company", "locations", "remote", "employment_type", "salary_min", "salary_max",
                 "salary_currency", "salary_period", "apply_url", "notes", "description_text")


@blp.route("/postings/new", methods=["POST"])
def create_posting():
    form = request.form
    values = {k: form.get(k, "") for k in (*MANUAL_FIELDS, "url", "stage", "at", "applied_on")}
    now = _now()
    try:
        fields = changes_from(form, MANUAL_FIELDS)
        applied_at = local_day(form.get("applied_on"), now, "Applied on")
        if applied_at is not None and applied_at > now:
            raise ServiceError("Applied on: a date in the future", code="future_date")
        with database.atomic():
            posting = postings.create_manual(form.get("url", ""), fields, stage=form.get("stage") or "saved",
                                             at=local_datetime(form.get("at")), now=now)
            if applied_at is not None:
                pipeline.set_applied_on(posting, applied_at, now=now)
    except postings.Duplicate as err:
        return form_error("posting_new.html", err.message, http_status=409, values=values, duplicate=err.posting,
                          **_common())
    except ServiceError as err:
        return form_error("posting_new.html", err.message, values=values, duplicate=None, **_common())
    said("Added. Clip the page later and jobloop fills in what you left out.")
    return redirect(url_for("web.posting", posting_id=posting.id))


@blp.route("/settings/token", methods=["POST"])
def rotate():
    rotate_token(current_app.config["JOBLOOP"].data_dir)
    said("New token made. The old one stops working now: paste the new one into the extension's options.")
    return redirect(url_for("web.settings", _anchor="token"))
