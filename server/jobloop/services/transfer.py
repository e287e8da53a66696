"""Backup, export and import: the user's job search must never be stuck in one file.

- backup: a consistent copy of the SQLite file as it is (SQLite's online backup API,
  so WAL contents are included), safe while the server runs; never migrated first.
- export: every table as JSON rows, read in one transaction (one moment of the
  store), with the format and schema versions; the format is docs/export.md.
- import: the same JSON into an empty store, every row checked the way the API
  checks typed input (import_rows.py), all or nothing.
- documents sent with applications are files in the data dir, not rows (documents.py):
  a backup copies them to a folder beside the backup file (`<backup>.documents/`), a
  restore copies them back; an export carries them in its "files" object (base64, by
  SHA-256) and an import writes them, each checked against its hash.
Files written here are private (0600): they hold the whole search and the calendar secret.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

from peewee import BlobField, IntegrityError

from .. import __version__
from ..db import database, move_sequences, read_transaction
from ..migrations import SCHEMA_VERSION
from ..models import ALL_MODELS, Setting, utcnow
from . import ServiceError, calendar, documents, import_rows, posting_skills, settings

FORMAT = "jobloop-export"
FORMAT_VERSION = 1
# Settings the app makes by itself: a store holding only these is still empty.
APP_SETTINGS = frozenset({calendar.SECRET_KEY})
MAX_PROBLEMS_SHOWN = 3


def _os_reason(err: OSError) -> str:
    return err.strerror or str(err)


def create_private(path: Path, *, exclusive: bool) -> None:
    """Make (or truncate) a file only its owner can read, before anything is written to it."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
        os.close(os.open(path, flags, 0o600))
        os.chmod(path, 0o600)  # an existing file keeps its mode through O_TRUNC
    except FileExistsError:
        if exclusive and path.exists():
            raise ServiceError(f"{path} already exists; choose a new file name", code="exists") from None
        raise ServiceError(f"cannot write {path}: a parent is a file, not a folder", code="bad_path") from None
    except NotADirectoryError:
        raise ServiceError(f"cannot write {path}: a parent is a file, not a folder", code="bad_path") from None
    except OSError as err:
        raise ServiceError(f"cannot write {path}: {_os_reason(err)}", code="bad_path") from None


def files_beside(backup_file: Path) -> Path:
    """Where a backup's document files go: a folder named after the backup file."""
    backup_file = Path(backup_file)
    return backup_file.with_name(backup_file.name + ".documents")


def _document_hashes(sqlite_file: Path) -> set[str]:
    con = sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'document_version'").fetchone():
            return set()
        return {sha for (sha,) in con.execute("SELECT DISTINCT sha256 FROM document_version")}
    finally:
        con.close()


def backup(sqlite_path: Path, target: Path) -> Path:
    """Copy the store as it is to a new file, and the document files its rows name to the
    folder beside it (files_beside); the store is read, never changed."""
    target = Path(target)
    if not Path(sqlite_path).is_file():
        raise ServiceError(f"there is no store at {sqlite_path}", code="no_store")
    create_private(target, exclusive=True)
    try:
        src = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
        dst = sqlite3.connect(str(target))
        try:
            with dst:
                src.backup(dst)
        finally:
            src.close()
            dst.close()
    except sqlite3.Error as err:
        target.unlink(missing_ok=True)
        raise ServiceError(f"backup to {target} failed: {err}", code="backup_failed") from None
    hashes = _document_hashes(target)
    if hashes:
        source = documents.folder_of(Path(sqlite_path).parent)
        try:
            documents.copy_files(source, files_beside(target), hashes)
        except OSError as err:
            raise ServiceError(f"backup of the document files to {files_beside(target)} failed: {_os_reason(err)}",
                               code="backup_failed") from None
    return target


def restore_files(source: Path, data_dir: Path) -> tuple[int, list[str]]:
    """After a restore: bring the document files the restored store names from the folder
    beside the backup into the data dir (files already there are kept). Returns
    (copied, hashes still missing); call with the restored store open."""
    hashes = documents.hashes_in_store()
    folder = documents.folder_of(data_dir)
    copied, missing = documents.copy_files(files_beside(source), folder, hashes)
    return copied, [h for h in missing if not documents.file_path(folder, h).is_file()]


def encode_value(field, value: Any) -> Any:
    """A column value as export files (and bulk undo records) keep it: blobs base64, dates ISO."""
    if value is None:
        return None
    if isinstance(field, BlobField):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def export_data(documents_dir: Path | None = None) -> dict[str, Any]:
    """Every table, read inside one transaction so the file is one moment of the store; with
    `documents_dir`, the document files too (a file missing there is left out, and named by
    an import as missing)."""
    tables: dict[str, list[dict]] = {}
    with read_transaction():
        for model in ALL_MODELS:
            fields = model._meta.sorted_fields
            rows = model.select().order_by(model._meta.primary_key).tuples()
            tables[model._meta.table_name] = [
                {f.column_name: encode_value(f, v) for f, v in zip(fields, row)} for row in rows
            ]
    data = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": SCHEMA_VERSION,
            "app_version": __version__, "exported_at": utcnow().isoformat(timespec="seconds") + "Z",
            "tables": tables}
    hashes = {row["sha256"] for row in tables.get("document_version", [])}
    if documents_dir is not None and hashes:
        files = {}
        for digest in sorted(hashes):
            path = documents.file_path(documents_dir, digest)
            if path.is_file():
                files[digest] = base64.b64encode(path.read_bytes()).decode("ascii")
        data["files"] = files
    return data


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


def write_export(data: dict[str, Any], path: Path) -> Path:
    create_private(path, exclusive=False)
    try:
        Path(path).write_text(dumps(data), encoding="utf-8")
    except OSError as err:
        raise ServiceError(f"cannot write {path}: {_os_reason(err)}", code="bad_path") from None
    return Path(path)


def has_user_data() -> bool:
    """Anything the user made. Settings the app makes by itself (the calendar secret) do not count."""
    if settings.any_besides(APP_SETTINGS):
        return True
    return any(model.select().exists() for model in ALL_MODELS if model is not Setting)


def _check_header(data: Any) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ServiceError("this file is not a jobloop export", code="bad_format")
    version = data.get("format_version", 1)  # files from before format_version are format 1
    if not isinstance(version, int) or version < 1:
        raise ServiceError(f"format_version {version!r} is not a version number", code="bad_format")
    if version > FORMAT_VERSION:
        raise ServiceError(f"this file is export format {version}, from a newer jobloop; jobloop {__version__}"
                           f" reads format {FORMAT_VERSION} and older", code="newer_format")
    schema = data.get("schema_version")
    if isinstance(schema, int) and schema > SCHEMA_VERSION:
        raise ServiceError(f"this file comes from a store at schema version {schema}; jobloop {__version__}"
                           f" knows schema version {SCHEMA_VERSION}: import it with the newer jobloop",
                           code="newer_format")
    if not isinstance(data.get("tables"), dict):
        raise ServiceError("this export has no tables object", code="bad_format")


def _unknown(tables: dict[str, Any]) -> list[str]:
    """Tables and columns this jobloop does not know: named, never silently dropped."""
    models = {m._meta.table_name: m for m in ALL_MODELS}
    found = []
    for table, rows in tables.items():
        model = models.get(table)
        if model is None:
            found.append(f"table {table}")
            continue
        known = {f.column_name for f in model._meta.sorted_fields}
        columns = {c for row in rows if isinstance(row, dict) for c in row} if isinstance(rows, list) else set()
        found.extend(f"column {table}.{c}" for c in sorted(columns - known))
    return found


def _refuse(problems: list, what: str) -> ServiceError:
    shown = "; ".join(str(p) for p in problems[:MAX_PROBLEMS_SHOWN])
    more = f" (and {len(problems) - MAX_PROBLEMS_SHOWN} more)" if len(problems) > MAX_PROBLEMS_SHOWN else ""
    return ServiceError(f"nothing imported: {len(problems)} {what}: {shown}{more}", code="bad_rows")


def _files(data: dict[str, Any]) -> tuple[dict[str, bytes], list[str]]:
    """The export's document files, decoded, each checked against the hash it is filed under."""
    raw = data.get("files", {})
    if not isinstance(raw, dict):
        return {}, ["files must be an object of SHA-256 -> base64"]
    files, problems = {}, []
    for digest, encoded in raw.items():
        try:
            content = base64.b64decode(encoded, validate=True)
        except (TypeError, ValueError):
            problems.append(f"file {str(digest)[:16]}… is not base64")
            continue
        if not isinstance(digest, str) or hashlib.sha256(content).hexdigest() != digest:
            problems.append(f"file {str(digest)[:16]}… does not match its SHA-256")
            continue
        files[digest] = content
    return files, problems


def import_data(data: dict[str, Any], documents_dir: Path | None = None) -> dict[str, int]:
    """Check the whole file first; then write it in one transaction, or write nothing.
    The document files go to `documents_dir` (counted as "files")."""
    _check_header(data)
    tables = data["tables"]
    unknown = _unknown(tables)
    if unknown:
        raise _refuse(unknown, "things this jobloop does not know, from a newer or different program")
    ready, problems = import_rows.check(tables)
    files, file_problems = _files(data)
    problems = problems + file_problems
    if problems:
        raise _refuse(problems, "problems in the file")
    counts: dict[str, int] = {}
    with database.atomic():
        if has_user_data():
            raise ServiceError("the store is not empty; import into a new data dir so nothing is overwritten",
                               code="not_empty")
        file_settings = [row["key"] for row in ready.get("setting", [])]
        if file_settings:  # the file's calendar secret replaces the one this store made for itself
            settings.forget(file_settings)
        for model in ALL_MODELS:  # parents before children: the list is in dependency order
            table = model._meta.table_name
            for n, values in enumerate(ready.get(table, []), start=1):
                try:
                    model.insert(values).execute()
                except IntegrityError as err:
                    # First line only: PostgreSQL adds a DETAIL line.
                    reason = str(err).strip().splitlines()[0]
                    raise ServiceError(f"nothing imported: {table} row {n}: {reason}", code="bad_rows") from None
            counts[table] = len(ready.get(table, []))
        move_sequences(ALL_MODELS)  # rows were written with their ids: new rows must start past them
        posting_skills.rebuild()  # derived from the postings just written (not in the file)
        if documents_dir is not None:
            for content in files.values():
                documents.write_file(documents_dir, content)
            counts["files"] = len(files)
    return counts


# ---- restore -----------------------------------------------------------------------------------

SIDE_FILES = ("-wal", "-shm")


def _parts(path: Path) -> list[Path]:
    """The store and its WAL companions: they belong together, or the store is garbled."""
    return [path] + [path.with_name(path.name + suffix) for suffix in SIDE_FILES]


def stage_restore(source: Path, sqlite_path: Path) -> Path:
    """Copy a backup next to the store and prove it sound; the store is not touched yet.

    The copy goes through SQLite's backup API, so a backup file that still has its own
    -wal beside it is read whole. Returns the staged file; refuses with one line."""
    source = Path(source)
    staged = sqlite_path.with_name(sqlite_path.name + ".restoring")
    for part in _parts(staged):
        part.unlink(missing_ok=True)
    create_private(staged, exclusive=True)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(str(staged))
        try:
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
            with dst:
                src.backup(dst)
            result = dst.execute("PRAGMA integrity_check").fetchall()
        finally:
            src.close()
            dst.close()
    except sqlite3.Error as err:
        for part in _parts(staged):
            part.unlink(missing_ok=True)
        raise ServiceError(f"{source} is not a readable jobloop store: {err}", code="bad_backup") from None
    if [tuple(r) for r in result] != [("ok",)]:
        for part in _parts(staged):
            part.unlink(missing_ok=True)
        raise ServiceError(f"{source} failed SQLite's integrity check: {result[0][0]}", code="bad_backup")
    con = sqlite3.connect(str(staged))
    try:
        has_postings = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'posting'").fetchone()
        version = con.execute("SELECT version FROM schema_version").fetchone() if has_postings else None
    except sqlite3.Error:
        version = None
    finally:
        con.close()
    problem = None
    if not (has_postings and version):
        problem = f"{source} is an SQLite file but not a jobloop store"
    elif version[0] > SCHEMA_VERSION:
        problem = (f"{source} has schema version {version[0]}, newer than jobloop {__version__} knows"
                   f" (schema version {SCHEMA_VERSION}); restore it with the newer jobloop")
    if problem:
        for part in _parts(staged):
            part.unlink(missing_ok=True)
        raise ServiceError(problem, code="bad_backup")
    return staged


def swap_in(staged: Path, sqlite_path: Path, now: datetime) -> Path | None:
    """Put the current store (with its -wal/-shm) aside in a dated folder, never deleting it,
    and the staged copy in its place. Returns the folder the old store went to, if any."""
    aside = None
    if any(part.exists() for part in _parts(sqlite_path)):
        aside = sqlite_path.parent / f"before-restore-{now:%Y%m%d-%H%M%S}"
        n = 1
        while aside.exists():
            n += 1
            aside = sqlite_path.parent / f"before-restore-{now:%Y%m%d-%H%M%S}-{n}"
        aside.mkdir(mode=0o700)
        for part in _parts(sqlite_path):
            if part.exists():
                os.replace(part, aside / part.name)
    os.replace(staged, sqlite_path)
    return aside


def table_counts() -> dict[str, int]:
    return {model._meta.table_name: model.select().count() for model in ALL_MODELS}
