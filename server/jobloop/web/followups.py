"""Tracker pages for follow-ups, reflections, interviews and the calendar feed.

The dashboard, posting and settings pages belong to the tracker blueprint; this
feature joins them through partials (partials/dashboard_today.html, …) fed by the
context functions below, which read the app's clock so tests can fix the time.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for

from ..stages import ENDINGS
from ..services import ServiceError, calendar, followups, messages, network, pipeline, postings, reflection
from ..services.bounds import MAX_TEXT
from ..views import app_now as _now
from .base import add_nav, back, form_error, said
from .forms import local_day_time

blp = Blueprint("followups", __name__)
TODAY_LIMIT = 8    # items on the dashboard card
PAGE_LIMIT = 25    # items per list and page on /followups


@blp.record_once
def _register_nav(state):
    add_nav(state.app, "Follow-ups", "followups.index", 40)


def _not_saved(message: str, back_to: str):
    # A page of its own rather than a flash: the page the form sits on may be another feature's.
    return form_error("followups/form_error.html", message, back=back_to)


def _form_datetime(day_field: str, time_field: str, *, default_time: time | None = None) -> datetime:
    """A local date and time from a form, as naive UTC; a clear error when missing or malformed."""
    return local_day_time(request.form.get(day_field), request.form.get(time_field), default_time=default_time)


# ---- what the partials read ---------------------------------------------------------------

@blp.app_template_global()
def followups_today():
    # A few at a time: a long backlog is a list page, not a dashboard card.
    now = _now()
    rows = followups.to_dicts(followups.due(now, limit=TODAY_LIMIT), now)
    return {"now": now, "followups": rows, "groups": followups.grouped(rows),
            "due_count": followups.count_due(now), "snoozed_count": followups.count_snoozed(now),
            "reflections": [reflection.to_dict(r, now) for r in reflection.due(now, limit=TODAY_LIMIT)],
            "reflections_count": reflection.count_due(now)}


@blp.app_template_global()
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


@blp.app_template_global()
def followups_settings():
    return {"rules": followups.rules(), "templates": messages.templates(),
            "signature": messages.signature(), "feed_url": _feed_url()}


@blp.app_template_global()
def message_signature() -> str:
    """The name messages are signed with ("" until the user gives one), read once per request:
    every message on a page asks whether to show the inline "sign as" form."""
    if "message_signature" not in g:
        g.message_signature = messages.signature()
    return g.message_signature


def _all_messages(posting) -> list[dict]:
    renderer = messages.Renderer([posting])
    return [dict(renderer.render(kind, posting=posting), label=t["label"]) for kind, t in renderer.templates.items()]


def _feed_url() -> str:
    return url_for("followups.calendar_feed", secret=calendar.secret(), _external=True)


# ---- follow-ups -----------------------------------------------------------------------------

def _list_page(name: str) -> int:
    # ?due=2 shows the second page of that list; anything else the first.
    value = request.args.get(name, "")
    return min(int(value), 10_000) if value.isdigit() and int(value) > 0 else 1


@blp.route("/followups")
def index():
    # Each list a page at a time, soonest first, with a link on to the next: a backlog of
    # thousands was a page of megabytes (every item carries its drafted message).
    now = _now()
    due_page, upcoming_page = _list_page("due"), _list_page("upcoming")
    due = followups.due(now, limit=PAGE_LIMIT + 1, offset=(due_page - 1) * PAGE_LIMIT)
    upcoming = followups.upcoming(now, days=60, limit=PAGE_LIMIT + 1, offset=(upcoming_page - 1) * PAGE_LIMIT)
    return render_template(
        "followups/index.html", now=now,
        due=followups.to_dicts(due[:PAGE_LIMIT], now), due_page=due_page, due_more=len(due) > PAGE_LIMIT,
        due_count=followups.count_due(now), first=(due_page - 1) * PAGE_LIMIT + 1,
        upcoming=followups.to_dicts(upcoming[:PAGE_LIMIT], now), upcoming_page=upcoming_page,
        upcoming_more=len(upcoming) > PAGE_LIMIT,
        reflections=[reflection.to_dict(r, now) for r in reflection.due(now, limit=PAGE_LIMIT)],
    )


@blp.route("/followups/<int:followup_id>/<action>", methods=["POST"])
def act(followup_id: int, action: str):
    now = _now()
    followup = followups.get(followup_id)
    try:
        if action == "done":
            network.followup_done(followup, now)
        elif action == "dismiss":
            followups.dismiss(followup, now)
        elif action == "snooze":
            days = request.form.get("days", "1")
            if days not in {"1", "3", "7", "14", "30"}:
                raise ServiceError("snooze for 1, 3, 7, 14 or 30 days", code="invalid")
            followups.snooze(followup, now + timedelta(days=int(days)), now)
        elif action == "ghosted":
            pipeline.confirm_ghosted(followup, now)
        else:
            abort(404)
    except ServiceError as err:
        return _not_saved(err.message, url_for("followups.index"))
    return back(url_for("followups.index"), code=303)


BULK_ACTIONS = ("done", "snooze_week")
BULK_MAX = 200  # more than any list shows; keeps one request's work bounded


@blp.route("/followups/bulk", methods=["POST"])
def act_on_several():
    """Done, or snoozed a week, for every ticked follow-up (the Today list); ones already
    closed are skipped and counted, so a second click changes nothing."""
    now = _now()
    action = request.form.get("action", "")
    to_dashboard = url_for("web.dashboard")
    if action not in BULK_ACTIONS:
        return _not_saved("choose Done or Snooze a week", to_dashboard)
    try:
        ids = sorted({int(raw) for raw in request.form.getlist("ids")})
    except ValueError:
        return _not_saved("the follow-ups to act on are not ids", to_dashboard)
    if not ids:
        return _not_saved("tick at least one follow-up", to_dashboard)
    if len(ids) > BULK_MAX:
        return _not_saved(f"at most {BULK_MAX} at a time", to_dashboard)
    acted = skipped = 0
    for followup_id in ids:
        try:
            followup = followups.get(followup_id)
            if action == "done":
                network.followup_done(followup, now)
            else:
                followups.snooze(followup, now + timedelta(days=7), now)
            acted += 1
        except ServiceError:
            skipped += 1
    verb = "Marked done" if action == "done" else "Snoozed for a week"
    said(f"{verb}: {acted}." + (f" {skipped} were already closed or gone." if skipped else ""))
    return back(to_dashboard, code=303)


@blp.route("/followups/settings", methods=["GET", "POST"])
def settings():
    if request.method == "POST":
        try:
            followups.save_rules({k: request.form[k] for k in followups.DEFAULT_RULES if k in request.form})
            messages.save_templates({kind: {"subject": request.form.get(f"{kind}.subject", ""),
                                            "body": request.form.get(f"{kind}.body", "")}
                                     for kind in messages.DEFAULT_TEMPLATES if f"{kind}.body" in request.form})
            if "signature" in request.form:
                messages.save_signature(request.form["signature"])
            said("Saved.")
        except ServiceError as err:
            # Nothing was saved past the error; the form shows it so the user can fix the value.
            return form_error("followups/settings.html", err.message)
        return back(url_for("followups.settings"), code=303)
    return render_template("followups/settings.html")


@blp.route("/followups/signature", methods=["POST"])
def sign_messages():
    """The inline "sign your messages as" form a message shows while no signature is set."""
    name = request.form.get("signature", "")
    if not name.strip():  # the field is required, so only a hand-made post gets here
        return _not_saved("type the name to sign your messages with", url_for("followups.index"))
    saved = messages.save_signature(name)
    said(f"Your messages are signed “{saved}” from now on (Settings can change it).")
    return back(url_for("followups.index"), code=303)


@blp.route("/followups/calendar/regenerate", methods=["POST"])
def regenerate_calendar():
    calendar.regenerate()
    said("New calendar address made; the old one no longer works.")
    return back(url_for("followups.settings"), code=303)


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
    if request.method == "POST":
        fields = ("stage_reached", "went_well", "to_improve", "feedback", "confidence")
        try:
            reflection.update(row, {f: request.form[f] for f in fields if f in request.form}, _now())
            said("Reflection saved.")
            return back(url_for("followups.reflection_page", reflection_id=row.id), code=303)
        except ServiceError as err:
            return form_error("followups/reflection.html", err.message, r=reflection.to_dict(row, _now()),
                              stages=reflection.REACHABLE)
    return render_template("followups/reflection.html", r=reflection.to_dict(row, _now()), error=None,
                           form=None, stages=reflection.REACHABLE)


# ---- interviews and offers ---------------------------------------------------------------------

@blp.route("/postings/<int:posting_id>/interviews", methods=["POST"])
def log_interview(posting_id: int):
    posting = postings.get(posting_id)
    back = url_for("web.posting", posting_id=posting.id) + "#interviews"
    try:
        at = _form_datetime("date", "time")
        pipeline.log_interview(posting, at, kind=request.form.get("kind", "video"),
                               with_=request.form.get("with", ""), note=request.form.get("note", "")[:MAX_TEXT],
                               duration_minutes=int(request.form.get("duration_minutes") or 60), now=_now())
    except (ServiceError, ValueError) as err:
        return _not_saved(getattr(err, "message", "duration: a number of minutes"), back)
    return redirect(back, code=303)


@blp.route("/postings/<int:posting_id>/offer-deadline", methods=["POST"])
def offer_deadline(posting_id: int):
    posting = postings.get(posting_id)
    try:
        followups.set_offer_deadline(posting, _form_datetime("date", "time", default_time=time(17, 0)), _now())
    except ServiceError as err:
        return _not_saved(err.message, url_for("web.posting", posting_id=posting.id))
    return redirect(url_for("web.posting", posting_id=posting.id) + "#followups", code=303)
