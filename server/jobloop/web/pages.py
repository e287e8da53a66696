"""The tracker's pages. GET only, and a GET never writes."""
from __future__ import annotations

from bs4 import BeautifulSoup, NavigableString
from flask import current_app, make_response, render_template, request
from markupsafe import Markup

from ..models import REMOTE_KINDS, SALARY_PERIODS
from ..parsing.description import sanitize_html
from ..security import current_token, remote_mode
from ..clock import utc_to_local
from ..stages import CLOSED, ENDINGS, IN_FLIGHT, STAGES
from ..services import NotFound, capture, followups, pipeline, postings
from ..views import app_now
from .base import blp
from .forms import LABELS, field_text
from .snapshot import SNAPSHOT_HEADERS, strip_reach_out

BOARD_LIMIT = 30  # cards per column; the table has the rest


def _common():
    return {"stages": STAGES, "endings": ENDINGS, "remote_kinds": REMOTE_KINDS,
            "salary_periods": SALARY_PERIODS, "labels": LABELS, "field_text": field_text}


@blp.route("/")
def dashboard():
    counts = postings.counts_by_stage()
    return render_template(
        "dashboard.html", counts=counts, total=sum(counts.values()),
        in_flight=sum(counts[s] for s in IN_FLIGHT), in_flight_stages=IN_FLIGHT,
        recent=postings.recent_events(12), waiting=postings.waiting_longest(IN_FLIGHT, 6), **_common())


@blp.route("/board")
def board():
    """The open stages as columns that share the width; accepted and ended ones (stages.CLOSED)
    folded into one "Ended" column with its counts, opened on demand (?ended=1 or a click).
    Archived postings are not on the board; ?tag= narrows it to one tag."""
    tag = request.args.get("tag", "").strip() or None
    counts = postings.counts_by_stage(archived=False, tag=tag)
    cards = {stage: postings.in_stage(stage, BOARD_LIMIT, tag=tag) for stage in STAGES}
    columns = [(stage, counts[stage], cards[stage]) for stage in STAGES]
    return render_template(
        "board.html", columns=[c for c in columns if c[0] not in CLOSED],
        ended=[c for c in columns if c[0] in CLOSED], ended_total=sum(counts[s] for s in CLOSED),
        ended_open=bool(request.args.get("ended")), total=sum(counts.values()),
        next_due=followups.next_due(p.id for group in cards.values() for p in group),
        now=app_now(), today=utc_to_local(app_now()).date().isoformat(), board_limit=BOARD_LIMIT,
        board_tag=tag, **_common())


EDIT_FIELDS = ("company", "locations", "remote", "employment_type", "salary_min", "salary_max",
               "salary_currency", "salary_period", "date_posted", "valid_through", "apply_url", "skills")


# The description shows its first few blocks; the rest is folded (a <details>, no script).
FOLD_BLOCKS = 3        # at least this many paragraphs, lists or headings…
FOLD_CHARS = 450       # …holding at least this much text, before the fold
FOLD_MIN_REST = 250    # a shorter remainder is shown, not folded
_BLOCKS = {"p", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "table", "blockquote", "pre"}


def fold_description(html: str) -> tuple[Markup, Markup, int]:
    """Sanitized description HTML cut after its first few blocks: (shown, folded, words folded)."""
    root = BeautifulSoup(sanitize_html(html), "html.parser")
    while True:  # a page that wraps everything in one <div> folds inside it
        parts = [c for c in root.children if not (isinstance(c, NavigableString) and not c.strip())]
        if len(parts) == 1 and getattr(parts[0], "name", None) in ("div", "section", "article"):
            root = parts[0]
            continue
        break
    shown, blocks, chars = 0, 0, 0
    for part in parts:
        if blocks >= FOLD_BLOCKS and chars >= FOLD_CHARS and getattr(parts[shown - 1], "name", "") not in (
                "h1", "h2", "h3", "h4", "h5", "h6"):  # never end on a heading
            break
        shown += 1
        blocks += getattr(part, "name", None) in _BLOCKS
        chars += len(part.get_text(" ", strip=True))
    rest = parts[shown:]
    rest_text = " ".join(p.get_text(" ", strip=True) for p in rest)
    if len(rest_text) < FOLD_MIN_REST:
        return Markup(sanitize_html(html)), Markup(""), 0
    # Each half cleaned again: cutting re-serializes the markup.
    return (Markup(sanitize_html("".join(str(p) for p in parts[:shown]))),
            Markup(sanitize_html("".join(str(p) for p in rest))), len(rest_text.split()))


def fold_text(text: str) -> tuple[str, str]:
    """A plain-text description cut the same way, at a blank line: (shown, folded)."""
    paragraphs = [p for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]
    shown, chars = 0, 0
    while shown < len(paragraphs) and (shown < FOLD_BLOCKS or chars < FOLD_CHARS):
        chars += len(paragraphs[shown])
        shown += 1
    rest = "\n\n".join(paragraphs[shown:])
    if len(rest) < FOLD_MIN_REST:
        return text, ""
    return "\n\n".join(paragraphs[:shown]), rest


def posting_facts(posting, applied_event) -> dict:
    """What the posting page's header shows besides the fields: when applied, how long it has
    waited in an in-flight stage, and the next follow-up."""
    now = app_now()
    return {"applied_at": applied_event.at if applied_event else None,
            "waiting_days": (now - posting.stage_changed_at).days if posting.stage in IN_FLIGHT else None,
            "next": followups.next_due([posting.id]).get(posting.id), "now": now}


def render_posting(posting, *, status: int = 200, errors: dict | None = None, values: dict | None = None):
    """The posting page; after a refused edit, with the user's text and the reason kept."""
    edited = set(posting.user_edited or [])
    applied_event = pipeline.applied_event(posting)
    if posting.description_html and "description_text" not in edited:
        folded = fold_description(posting.description_html)
    else:
        shown, rest = fold_text(posting.description_text)
        folded = (shown, rest, len(rest.split()))
    return render_template(
        "posting.html", posting=posting, timeline=pipeline.timeline(posting),
        applied_event=applied_event, facts=posting_facts(posting, applied_event), folded=folded,
        has_snapshot=postings.has_snapshot(posting), edit_fields=EDIT_FIELDS,
        edited=edited, sources=posting.field_sources or {},
        errors=errors or {}, values=values or {}, **_common()), status


@blp.route("/postings/<int:posting_id>")
def posting(posting_id: int):
    return render_posting(postings.get(posting_id))


@blp.route("/postings/<int:posting_id>/snapshot")
def snapshot(posting_id: int):
    """The page as it was clipped. Sandboxed: no script runs, nothing loads from elsewhere."""
    found = postings.latest_snapshot(postings.get(posting_id))
    if found is None:
        raise NotFound("this posting has no saved snapshot (it was added by hand)")
    response = make_response(strip_reach_out(capture.snapshot_html(found)))
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers.update(SNAPSHOT_HEADERS)  # web/snapshot.py: sandbox, CSP, no prefetching
    return response


@blp.route("/postings/<int:posting_id>/delete")
def confirm_delete(posting_id: int):
    posting = postings.get(posting_id)
    events = len(pipeline.timeline(posting))
    return render_template("confirm_delete.html", posting=posting, events=events)


@blp.route("/postings/new")
def new_posting():
    return render_template("posting_new.html", values={}, error=None, duplicate=None, **_common())


@blp.route("/settings")
def settings():
    config = current_app.config["JOBLOOP"]
    # Remote mode never shows the token: anyone who signs in from afar could take it.
    token = None if remote_mode(config) else current_token(config.data_dir)
    return render_template("settings.html", token=token,
                           tracker_url=request.host_url.rstrip("/"))
