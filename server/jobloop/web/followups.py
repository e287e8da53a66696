"""Tracker pages for follow-ups, reflections, interviews and the calendar feed.

The dashboard, posting and settings pages belong to the tracker blueprint; this
feature joins them through partials (partials/dashboard_today.html, …) fed by the
context functions below, which read the app's clock so tests can fix the time.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import (Blueprint, Response, abort, flash, redirect, render_template, request,
                   url_for)

from ..clock import app_now as _now, local_to_utc, utc_to_local
from ..models import ENDINGS
from ..services import ServiceError, calendar, followups, messages, postings, reflection
from ..services.bounds import MAX_TEXT, check_date
from . import add_nav

blp = Blueprint("followups", __name__)
TODAY_LIMIT = 8    # items on the dashboard card
PAGE_LIMIT = 100   # items per list on /followups


@blp.record_once
def _register_nav(state):
    add_nav(state.app, "Follow-ups", "followups.index", 40)


@blp.app_template_filter("local_dt")
def local_dt(value: datetime | None) -> str:
    if not value:
        return ""
    local = utc_to_local(value)
    return f"{local:%a} {local.day} {local:%b, %H:%M}"  # "Mon 2 Mar, 10:00" (no %-d: not portable)


def _back(default: str) -> Response:
    """Redirect to the page the form came from, if it is one of ours."""
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = default
    return redirect(target, code=303)


def _form_error(message: str, back: str):
    # A page of its own rather than a flash: the tracker's pages may not show flashes.
    return render_template("followups/form_error.html", message=message, back=back), 422


def _form_datetime(day_field: str, time_field: str, *, default_time: time | None = None) -> datetime:
    """A local date and time from a form, as naive UTC; a clear error when missing or malformed."""
    try:
        day = date.fromisoformat(request.form.get(day_field, "").strip())
    except ValueError:
        raise ServiceError("pick a date", code="invalid_date") from None
    raw = request.form.get(time_field, "").strip()
    try:
        clock = time.fromisoformat(raw) if raw else default_time
    except ValueError:
        raise ServiceError("pick a time", code="invalid_date") from None
    if clock is None:
        raise ServiceError("pick a time", code="invalid_date")
    return local_to_utc(check_date(datetime.combine(day, clock), day_field))  # checked before converting


# ---- what the partials read ---------------------------------------------------------------

@blp.app_context_processor
def _partials():
    def followups_today():
        # A few at a time: a long backlog is a list page, not a dashboard card.
        now = _now()
        return {"now": now,
                "followups": followups.to_dicts(followups.due(now, limit=TODAY_LIMIT), now),
                "due_count": followups.count_due(now),
                "reflections": [reflection.to_dict(r, now) for r in reflection.due(now, limit=TODAY_LIMIT)],
                "reflections_count": reflection.count_due(now)}

    def posting_followups(posting):
        now = _now()
        return {
            "now": now,
            "followups": followups.to_dicts(followups.for_posting(posting), now),
            "reflections": [reflection.to_dict(r, now) for r in reflection.for_posting(posting)],
            "interviews": followups.interviews(posting=posting),
            "interview_kinds": followups.INTERVIEW_KINDS,
            "messages": _all_messages(posting),
            "ended": posting.stage in ENDINGS,
        }

    def followups_settings():
        return {"rules": followups.rules(), "templates": messages.templates(),
                "signature": messages.signature(), "feed_url": _feed_url()}

    return {"followups_today": followups_today, "posting_followups": posting_followups,
            "followups_settings": followups_settings}


def _all_messages(posting) -> list[dict]:
    renderer = messages.Renderer([posting])
    return [dict(renderer.render(kind, posting=posting), label=t["label"]) for kind, t in renderer.templates.items()]


def _feed_url() -> str:
    return url_for("followups.calendar_feed", secret=calendar.secret(), _external=True)


# ---- follow-ups -----------------------------------------------------------------------------

@blp.route("/followups")
def index():
    now = _now()
    return render_template(
        "followups/index.html", now=now,
        due=followups.to_dicts(followups.due(now, limit=PAGE_LIMIT), now),
        due_count=followups.count_due(now),
        upcoming=followups.to_dicts(followups.upcoming(now, days=60, limit=PAGE_LIMIT), now),
        reflections=[reflection.to_dict(r, now) for r in reflection.due(now, limit=PAGE_LIMIT)],
    )


@blp.route("/followups/<int:followup_id>/<action>", methods=["POST"])
def act(followup_id: int, action: str):
    now = _now()
    followup = followups.get(followup_id)
    try:
        if action == "done":
            followups.complete(followup, now)
        elif action == "dismiss":
            followups.dismiss(followup, now)
        elif action == "snooze":
            days = request.form.get("days", "1")
            if days not in {"1", "3", "7", "14", "30"}:
                raise ServiceError("snooze for 1, 3, 7, 14 or 30 days", code="invalid")
            followups.snooze(followup, now + timedelta(days=int(days)), now)
        elif action == "ghosted":
            followups.confirm_ghosted(followup, now)
        else:
            abort(404)
    except ServiceError as err:
        return _form_error(err.message, url_for("followups.index"))
    return _back(url_for("followups.index"))


@blp.route("/followups/settings", methods=["GET", "POST"])
def settings():
    if request.method == "POST":
        try:
            followups.save_rules({k: request.form[k] for k in followups.DEFAULT_RULES if k in request.form})
            messages.save_templates({kind: {"subject": request.form.get(f"{kind}.subject", ""),
                                            "body": request.form.get(f"{kind}.body", "")}
                                     for kind in messages.DEFAULT_TEMPLATES if f"{kind}.body" in request.form})
            if "signature" in request.form:
                messages.set_setting(messages.SIGNATURE_KEY, request.form["signature"].strip()[:500])
            flash("Saved.", "ok")
        except ServiceError as err:
            # Nothing was saved past the error; the form shows it so the user can fix the value.
            return render_template("followups/settings.html", error=err.message), 422
        return _back(url_for("followups.settings"))
    return render_template("followups/settings.html")


@blp.route("/followups/calendar/regenerate", methods=["POST"])
def regenerate_calendar():
    calendar.regenerate()
    flash("New calendar address made; the old one no longer works.", "ok")
    return _back(url_for("followups.settings"))


@blp.route("/calendar/<secret>.ics")
def calendar_feed(secret: str):
    # No token here (calendar apps cannot send one): the secret in the URL is the guard.
    if not calendar.secret_matches(secret):
        abort(404)
    body = calendar.feed(_now(), tracker_url=request.host_url.rstrip("/"))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="jobloop.ics"', "Cache-Control": "no-store"})


# ---- reflections -------------------------------------------------------------------------------

@blp.route("/reflections")
def reflections():
    now = _now()
    q = request.args.get("q", "")[:200]
    rows = reflection.search(q)
    return render_template("followups/reflections.html", q=q,
                           reflections=[reflection.to_dict(r, now) for r in rows])


@blp.route("/reflections/<int:reflection_id>", methods=["GET", "POST"])
def reflection_page(reflection_id: int):
    row = reflection.get(reflection_id)
    error = None
    if request.method == "POST":
        fields = ("stage_reached", "went_well", "to_improve", "feedback", "confidence")
        try:
            reflection.update(row, {f: request.form[f] for f in fields if f in request.form}, _now())
            flash("Reflection saved.", "ok")
            return _back(url_for("followups.reflection_page", reflection_id=row.id))
        except ServiceError as err:
            error = err.message
    status = 422 if error else 200
    return render_template("followups/reflection.html", r=reflection.to_dict(row, _now()), error=error,
                           form=request.form if error else None, stages=reflection.REACHABLE), status


# ---- interviews and offers ---------------------------------------------------------------------

@blp.route("/postings/<int:posting_id>/interviews", methods=["POST"])
def log_interview(posting_id: int):
    posting = postings.get(posting_id)
    back = url_for("web.posting", posting_id=posting.id) + "#interviews"
    try:
        at = _form_datetime("date", "time")
        followups.log_interview(posting, at, kind=request.form.get("kind", "video"),
                                with_=request.form.get("with", ""), note=request.form.get("note", "")[:MAX_TEXT],
                                duration_minutes=int(request.form.get("duration_minutes") or 60), now=_now())
    except (ServiceError, ValueError) as err:
        return _form_error(getattr(err, "message", "duration: a number of minutes"), back)
    return redirect(back, code=303)


@blp.route("/postings/<int:posting_id>/offer-deadline", methods=["POST"])
def offer_deadline(posting_id: int):
    posting = postings.get(posting_id)
    try:
        followups.set_offer_deadline(posting, _form_datetime("date", "time", default_time=time(17, 0)), _now())
    except ServiceError as err:
        return _form_error(err.message, url_for("web.posting", posting_id=posting.id))
    return redirect(url_for("web.posting", posting_id=posting.id) + "#followups", code=303)
