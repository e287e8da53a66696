"""Documents API: the popup's "sent with" — the versions sent most recently, and noting one
as sent with the posting it just saved. Uploads go through the tracker (web/documents.py)."""
from __future__ import annotations

from marshmallow import Schema, fields

from .blueprint import Blueprint
from ..clock import naive_utc
from ..services import documents, postings
from ..views import app_now
from .schemas import RefuseUnknownKeys, UtcDateTime

blp = Blueprint("api_documents", __name__, url_prefix="/api", description="Documents sent with applications")


class DocumentVersionSchema(Schema):
    id = fields.Integer()
    label = fields.String(metadata={"description": 'the document\'s name and version, e.g. "CV v3"'})
    document = fields.String()
    version = fields.Integer()
    kind = fields.String()
    size = fields.Integer()
    filename = fields.String()
    uploaded_at = UtcDateTime()


class DocumentVersionListSchema(Schema):
    documents = fields.List(fields.Nested(DocumentVersionSchema))


class SentInSchema(RefuseUnknownKeys):
    version_id = fields.Integer(required=True)
    sent_at = UtcDateTime(allow_none=True, metadata={"description": "when it was sent; omitted: now"})


class SentSchema(Schema):
    id = fields.Integer()
    posting_id = fields.Integer()
    version = fields.Nested(DocumentVersionSchema)
    sent_at = UtcDateTime()


@blp.route("/documents/recent", methods=["GET"])
@blp.response(200, DocumentVersionListSchema)
def recent():
    """The versions sent most recently first, then the newest uploads (at most 8)."""
    return {"documents": [documents.to_dict(v) for v in documents.recent_versions()]}


@blp.route("/postings/<int:posting_id>/documents", methods=["POST"])
@blp.arguments(SentInSchema)
@blp.response(201, SentSchema)
def attach(body, posting_id):
    """Note a version as sent with this posting (once; again moves its date)."""
    version = documents.get_version(body["version_id"])
    sent = documents.attach(postings.get(posting_id), version, sent_at=naive_utc(body.get("sent_at")), now=app_now())
    return {"id": sent.id, "posting_id": posting_id, "version": documents.to_dict(version), "sent_at": sent.sent_at}
