"""Backup, export and import: the user's job search must never be stuck in one file.

- backup: a consistent copy of the SQLite file while the server runs (SQLite's
  online backup API), so WAL contents are included.
- export: every table as JSON rows, readable by people and by other tools.
- import: the same JSON into an empty store (refused otherwise, so nothing is
  ever merged over or lost).
"""
from __future__ import annotations

import base64
import json
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

from peewee import BlobField, DateField, DateTimeField

from .. import __version__
from ..db import database, is_sqlite
from ..models import ALL_MODELS
from . import ServiceError

FORMAT = "jobloop-export"


def backup(sqlite_path: Path, target: Path) -> Path:
    if not is_sqlite():
        raise ServiceError("backup copies the SQLite file; for PostgreSQL use pg_dump or `jobloop export`")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise ServiceError(f"{target} already exists; choose a new file name", code="exists")
    src = sqlite3.connect(str(sqlite_path))
    dst = sqlite3.connect(str(target))
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def _encode(field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, BlobField):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _decode(field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, BlobField):
        return base64.b64decode(value)
    if isinstance(field, DateTimeField):
        return datetime.fromisoformat(value)
    if isinstance(field, DateField):
        return date.fromisoformat(value)
    return value


def export_data() -> dict[str, Any]:
    tables: dict[str, list[dict]] = {}
    for model in ALL_MODELS:
        fields = model._meta.sorted_fields
        rows = model.select().order_by(model._meta.primary_key).tuples()
        tables[model._meta.table_name] = [
            {f.column_name: _encode(f, v) for f, v in zip(fields, row)} for row in rows
        ]
    return {"format": FORMAT, "version": __version__, "tables": tables}


def import_data(data: dict[str, Any]) -> dict[str, int]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ServiceError("this file is not a jobloop export", code="bad_format")
    if any(model.select().exists() for model in ALL_MODELS):
        raise ServiceError("the store is not empty; import into a new data dir so nothing is overwritten",
                           code="not_empty")
    counts: dict[str, int] = {}
    tables = data.get("tables") or {}
    with database.atomic():
        for model in ALL_MODELS:  # parents before children: the list is in dependency order
            rows = tables.get(model._meta.table_name) or []
            by_column = {f.column_name: f for f in model._meta.sorted_fields}
            for row in rows:
                values = {}
                for column, value in row.items():
                    field = by_column.get(column)
                    if field is None:
                        continue
                    value = _decode(field, value)
                    # JSON columns were exported as Python values; insert() encodes them again.
                    values[field.name] = value
                model.insert(values).execute()
            counts[model._meta.table_name] = len(rows)
    return counts


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


