"""Spreadsheets in the tracker: upload, preview with the column mapping, import, undo;
and the downloads (the table's view as CSV or .xlsx, everything from settings).

Between the upload and the confirmation the file waits in the data dir
(`imports/`, private like the store) under a random name the preview form carries;
it is removed once imported, and any left behind is removed after a day.
"""
from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Response, current_app, redirect, render_template, request, url_for

from ..config import private_dir
from ..db import database
from ..services import Conflict, NotFound, ServiceError, documents, sheet_export, spreadsheet, table_view, transfer
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
        sheet = spreadsheet.read(path, filename)
    except ServiceError as err:
        return form_error("import.html", err.message, batches=spreadsheet.recent_batches())
    mapping = [form.get(f"col-{i}", "") for i in range(len(sheet.headers))]
    day_first = {"day": True, "month": False}.get(form.get("date_order", ""))
    try:
        day_first = spreadsheet.check_import(sheet, mapping, day_first)
        job = _start(sheet, mapping, day_first, path)
    except ServiceError as err:
        return form_error("import_preview.html", err.message, http_status=409 if isinstance(err, Conflict) else 422,
                          preview=spreadsheet.preview(sheet, mapping), fields=FIELDS, upload_id=form.get("upload"))
    return redirect(url_for("web.import_job", job_id=job.id), code=303)


# ---- imports run in the background -------------------------------------------------------
# The rows go in on a thread of the server, in one transaction (all or nothing), while the
# page polls a small JSON endpoint for rows done / total. A streamed response would tie the
# outcome to one connection (a reload loses it); a job id keeps the summary there to return to.
# One import at a time: a second one is refused while the first runs (they would only queue
# for the store's write lock, and the summary of each must stand alone).

KEEP_JOBS_SECONDS = 3600


@dataclass
class ImportJob:
    id: str
    filename: str
    total: int
    done: int = 0
    summary: spreadsheet.Summary | None = None
    error: str = ""
    finished_at: float | None = None

    @property
    def running(self) -> bool:
        return self.finished_at is None


_jobs: dict[str, ImportJob] = {}
_jobs_lock = threading.Lock()


def _start(sheet, mapping: list[str], day_first, path: Path) -> ImportJob:
    now = app_now()
    with _jobs_lock:
        running = next((j for j in _jobs.values() if j.running), None)
        if running is not None:
            raise Conflict(f"another import is running ({running.filename}: {running.done:,} of "
                           f"{running.total:,} rows done); import this file once it has finished",
                           code="import_running")
        for old in [j for j in _jobs.values() if j.finished_at and j.finished_at < time.time() - KEEP_JOBS_SECONDS]:
            del _jobs[old.id]
        job = ImportJob(secrets.token_urlsafe(12), sheet.filename, sheet.row_count)
        _jobs[job.id] = job
    threading.Thread(target=_run, args=(job, sheet, mapping, day_first, now, path), daemon=True,
                     name=f"import-{job.id}").start()
    return job


def _run(job: ImportJob, sheet, mapping, day_first, now, path: Path) -> None:
    def progress(done: int, total: int) -> None:
        job.done = done

    try:
        with database.connection_context():
            job.summary = spreadsheet.import_rows(sheet, mapping, now=now, day_first=day_first, progress=progress)
        _forget(path)
    except ServiceError as err:
        job.error = err.message
    except Exception as err:  # the transaction rolled back: say so on the page, keep the upload to retry
        logging.getLogger(__name__).exception("spreadsheet import %s failed", job.id)
        job.error = f"the import failed ({type(err).__name__}: {err}) and nothing of it was kept"
    finally:
        job.finished_at = time.time()


def _job(job_id: str) -> ImportJob:
    job = _jobs.get(job_id)
    if job is None:
        raise NotFound("no such import: it finished more than an hour ago, or the server was restarted "
                       "(the Import page lists recent imports)")
    return job


@blp.route("/import/jobs/<job_id>")
def import_job(job_id: str):
    job = _job(job_id)
    if job.summary is not None:
        return render_template("import_done.html", summary=job.summary)
    return render_template("import_progress.html", job=job)


@blp.route("/import/jobs/<job_id>.json")
def import_job_progress(job_id: str):
    job = _job(job_id)
    return {"done": job.done, "total": job.total, "running": job.running, "error": job.error or None}


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
