"""The table page: filters, the chosen columns, sorting, paging; and the column choice.

The query string is read in one place (`view_args`, `view_filters`) for the page and
its downloads (web/sheets.py), so "download this view" is the view on screen.
"""
from __future__ import annotations

from urllib.parse import parse_qsl

from flask import jsonify, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from ..services import ServiceError, archive, bulk, postings, table_view, tags
from ..services.postings import Filters
from ..views import app_now
from .base import back, blp, said, wants_json
from .forms import local_date, local_day
from .pages import _common

PER_PAGE = 50
FILTER_ARGS = ("q", "stage", "company", "source", "remote", "from", "to", "tag", "archived", "skill")
TABLE_ARGS = (*FILTER_ARGS, "sort", "dir")


def view_args(source=None) -> dict[str, str]:
    source = request.args if source is None else source
    return {k: (source.get(k) or "").strip() for k in TABLE_ARGS}


def view_filters(args: dict[str, str]) -> Filters:
    return Filters(stage=args["stage"] or None, q=args["q"] or None, company=args["company"] or None,
                   source=args["source"] or None, remote=args["remote"] or None,
                   since=local_date(args["from"], "From"), until=local_date(args["to"], "To"),
                   tag=args["tag"] or None, archived=args["archived"] or None, skill=args["skill"] or None)


def view_sort(args: dict[str, str]) -> tuple[str, bool]:
    return args["sort"] or "updated", args["dir"] != "asc"


@blp.route("/table")
def table():
    args = view_args()
    sort, descending = view_sort(args)
    error = None
    try:
        filters = view_filters(args)
        page = postings.table(filters, sort=sort, descending=descending,
                              page=request.args.get("page", 1, type=int) or 1, per_page=PER_PAGE)
    except ServiceError as err:
        # Keep the user's filters on screen with the reason, rather than a bare error page.
        error, page = err.message, postings.Page(rows=[], total=0, page=1, per_page=PER_PAGE)
    kept = {k: v for k, v in args.items() if v}
    done = bulk.recent(request.args.get("done", ""))

    def link(**changes):
        params = {**kept, **changes}
        return url_for("web.table", **{k: v for k, v in params.items() if v not in (None, "")})

    def sort_link(key):
        same = sort == key
        return link(sort=key, dir=("asc" if same and descending else "desc"), page=None)

    return render_template("table.html", page=page, args=args, sort=sort, descending=descending,
                           cells=table_view.cells(page.rows), now=app_now(),
                           columns=table_view.chosen(), all_columns=table_view.COLUMNS,
                           always=table_view.ALWAYS, tag_names=tags.names(),
                           error=error, link=link, sort_link=sort_link, sources=postings.source_sites(),
                           filtering=any(args[k] for k in FILTER_ARGS), kept=kept, done=done,
                           bulk_actions=bulk.ACTIONS, max_bulk=bulk.MAX_POSTINGS, **_common())


@blp.route("/table/columns", methods=["POST"])
def choose_columns():
    table_view.choose(request.form.getlist("column"))
    said("Columns saved; downloads of the table follow them too.")
    return back(url_for("web.table"))



# ---- bulk changes ------------------------------------------------------------------------------

def _view_from(form) -> dict[str, str]:
    """The table view a bulk form was sent from (its query string, carried in `view`)."""
    return view_args(MultiDict(parse_qsl(form.get("view", "")[:4000])))


def _view_link(view: dict[str, str], **extra) -> str:
    params = {**{k: v for k, v in view.items() if v}, **extra}
    return url_for("web.table", **params)


@blp.route("/table/bulk", methods=["POST"])
def bulk_change():
    form = request.form
    view = _view_from(form)
    action = form.get("action", "")
    if form.get("scope") == "filter":
        ids = bulk.matching(view_filters(view))
    else:
        ids = bulk.check_ids(form.getlist("id")[:bulk.MAX_POSTINGS + 1])
    if action == "delete" and form.get("confirm") != "yes":
        # Deleting asks first, with what it would take along; the page repeats the ids it counted.
        return render_template("bulk_confirm.html", ids=ids, impact=bulk.impact(ids), view=form.get("view", ""),
                               back=_view_link(view))
    now = app_now()
    at = local_day(form.get("on"), now, "Date") if action == "stage" else None
    batch = bulk.apply(action, ids, now=now, stage=form.get("stage") or None, at=at, tag=form.get("tag"))
    if wants_json():
        return jsonify({"batch": batch.token, "summary": batch.summary, "postings": batch.postings})
    said(f"{batch.summary}.")
    return redirect(_view_link(view, done=batch.token))


@blp.route("/table/bulk/<token>/undo", methods=["POST"])
def bulk_undo(token: str):
    batch = bulk.undo(token, app_now())
    if wants_json():
        return jsonify({"undone": batch.summary})
    said(f"Undone: {batch.summary[0].lower()}{batch.summary[1:]}.")
    return back(url_for("web.table"))


# ---- the board's share: a tag filter and archiving stale saved postings -------------------------

@blp.app_template_global("board_tools")
def board_tools() -> dict:
    """What partials/board_tools.html shows above the board."""
    weeks = archive.stale_weeks()
    return {"weeks": weeks, "stale": archive.stale_saved(app_now(), weeks).count(), "tag_names": tags.names(),
            "tag": request.args.get("tag", "").strip(), "done": bulk.recent(request.args.get("done", ""))}


@blp.route("/board/archive-stale", methods=["POST"])
def archive_stale():
    form = request.form
    # The weeks the page showed the count for (a setting changed in between does not widen it).
    weeks = archive.STALE.check({"stale_weeks": form["weeks"]})["stale_weeks"] if form.get("weeks") \
        else archive.stale_weeks()
    if form.get("confirm") != "yes":
        raise ServiceError("archiving needs the confirmation box ticked", code="unconfirmed")
    now = app_now()
    ids = [pid for (pid,) in archive.stale_saved(now, weeks).limit(bulk.MAX_POSTINGS).tuples()]
    if not ids:
        said(f"No saved posting has been untouched for {weeks} weeks: nothing to archive.")
        return redirect(url_for("web.board"))
    batch = bulk.apply("archive", ids, now=now)
    said(f"{batch.summary} (saved, untouched for {weeks} weeks).")
    return redirect(url_for("web.board", done=batch.token))


@blp.route("/board/stale-weeks", methods=["POST"])
def stale_weeks():
    weeks = archive.save_stale_weeks(request.form.get("weeks", ""))
    said(f"The board now offers to archive saved postings untouched for {weeks} weeks.")
    return redirect(url_for("web.board"))


# ---- one posting's tags and archiving (partials/posting_tags.html) ------------------------------

@blp.app_template_global("posting_tools")
def posting_tools(posting) -> dict:
    return {"tags": tags.of(posting), "tag_names": tags.names()}


@blp.route("/postings/<int:posting_id>/tags", methods=["POST"])
def set_tags(posting_id: int):
    posting = postings.get(posting_id)
    saved = tags.set_tags(posting, tags.parse(request.form.get("tags", "")))
    said(f"Tags saved: {', '.join(saved)}." if saved else "Tags removed.")
    return redirect(url_for("web.posting", posting_id=posting_id, _anchor="h-tags"))


@blp.route("/postings/<int:posting_id>/archive", methods=["POST"])
def set_archived(posting_id: int):
    posting = postings.get(posting_id)
    if request.form.get("archived") == "no":
        archive.unarchive([posting.id])
        said("Unarchived: back on the board and in the table.")
    else:
        archive.archive([posting.id], app_now())
        said("Archived: off the board and the table; search and insights still count it.")
    return redirect(url_for("web.posting", posting_id=posting_id))
