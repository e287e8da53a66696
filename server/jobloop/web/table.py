"""The table page: filters, the chosen columns, sorting, paging; and the column choice.

The query string is read in one place (`view_args`, `view_filters`) for the page and
its downloads (web/sheets.py), so "download this view" is the view on screen.
"""
from __future__ import annotations

from flask import render_template, request, url_for

from ..services import ServiceError, postings, table_view, tags
from ..services.postings import Filters
from ..views import app_now
from .base import back, blp, said
from .forms import local_date
from .pages import _common

PER_PAGE = 50
FILTER_ARGS = ("q", "stage", "company", "source", "remote", "from", "to", "tag", "archived")
TABLE_ARGS = (*FILTER_ARGS, "sort", "dir")


def view_args(source=None) -> dict[str, str]:
    source = request.args if source is None else source
    return {k: (source.get(k) or "").strip() for k in TABLE_ARGS}


def view_filters(args: dict[str, str]) -> Filters:
    return Filters(stage=args["stage"] or None, q=args["q"] or None, company=args["company"] or None,
                   source=args["source"] or None, remote=args["remote"] or None,
                   since=local_date(args["from"], "From"), until=local_date(args["to"], "To"),
                   tag=args["tag"] or None, archived=args["archived"] or None)


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
                           filtering=any(args[k] for k in FILTER_ARGS), kept=kept, **_common())


@blp.route("/table/columns", methods=["POST"])
def choose_columns():
    table_view.choose(request.form.getlist("column"))
    said("Columns saved; downloads of the table follow them too.")
    return back(url_for("web.table"))

