"""Documents sent with applications: "CV v3" went to Acme on 24 November.

A document ("CV", "Cover letter") has numbered versions; a version is one uploaded
file, sent with any number of applications. The bytes are not in the database: each
file lives once in the data dir's `documents/` folder (0700; files 0600), named by
its SHA-256, so a CV sent fifty times is stored once and no path ever comes from what
a user typed or uploaded. The type is read from the content, never from the name:
PDF by its header, DOCX and ODT by their zip structure, TXT by decoding as UTF-8.

Removing the last application a version went with does not remove the file: the
caller asks the user first (`unused_after`, `delete_version`).
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from peewee import JOIN, fn

from ..config import private_dir
from ..db import database
from ..models import Company, Document, DocumentSent, DocumentVersion, Posting
from . import Conflict, NotFound, ServiceError
from .bounds import MAX_DOCUMENT_BYTES, check_date

FOLDER = "documents"
MAX_NAME = 200
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MIMETYPES = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "odt": "application/vnd.oasis.opendocument.text", "txt": "text/plain; charset=utf-8"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# What a refused file looks like, to say so in the message.
PROGRAMS = ((b"MZ", "a Windows program"), (b"\x7fELF", "a Linux program"), (b"\xcf\xfa\xed\xfe", "a macOS program"),
            (b"\xca\xfe\xba\xbe", "a macOS or Java program"), (b"#!", "a script"))
ACCEPTED = "PDF, Word (.docx), OpenDocument text (.odt) or plain UTF-8 text"


def folder_of(data_dir: Path) -> Path:
    return Path(data_dir) / FOLDER


# ---- what a file is -------------------------------------------------------------------------

def kind_of(data: bytes) -> str:
    """pdf, docx, odt or txt, read from the bytes; anything else is refused with what it looks like."""
    if not data:
        raise ServiceError("the file is empty", code="empty_file")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ServiceError(f"the file is {len(data) / 1048576:.1f} MB; documents can be up to "
                           f"{MAX_DOCUMENT_BYTES // 1048576} MB", code="too_large")
    for magic, what in PROGRAMS:
        if data.startswith(magic):
            raise ServiceError(f"this file is {what}, not a document; attach a {ACCEPTED} file",
                               code="invalid_file_type")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        return "txt"
    raise ServiceError(f"this file is not a {ACCEPTED} file (the name does not matter: its content is read)",
                       code="invalid_file_type")


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
                if archive.read("mimetype").strip() == ODT_MIMETYPE:
                    return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, OSError, KeyError, NotImplementedError):
        raise ServiceError("this zip file is damaged; attach the document again", code="invalid_file_type") from None
    raise ServiceError(f"this zip file is neither a Word (.docx) nor an OpenDocument text (.odt); attach a "
                       f"{ACCEPTED} file", code="invalid_file_type")


def clean_filename(name: str | None, kind: str) -> str:
    """The uploaded name, for showing and for the download's name only: its last part,
    without control characters, cut to 255, with the extension the content has."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{(stem or 'document')[:240]}.{kind}"


# ---- the files ------------------------------------------------------------------------------

def file_path(folder: Path, sha256: str) -> Path:
    """Where a file with this hash lives; the name is the hash, checked to be one."""
    if not isinstance(sha256, str) or not SHA256.match(sha256):
        raise ServiceError("not a SHA-256 hash", code="invalid_hash")
    return Path(folder) / sha256


def write_file(folder: Path, data: bytes) -> str:
    """Store the bytes once under their hash (0600, in a 0700 folder); returns the hash."""
    digest = hashlib.sha256(data).hexdigest()
    folder = private_dir(Path(folder))
    folder.chmod(0o700)
    target = file_path(folder, digest)
    if target.is_file() and target.stat().st_size == len(data):
        return digest
    tmp = folder / f".{digest}.{secrets.token_hex(8)}.tmp"  # one per writer: threads share a pid
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, target)  # never half a file under the hash's name
    return digest


def read_file(folder: Path, version: DocumentVersion) -> bytes:
    path = file_path(folder, version.sha256)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"the file of {label(version)} is missing from {folder}") from None


# ---- documents and versions -----------------------------------------------------------------

def label(version: DocumentVersion) -> str:
    return f"{version.document.name} v{version.number}"


def _document_named(name: str, now: datetime) -> Document:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError("name the document, e.g. CV or Cover letter", code="invalid_name")
    if len(name) > MAX_NAME:
        raise ServiceError(f"a document's name has at most {MAX_NAME} characters", code="too_long")
    found = Document.get_or_none(fn.LOWER(Document.name) == name.lower())
    return found or Document.create(name=name, created_at=now)


def add_version(folder: Path, name: str, data: bytes, filename: str | None, *,
                now: datetime) -> tuple[DocumentVersion, bool]:
    """A new version of the document `name` (made if new), and whether it is new: the same
    content uploaded again for the same document is the version it already is."""
    kind = kind_of(data)
    with database.atomic():
        document = _document_named(name, now)
        digest = hashlib.sha256(data).hexdigest()
        same = (DocumentVersion.select().where((DocumentVersion.document == document)
                                               & (DocumentVersion.sha256 == digest)).first())
        if same is not None:
            write_file(folder, data)  # in case the file went missing: the upload brings it back
            return same, False
        number = (DocumentVersion.select(fn.MAX(DocumentVersion.number))
                  .where(DocumentVersion.document == document).scalar() or 0) + 1
        write_file(folder, data)
        return DocumentVersion.create(document=document, number=number, sha256=digest, size=len(data), kind=kind,
                                      filename=clean_filename(filename, kind), uploaded_at=now), True


def get_version(version_id: int) -> DocumentVersion:
    found = (DocumentVersion.select(DocumentVersion, Document).join(Document)
             .where(DocumentVersion.id == version_id).first())
    if found is None:
        raise NotFound(f"no document version with id {version_id}")
    return found


def attach(posting: Posting, version: DocumentVersion, *, sent_at: datetime | None = None,
           now: datetime) -> DocumentSent:
    """Record that this version went with this application (once; a second time moves the date)."""
    sent_at = check_date(sent_at, "sent on") or now
    if sent_at > now:
        raise ServiceError("a document cannot be sent in the future", code="future_date")
    with database.atomic():
        found = DocumentSent.get_or_none((DocumentSent.posting == posting) & (DocumentSent.version == version))
        if found is not None:
            found.sent_at = sent_at
            found.save()
            return found
        return DocumentSent.create(posting=posting, version=version, sent_at=sent_at, created_at=now)


def get_sent(posting: Posting, sent_id: int) -> DocumentSent:
    found = DocumentSent.get_or_none((DocumentSent.id == sent_id) & (DocumentSent.posting == posting))
    if found is None:
        raise NotFound(f"posting {posting.id} has no document {sent_id}")
    return found


def uses(version: DocumentVersion) -> int:
    return DocumentSent.select().where(DocumentSent.version == version).count()


def detach(sent: DocumentSent) -> DocumentVersion | None:
    """Take a document off an application. Returns the version when that was its last
    application, so the caller can ask whether to delete the file too."""
    version = DocumentVersion.get_by_id(sent.version_id)
    sent.delete_instance()
    return version if uses(version) == 0 else None


def unused_after(posting: Posting) -> list[DocumentVersion]:
    """The versions this posting alone was sent with: deleting it leaves them unused."""
    mine = [s.version_id for s in DocumentSent.select(DocumentSent.version).where(DocumentSent.posting == posting)]
    if not mine:
        return []
    shared = {s.version_id for s in DocumentSent.select(DocumentSent.version)
              .where(DocumentSent.version.in_(mine) & (DocumentSent.posting != posting))}
    return [get_version(v) for v in mine if v not in shared]


def delete_version(folder: Path, version: DocumentVersion) -> None:
    """Delete a version no application uses any more, and its file unless another version
    (of any document) has the same content."""
    with database.atomic():
        if uses(version):
            raise Conflict(f"{label(version)} was sent with {uses(version)} application(s); take it off them first",
                           code="in_use")
        digest = version.sha256
        document = version.document
        version.delete_instance()
        if not DocumentVersion.select().where(DocumentVersion.document == document).exists():
            document.delete_instance()
        if not DocumentVersion.select().where(DocumentVersion.sha256 == digest).exists():
            file_path(folder, digest).unlink(missing_ok=True)


def delete_unused(folder: Path, version_ids: list[int]) -> list[str]:
    """Delete those of these versions that no application uses (the answer to "delete the
    file too?"); one still in use is left alone. Returns the labels deleted."""
    deleted = []
    for version_id in version_ids:
        version = DocumentVersion.get_or_none(DocumentVersion.id == version_id)
        if version is not None and not uses(version):
            name = label(version)
            delete_version(folder, version)
            deleted.append(name)
    return deleted


# ---- what the pages show --------------------------------------------------------------------

@dataclass
class SentRow:
    id: int
    version: DocumentVersion
    sent_at: datetime

    @property
    def label(self) -> str:
        return label(self.version)


def for_posting(posting: Posting) -> list[SentRow]:
    rows = (DocumentSent.select(DocumentSent, DocumentVersion, Document).join(DocumentVersion).join(Document)
            .where(DocumentSent.posting == posting).order_by(DocumentSent.sent_at, DocumentSent.id))
    return [SentRow(r.id, r.version, r.sent_at) for r in rows]


def catalogue() -> list[tuple[Document, list[tuple[DocumentVersion, list[DocumentSent]]]]]:
    """Every document, its versions newest first, and the applications each went with."""
    versions = list(DocumentVersion.select(DocumentVersion, Document).join(Document)
                    .order_by(Document.name, DocumentVersion.number.desc()))
    sent: dict[int, list[DocumentSent]] = {}
    query = (DocumentSent.select(DocumentSent, Posting, Company).join(Posting)
             .join(Company, join_type=JOIN.LEFT_OUTER).order_by(DocumentSent.sent_at.desc()))
    for row in query:
        sent.setdefault(row.version_id, []).append(row)
    out: list = []
    for v in versions:
        if not out or out[-1][0].id != v.document_id:
            out.append((v.document, []))
        out[-1][1].append((v, sent.get(v.id, [])))
    return out


def recent_versions(limit: int = 8) -> list[DocumentVersion]:
    """The versions sent most recently first (then the newest uploads), for "sent with"."""
    last_sent = (DocumentSent.select(DocumentSent.version, fn.MAX(DocumentSent.sent_at).alias("last"))
                 .group_by(DocumentSent.version))
    used = {vid: last for vid, last in last_sent.tuples()}
    versions = list(DocumentVersion.select(DocumentVersion, Document).join(Document))
    versions.sort(key=lambda v: (str(used.get(v.id) or ""), v.uploaded_at), reverse=True)
    return versions[:limit]


def to_dict(version: DocumentVersion) -> dict:
    return {"id": version.id, "label": label(version), "document": version.document.name, "version": version.number,
            "kind": version.kind, "size": version.size, "filename": version.filename,
            "uploaded_at": version.uploaded_at}


# ---- backup, restore, export, import --------------------------------------------------------

def hashes_in_store() -> set[str]:
    return {sha for (sha,) in DocumentVersion.select(DocumentVersion.sha256).distinct().tuples()}


def copy_files(source: Path, target: Path, hashes: set[str] | None = None) -> tuple[int, list[str]]:
    """Copy document files from one folder to another (only `hashes`, when given); a file
    already there is kept. Each copy is checked against its hash. Returns (copied, missing)."""
    copied, missing = 0, []
    wanted = sorted(hashes) if hashes is not None else sorted(
        p.name for p in Path(source).iterdir() if SHA256.match(p.name)) if Path(source).is_dir() else []
    for digest in wanted:
        src = file_path(source, digest)
        if file_path(target, digest).is_file():
            continue
        try:
            data = src.read_bytes()
        except FileNotFoundError:
            missing.append(digest)
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            missing.append(digest)  # damaged on the way: not stored under a hash it does not have
            continue
        write_file(target, data)
        copied += 1
    return copied, missing
