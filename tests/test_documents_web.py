"""Documents through the tracker: upload on a posting, the posting page and the Documents
page, the body limit, the refusal of a renamed program, and "delete the file too?"."""
from __future__ import annotations

import io
import re

from factories import stored_posting
from jobloop.models import DocumentVersion
from jobloop.services import documents
from jobloop.services.bounds import MAX_DOCUMENT_BYTES
from test_documents_service import DOCX, PDF


def csrf(client) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/settings").text).group(1)


def upload(client, data: bytes, filename: str, name: str = "CV", **form):
    return client.post("/documents/upload", content_type="multipart/form-data", data={
        "csrf_token": csrf(client), "name": name, "file": (io.BytesIO(data), filename), **form})


def test_upload_with_an_application_and_see_it_on_both_pages(client, db, config):
    acme = stored_posting("applied", company="Acme", title="Backend Engineer")
    r = upload(client, PDF, "Jane CV.pdf", posting_id=str(acme.id), sent_on="2026-11-20")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/postings/{acme.id}#sent")
    page = client.get(f"/postings/{acme.id}").text
    assert 'data-document="CV v1"' in page and "sent 2026-11-20" in page
    upload(client, DOCX, "Jane CV.docx")  # a new version, not sent yet
    listing = client.get("/documents").text
    assert 'data-version="CV v2"' in listing and "not sent with any application" in listing
    assert "Acme — Backend Engineer" in listing
    version = DocumentVersion.get(DocumentVersion.number == 1)
    file = client.get(f"/documents/versions/{version.id}/file")
    assert file.data == PDF and file.mimetype == "application/pdf"
    assert 'filename="Jane-CV.pdf"' in file.headers["Content-Disposition"]
    assert file.headers["X-Content-Type-Options"] == "nosniff"
    assert (config.data_dir / "documents" / version.sha256).read_bytes() == PDF


def test_pick_a_version_sent_before(client, db):
    first, second = stored_posting("applied"), stored_posting("applied")
    upload(client, PDF, "cv.pdf", posting_id=str(first.id))
    version = DocumentVersion.get()
    assert f'<option value="{version.id}">CV v1</option>' in client.get(f"/postings/{second.id}").text
    r = client.post(f"/postings/{second.id}/documents", data={"csrf_token": csrf(client), "version_id": version.id})
    assert r.status_code == 302
    assert [s.label for s in documents.for_posting(second)] == ["CV v1"]
    bad = client.post(f"/postings/{second.id}/documents", data={"csrf_token": csrf(client), "version_id": "x"})
    assert bad.status_code == 422


def test_a_renamed_program_is_refused_with_a_clear_message(client, db):
    r = upload(client, b"MZ\x90\x00" + bytes(1000), "CV_final.pdf")
    assert r.status_code == 422
    assert "This file is a Windows program, not a document" in r.text
    assert DocumentVersion.select().count() == 0


def test_a_file_over_the_limit_is_refused_before_it_is_read(client, db):
    r = upload(client, b"%PDF-1.4\n" + b"0" * MAX_DOCUMENT_BYTES, "big.pdf")  # just over: read and refused
    assert r.status_code == 422 and "documents can be up to 10 MB" in r.text
    r = upload(client, b"%PDF-1.4\n" + b"0" * (MAX_DOCUMENT_BYTES + 100_000), "huge.pdf")  # far over: never read
    assert r.status_code == 413
    assert upload(client, b"%PDF-1.4\n" + b"0" * 300_000, "fine.pdf").status_code == 302  # over the default limit
    assert upload(client, b"", "empty.pdf").status_code == 422
    r = client.post("/documents/upload", data={"csrf_token": csrf(client), "name": "CV"})
    assert r.status_code == 422 and "Choose a file first" in r.text


def test_removing_the_last_application_asks_before_deleting_the_file(client, db, config):
    posting = stored_posting("applied")
    upload(client, PDF, "cv.pdf", posting_id=str(posting.id))
    sent, = documents.for_posting(posting)
    r = client.post(f"/postings/{posting.id}/documents/{sent.id}/remove", data={"csrf_token": csrf(client)})
    assert r.status_code == 200 and "Delete the file too?" in r.text
    path = config.data_dir / "documents" / sent.version.sha256
    assert path.is_file()  # asked, not deleted
    r = client.post(f"/documents/versions/{sent.version.id}/delete", data={"csrf_token": csrf(client)})
    assert r.status_code == 422 and path.is_file()  # the box must be ticked
    r = client.post(f"/documents/versions/{sent.version.id}/delete",
                    data={"csrf_token": csrf(client), "confirm": "yes", "next": f"/postings/{posting.id}"})
    assert r.status_code == 302 and not path.exists()


def test_deleting_the_posting_asks_about_its_documents(client, db, config):
    alone, shared = stored_posting("applied"), stored_posting("applied")
    upload(client, PDF, "cv.pdf", posting_id=str(alone.id))
    upload(client, DOCX, "letter.docx", name="Cover letter", posting_id=str(alone.id))
    letter = DocumentVersion.get(DocumentVersion.kind == "docx")
    documents.attach(shared, letter, now=letter.uploaded_at)
    page = client.get(f"/postings/{alone.id}/delete").text
    cv = DocumentVersion.get(DocumentVersion.kind == "pdf")
    assert f'name="delete_document" value="{cv.id}"' in page and "Also delete Cover letter" not in page
    r = client.post(f"/postings/{alone.id}/delete", data={"csrf_token": csrf(client), "confirm": "yes",
                                                          "delete_document": [str(cv.id), str(letter.id)]})
    assert r.status_code == 302
    folder = config.data_dir / "documents"
    assert not (folder / cv.sha256).exists()  # asked and answered
    assert (folder / letter.sha256).is_file()  # still sent with another application: never deleted
    kept = stored_posting("applied")
    documents.attach(kept, letter, now=letter.uploaded_at)
    client.post(f"/postings/{kept.id}/delete", data={"csrf_token": csrf(client), "confirm": "yes"})
    assert (folder / letter.sha256).is_file()  # not ticked: kept on the Documents page
