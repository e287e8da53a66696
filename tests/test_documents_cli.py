"""Backup, restore, export and import carry the documents sent with applications (real
`jobloop` processes on the test's data dir)."""
from __future__ import annotations

import base64
import json
import sqlite3
import stat

import jsonschema
import pytest

from factories import stored_posting
from jobloop.services import documents
from test_documents_service import DOCX, NOW, PDF
from test_serve_cli import run
from test_transfer_cli import SCHEMA

pytestmark = pytest.mark.sqlite_only(reason="the CLI reads the data dir's SQLite file")


def seed(config):
    folder = documents.folder_of(config.data_dir)
    posting = stored_posting("applied", company="Acme")
    cv, _ = documents.add_version(folder, "CV", PDF, "cv.pdf", now=NOW)
    letter, _ = documents.add_version(folder, "Cover letter", DOCX, "letter.docx", now=NOW)
    documents.attach(posting, cv, now=NOW)
    documents.attach(posting, letter, now=NOW)
    return cv.sha256, letter.sha256


def test_backup_and_restore_carry_the_files(tmp_path, app, config, db):
    pdf_hash, docx_hash = seed(config)
    db.close()
    target = tmp_path / "backups" / "jobloop.sqlite3"
    res = run("backup", str(target), data_dir=config.data_dir)
    assert res.returncode == 0, res.stderr
    beside = tmp_path / "backups" / "jobloop.sqlite3.documents"
    assert "documents sent with applications" in res.stdout
    assert (beside / pdf_hash).read_bytes() == PDF and (beside / docx_hash).read_bytes() == DOCX
    assert stat.S_IMODE(beside.stat().st_mode) == 0o700 and stat.S_IMODE((beside / pdf_hash).stat().st_mode) == 0o600

    fresh = tmp_path / "fresh"
    res = run("restore", str(target), data_dir=fresh)
    assert res.returncode == 0, res.stderr
    assert "and 2 document files" in res.stdout
    assert (fresh / "documents" / pdf_hash).read_bytes() == PDF
    assert (fresh / "documents" / docx_hash).read_bytes() == DOCX


def test_restore_says_which_files_it_could_not_find(tmp_path, app, config, db):
    pdf_hash, docx_hash = seed(config)
    db.close()
    target = tmp_path / "b.sqlite3"
    assert run("backup", str(target), data_dir=config.data_dir).returncode == 0
    (tmp_path / "b.sqlite3.documents" / docx_hash).unlink()
    res = run("restore", str(target), data_dir=tmp_path / "fresh")
    assert res.returncode == 0
    assert "Missing: 1 document files" in res.stderr
    assert (tmp_path / "fresh" / "documents" / pdf_hash).is_file()


def test_export_and_import_carry_the_files(tmp_path, app, config, db):
    pdf_hash, docx_hash = seed(config)
    db.close()
    out = tmp_path / "export.json"
    res = run("export", "--out", str(out), data_dir=config.data_dir)
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text())
    jsonschema.validate(data, SCHEMA)
    assert base64.b64decode(data["files"][pdf_hash]) == PDF and set(data["files"]) == {pdf_hash, docx_hash}
    assert len(data["tables"]["document_sent"]) == 2

    fresh = tmp_path / "fresh"
    res = run("import", str(out), data_dir=fresh)
    assert res.returncode == 0, res.stderr
    assert "and 2 document files" in res.stdout
    assert (fresh / "documents" / docx_hash).read_bytes() == DOCX
    con = sqlite3.connect(fresh / "jobloop.sqlite3")
    assert con.execute("SELECT count(*) FROM document_sent").fetchone()[0] == 2
    con.close()


def test_import_refuses_a_file_that_does_not_match_its_hash_or_a_hash_that_is_a_path(tmp_path, app, config, db):
    pdf_hash, _ = seed(config)
    db.close()
    out = tmp_path / "export.json"
    assert run("export", "--out", str(out), data_dir=config.data_dir).returncode == 0
    data = json.loads(out.read_text())
    data["files"][pdf_hash] = base64.b64encode(b"MZ swapped in").decode()
    data["tables"]["document_version"][0]["sha256"] = "../../token"
    out.write_text(json.dumps(data))
    res = run("import", str(out), data_dir=tmp_path / "fresh")
    assert res.returncode != 0
    assert "does not match its SHA-256" in res.stderr and "document_version row 1, sha256" in res.stderr
    assert not (tmp_path / "fresh" / "documents").exists()
