"""Capture and preview: the two calls the extension makes on a job page."""
from __future__ import annotations

from flask import current_app, request, url_for

from .blueprint import Blueprint
from .. import __version__
from ..services import capture as capture_service, postings
from ..services.draft_cache import DraftCache, client_key
from .companies import ClipPreviewSchema, clip_context
from .schemas import CaptureSchema, HealthSchema, ParseSchema, PostingSchema

blp = Blueprint("api_captures", __name__, url_prefix="/api", description="Clip job pages")


def _drafts() -> tuple[DraftCache, str]:
    """This app's previewed drafts, and the key of the client asking (its token's fingerprint)."""
    cache = current_app.extensions.setdefault("jobloop_drafts", DraftCache())
    return cache, client_key(request.headers.get("Authorization", ""))


def posting_out(posting) -> dict:
    data = postings.to_dict(posting)
    data["tracker_url"] = url_for("web.posting", posting_id=posting.id, _external=True)
    return data


@blp.route("/health", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.doc(security=[])
def health():
    """Is a jobloop server here? (No token needed.)"""
    return {"app": "jobloop", "version": __version__}


@blp.route("/parse", methods=["POST"])
@blp.arguments(ParseSchema)
@blp.response(200, ClipPreviewSchema)
def parse_page(body):
    """Parse a page without saving: the popup's preview, with the company's history, the fit,
    the same job tracked from another site and the target company (api/companies.py)."""
    drafts, client = _drafts()
    result = capture_service.preview(body["url"], body["html"], drafts=drafts, client=client)
    if result["posting"]:
        result["posting"]["tracker_url"] = url_for("web.posting", posting_id=result["posting"]["id"], _external=True)
    result.update(clip_context(result["draft"], body["url"], result["posting"]["id"] if result["posting"] else None))
    return result


@blp.route("/captures", methods=["POST"])
@blp.arguments(CaptureSchema)
@blp.response(201, PostingSchema)
@blp.alt_response(200, schema=PostingSchema, description="The URL was already tracked; the posting was refreshed")
def create_capture(body):
    """Store a clipped page: 201 when new, 200 when its canonical URL is already tracked."""
    drafts, client = _drafts()
    posting, created = capture_service.capture(
        body["url"], body.get("html"), title=body.get("title"), selection=body.get("selection"),
        stage=body.get("stage"), note=body.get("note"), fields=body.get("fields"),
        page_hash=body.get("page_hash"), drafts=drafts, client=client,
    )
    return posting_out(posting), 201 if created else 200
