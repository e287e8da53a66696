"""The popup's "sent with" through the API: the versions last used, and noting one as sent."""
from __future__ import annotations

from datetime import datetime

from factories import stored_posting
from jobloop.services import documents
from test_documents_service import DOCX, PDF


def test_recent_versions_and_sent_with(client, auth, config, db):
    folder = documents.folder_of(config.data_dir)
    earlier, posting = stored_posting("applied"), stored_posting("applied")
    cv2, _ = documents.add_version(folder, "CV", PDF, "cv.pdf", now=datetime(2026, 11, 1))
    cv3, _ = documents.add_version(folder, "CV", DOCX, "cv.docx", now=datetime(2026, 11, 2))
    documents.attach(earlier, cv2, sent_at=datetime(2026, 11, 20), now=datetime(2026, 11, 20))
    r = client.get("/api/documents/recent", headers=auth)
    assert r.status_code == 200
    assert [d["label"] for d in r.json["documents"]] == ["CV v1", "CV v2"]  # the last sent first
    r = client.post(f"/api/postings/{posting.id}/documents", json={"version_id": cv3.id}, headers=auth)
    assert r.status_code == 201 and r.json["version"]["label"] == "CV v2"
    assert [s.label for s in documents.for_posting(posting)] == ["CV v2"]
    assert client.get("/api/documents/recent", headers=auth).json["documents"][0]["label"] == "CV v2"


def test_sent_with_refuses_what_is_not_there(client, auth, db):
    posting = stored_posting("applied")
    assert client.post(f"/api/postings/{posting.id}/documents", json={"version_id": 99}, headers=auth).status_code == 404
    r = client.post(f"/api/postings/{posting.id}/documents", json={"version_id": 1, "label": "x"}, headers=auth)
    assert r.status_code == 422
    assert client.get("/api/documents/recent").status_code == 401  # the token, as everywhere in /api
