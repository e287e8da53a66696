"""Documents sent with applications: the type read from the content, one file per content
(by SHA-256) with private modes, versions, and the "last application" question."""
from __future__ import annotations

import io
import re
import stat
import zipfile
from datetime import datetime

import pytest

from factories import stored_posting
from jobloop.models import DocumentSent, DocumentVersion
from jobloop.services import Conflict, ServiceError, documents
from jobloop.services.bounds import MAX_DOCUMENT_BYTES

NOW = datetime(2026, 11, 30, 12)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document/>"})


@pytest.mark.parametrize("data, kind", [
    (PDF, "pdf"), (DOCX, "docx"), (ODT, "odt"), ("Ирина Кузнецова — CV\nΕμπειρία\n".encode(), "txt"),
    (b"\xef\xbb\xbfplain text with a BOM", "txt"),
])
def test_the_type_is_read_from_the_content(data, kind):
    assert documents.kind_of(data) == kind


@pytest.mark.parametrize("data, message", [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), "a Windows program"),
    (b"\x7fELF\x02\x01\x01" + bytes(200), "a Linux program"),
    (b"#!/bin/sh\nrm -rf ~\n", "a script"),
    (bytes(range(256)) * 4, "not a PDF, Word (.docx), OpenDocument text (.odt) or plain UTF-8 text"),
    (zipped({"xl/workbook.xml": b"<workbook/>", "[Content_Types].xml": b"<Types/>"}), "neither a Word"),
    (b"PK\x03\x04 this is no zip", "damaged"),
    (b"", "empty"),
    (b"a" * (MAX_DOCUMENT_BYTES + 1), "up to 10 MB"),
])
def test_anything_else_is_refused_with_what_it_is(data, message):
    with pytest.raises(ServiceError, match=re.escape(message)):
        documents.kind_of(data)


def test_a_renamed_program_is_refused_whatever_its_name(db, tmp_path):
    with pytest.raises(ServiceError, match="a Windows program, not a document"):
        documents.add_version(tmp_path / "documents", "CV", b"MZ" + bytes(500), "cv-v3.pdf", now=NOW)
    assert DocumentVersion.select().count() == 0 and not (tmp_path / "documents").exists()


def test_one_file_per_content_private_and_named_by_its_hash(db, tmp_path):
    folder = tmp_path / "documents"
    v1, new = documents.add_version(folder, "CV", PDF, "../../etc/Jane CV.pdf", now=NOW)
    assert new and documents.label(v1) == "CV v1" and v1.filename == "Jane CV.pdf"
    again, new = documents.add_version(folder, " cv ", PDF, "other name.pdf", now=NOW)
    assert (again.id, new) == (v1.id, False)  # the same content for the same document is that version
    v2, _ = documents.add_version(folder, "CV", DOCX, "Jane CV.docx", now=NOW)
    letter, _ = documents.add_version(folder, "Cover letter", PDF, "letter.pdf", now=NOW)
    assert (v2.number, letter.number, documents.label(letter)) == (2, 1, "Cover letter v1")
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted({v1.sha256, v2.sha256})  # PDF once, although two versions hold it
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    assert documents.read_file(folder, letter) == PDF


def test_a_path_never_comes_from_a_stored_hash_that_is_not_one(tmp_path):
    for bad in ("../../token", "a" * 63, "A" * 64, "", None):
        with pytest.raises(ServiceError, match="not a SHA-256"):
            documents.file_path(tmp_path, bad)


def test_which_application_got_which_version(db, tmp_path):
    folder = tmp_path / "documents"
    acme, globex = stored_posting("applied", company="Acme"), stored_posting("applied", company="Globex")
    v1, _ = documents.add_version(folder, "CV", PDF, "cv.pdf", now=NOW)
    v2, _ = documents.add_version(folder, "CV", DOCX, "cv.docx", now=NOW)
    documents.attach(acme, v1, sent_at=datetime(2026, 11, 20, 9), now=NOW)
    documents.attach(globex, v2, now=NOW)
    documents.attach(globex, v2, now=NOW)  # noted once
    assert [s.label for s in documents.for_posting(acme)] == ["CV v1"]
    (doc, versions), = documents.catalogue()
    assert [(v.number, [s.posting.company.name for s in sent]) for v, sent in versions] == [
        (2, ["Globex"]), (1, ["Acme"])]
    assert [documents.label(v) for v in documents.recent_versions()] == ["CV v2", "CV v1"]
    with pytest.raises(ServiceError, match="in the future"):
        documents.attach(acme, v2, sent_at=datetime(2026, 12, 5), now=NOW)


def test_taking_off_the_last_application_asks_before_the_file_goes(db, tmp_path):
    folder = tmp_path / "documents"
    acme, globex = stored_posting("applied"), stored_posting("applied")
    version, _ = documents.add_version(folder, "CV", PDF, "cv.pdf", now=NOW)
    first = documents.attach(acme, version, now=NOW)
    second = documents.attach(globex, version, now=NOW)
    assert documents.unused_after(acme) == []  # Globex still has it
    assert documents.detach(first) is None
    assert [v.id for v in documents.unused_after(globex)] == [version.id]
    assert documents.detach(second).id == version.id  # the last one: the caller asks
    assert documents.file_path(folder, version.sha256).is_file()  # nothing deleted without the answer
    documents.delete_version(folder, version)
    assert not documents.file_path(folder, version.sha256).exists() and DocumentVersion.select().count() == 0


def test_a_version_in_use_is_never_deleted(db, tmp_path):
    folder = tmp_path / "documents"
    posting = stored_posting("applied")
    version, _ = documents.add_version(folder, "CV", PDF, "cv.pdf", now=NOW)
    documents.attach(posting, version, now=NOW)
    with pytest.raises(Conflict, match="sent with 1 application"):
        documents.delete_version(folder, version)
    assert documents.delete_unused(folder, [version.id]) == []
    posting.delete_instance(recursive=True)
    assert DocumentSent.select().count() == 0
    assert documents.delete_unused(folder, [version.id]) == ["CV v1"]
    assert not any(folder.iterdir())


def test_a_file_shared_by_two_versions_stays_until_the_last_goes(db, tmp_path):
    folder = tmp_path / "documents"
    cv, _ = documents.add_version(folder, "CV", PDF, "cv.pdf", now=NOW)
    resume, _ = documents.add_version(folder, "Resume", PDF, "resume.pdf", now=NOW)
    documents.delete_version(folder, cv)
    assert documents.file_path(folder, resume.sha256).is_file()
    documents.delete_version(folder, resume)
    assert not documents.file_path(folder, resume.sha256).exists()


def test_names_are_bounded():
    assert documents.clean_filename("a\x00b\u202e.exe", "pdf") == "ab.pdf"
    assert documents.clean_filename("", "txt") == "document.txt"
    assert len(documents.clean_filename("x" * 400 + ".pdf", "pdf")) == 244


def test_document_names_are_required_and_bounded(db, tmp_path):
    with pytest.raises(ServiceError, match="name the document"):
        documents.add_version(tmp_path, "  ", PDF, "cv.pdf", now=NOW)
    with pytest.raises(ServiceError, match="at most 200"):
        documents.add_version(tmp_path, "x" * 201, PDF, "cv.pdf", now=NOW)
