"""Documents sent with applications: upload and attach on the posting page, the Documents
page (every version and the applications it went with), downloads, and the question
"delete the file too?" when the last application a version went with lets go of it.

Its own blueprint, joined to the tracker by add_nav and the partials
partials/posting_documents.html and partials/confirm_delete_documents.html (template
globals `posting_documents`, `documents_unused_after`). Files: services/documents.py.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for

from ..models import Posting
from ..services import ServiceError, documents, postings
from ..views import app_now
from .base import add_nav, back, said
from .forms import local_day
from .headers import content_disposition

blp = Blueprint("documents", __name__)
UPLOAD_PATH = "/documents/upload"  # security.py gives this path room for a document


@blp.record_once
def _register_nav(state):
    add_nav(state.app, "Documents", "documents.page", 48)


def _folder() -> Path:
    return documents.folder_of(current_app.config["JOBLOOP"].data_dir)


def _posting_from_form() -> Posting | None:
    raw = request.form.get("posting_id", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 15:
        raise ServiceError("posting_id: a posting's number", code="invalid")
    return postings.get(int(raw))


@blp.route("/documents")
def page():
    return render_template("documents.html", catalogue=documents.catalogue(), label=documents.label)


@blp.route(UPLOAD_PATH, methods=["POST"])
def upload():
    """A new version of a document, attached to an application when the form names one."""
    posting = _posting_from_form()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ServiceError("choose a file first (PDF, DOCX, ODT or TXT)", code="no_file")
    now = app_now()
    version, new = documents.add_version(_folder(), request.form.get("name", ""), upload.read(), upload.filename,
                                         now=now)
    message = f"{documents.label(version)}: " + ("uploaded." if new else "the same file as before, kept once.")
    if posting is not None:
        documents.attach(posting, version, sent_at=local_day(request.form.get("sent_on"), now, "sent on"), now=now)
        message += f" Sent with “{posting.title or posting.url}”."
    said(message)
    default = url_for("web.posting", posting_id=posting.id, _anchor="sent") if posting else url_for("documents.page")
    return back(default)


@blp.route("/postings/<int:posting_id>/documents", methods=["POST"])
def attach(posting_id: int):
    posting = postings.get(posting_id)
    raw = request.form.get("version_id", "")
    if not raw.isdigit() or len(raw) > 15:
        raise ServiceError("pick a document that was sent", code="invalid")
    version = documents.get_version(int(raw))
    now = app_now()
    documents.attach(posting, version, sent_at=local_day(request.form.get("sent_on"), now, "sent on"), now=now)
    said(f"{documents.label(version)} noted as sent.")
    return back(url_for("web.posting", posting_id=posting_id, _anchor="sent"))


@blp.route("/postings/<int:posting_id>/documents/<int:sent_id>/remove", methods=["POST"])
def detach(posting_id: int, sent_id: int):
    posting = postings.get(posting_id)
    unused = documents.detach(documents.get_sent(posting, sent_id))
    if unused is not None:  # its last application: ask before the file goes
        return render_template("documents_unused.html", versions=[unused], posting=posting,
                               next=url_for("web.posting", posting_id=posting_id, _anchor="sent"))
    said("Taken off this application.")
    return redirect(url_for("web.posting", posting_id=posting_id, _anchor="sent"))


@blp.route("/documents/versions/<int:version_id>/delete", methods=["POST"])
def delete_version(version_id: int):
    version = documents.get_version(version_id)
    if request.form.get("confirm") != "yes":
        raise ServiceError("deleting a file needs the confirmation box ticked", code="unconfirmed")
    name = documents.label(version)
    documents.delete_version(_folder(), version)
    said(f"Deleted {name} and its file.")
    return back(url_for("documents.page"))


@blp.route("/documents/versions/<int:version_id>/file")
def download(version_id: int):
    version = documents.get_version(version_id)
    data = documents.read_file(_folder(), version)
    return Response(data, mimetype=documents.MIMETYPES[version.kind], headers={
        "Content-Disposition": content_disposition(version.filename), "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


@blp.app_template_global("posting_documents")
def posting_documents(posting: Posting) -> dict:
    return {"sent": documents.for_posting(posting), "recent": documents.recent_versions(),
            "names": sorted({v.document.name for v in documents.recent_versions(50)}), "label": documents.label}


@blp.app_template_global("documents_unused_after")
def documents_unused_after(posting: Posting) -> list:
    return documents.unused_after(posting)
