"""Spreadsheets in the tracker: upload, preview with the column mapping, import, undo;
and the downloads (the table's view as CSV or .xlsx, everything from settings).

Between the upload and the confirmation the file waits in the data dir
(`imports/`, private like the store) under a random name the preview form carries;
it is removed once imported, and any left behind is removed after a day.
"""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import Response, current_app, redirect, render_template, request, url_for

from ..config import private_dir
from ..services import ServiceError, documents, sheet_export, spreadsheet, table_view, transfer
from ..services.sheet_columns import FIELDS
from ..views import app_now
from .base import add_nav, blp, form_error, said
from .table import view_args, view_filters, view_sort

UPLOAD_FIELD = "file"
KEEP_SECONDS = 24 * 3600
_UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}\.(csv|xlsx)$")


@blp.record_once
def _register_nav(state):
    add_nav(state.app, "Import", "web.import_sheet", 40)


def _uploads() -> Path:
    return private_dir(Path(current_app.config["JOBLOOP"].data_dir) / "imports")


def _stash(data: bytes, filename: str) -> str:
    folder = _uploads()
    for old in folder.iterdir():  # uploads never confirmed
        if old.stat().st_mtime < time.time() - KEEP_SECONDS:
            old.unlink(missing_ok=True)
    upload_id = secrets.token_urlsafe(24) + (".xlsx" if data.startswith(b"PK\x03\x04") else ".csv")
    path = folder / upload_id
    path.write_bytes(data)
    path.chmod(0o600)
    (folder / (upload_id + ".name")).write_text(filename[:200], encoding="utf-8")
    return upload_id


def _unstash(upload_id: str) -> tuple[Path, str]:
    if not _UPLOAD_ID.match(upload_id or ""):
        raise ServiceError("the upload is missing: choose the file again", code="upload_gone")
    path = _uploads() / upload_id
    if not path.is_file():
        raise ServiceError("that upload is no longer here (imported already, or older than a day): "
                           "choose the file again", code="upload_gone")
    name_file = path.with_name(upload_id + ".name")
    return path, name_file.read_text(encoding="utf-8") if name_file.is_file() else path.name


def _forget(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".name").unlink(missing_ok=True)


@blp.route("/import")
def import_sheet():
    return render_template("import.html", batches=spreadsheet.recent_batches())


@blp.route("/import", methods=["POST"])
def upload_sheet():
    upload = request.files.get(UPLOAD_FIELD)
    if upload is None or not upload.filename:
        return form_error("import.html", "choose a .csv or .xlsx file first", batches=spreadsheet.recent_batches())
    data = upload.read()
    try:
        sheet = spreadsheet.read(data, upload.filename)
    except ServiceError as err:
        return form_error("import.html", err.message, batches=spreadsheet.recent_batches())
    return render_template("import_preview.html", preview=spreadsheet.preview(sheet), fields=FIELDS,
                           upload_id=_stash(data, upload.filename))


@blp.route("/import/confirm", methods=["POST"])
def confirm_import():
    form = request.form
    try:
        path, filename = _unstash(form.get("upload", ""))
        sheet = spreadsheet.read(path.read_bytes(), filename)
    except ServiceError as err:
        return form_error("import.html", err.message, batches=spreadsheet.recent_batches())
    mapping = [form.get(f"col-{i}", "") for i in range(len(sheet.headers))]
    order = form.get("date_order", "")
    day_first = {"day": True, "month": False}.get(order)
    try:
        summary = spreadsheet.import_rows(sheet, mapping, now=app_now(), day_first=day_first)
    except ServiceError as err:
        return form_error("import_preview.html", err.message, preview=spreadsheet.preview(sheet, mapping),
                          fields=FIELDS, upload_id=form.get("upload"))
    _forget(path)
    return render_template("import_done.html", summary=summary)


@blp.route("/import/<batch>/undo", methods=["POST"])
def undo_import(batch: str):
    removed = spreadsheet.undo(batch)
    said(f"Import undone: {removed} posting{'s' if removed != 1 else ''} removed.")
    return redirect(url_for("web.board"))


# ---- downloads ---------------------------------------------------------------------------

def _download(body: bytes, filename: str, mimetype: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def _table_view():
    """The table page's view: its filters, order and chosen columns, read the table's way."""
    args = view_args()
    sort, descending = view_sort(args)
    return sheet_export.view_rows(view_filters(args), table_view.chosen(), sort=sort, descending=descending,
                                  now=app_now())


def _stamp() -> str:
    return app_now().strftime("%Y-%m-%d")


@blp.route("/table/export.csv")
def export_table_csv():
    return _download(sheet_export.to_csv(_table_view()), f"jobloop-postings-{_stamp()}.csv", "text/csv")


@blp.route("/table/export.xlsx")
def export_table_xlsx():
    return _download(sheet_export.to_xlsx(_table_view()), f"jobloop-postings-{_stamp()}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@blp.route("/settings/export.zip")
def export_everything_csv():
    return _download(sheet_export.everything_zip(), f"jobloop-everything-{_stamp()}.zip", "application/zip")


@blp.route("/settings/export.json")
def export_everything_json():
    folder = documents.folder_of(current_app.config["JOBLOOP"].data_dir)
    body = transfer.dumps(transfer.export_data(folder)).encode("utf-8")
    return _download(body, f"jobloop-export-{_stamp()}.json", "application/json")
