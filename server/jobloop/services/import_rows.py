"""The rows of an export file, checked the way the API checks what a user types.

An import must not let in what a capture or a typed edit would refuse: every value
is checked against its column (type, length, allowed values, dates, URLs), every
reference must point at a row of the same file, unique keys must be unique, and
description HTML goes through the same allow-list sanitizer as a captured page.
`check` returns the rows ready to insert and the problems found, each naming the
table, the row and the field; the caller refuses the file when there is any.
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from peewee import (
    BlobField, BooleanField, CharField, DateField, DateTimeField, FloatField, ForeignKeyField, IntegerField,
    TextField,
)

from ..models import ALL_MODELS, DOCUMENT_KINDS, REMOTE_KINDS, SALARY_PERIODS, STAGES, WARMTH, JSONField
from ..parsing.description import sanitize_html
from . import tags
from .errors import ServiceError

FOLLOWUP_STATUSES = ("open", "done", "dismissed", "closed")

CHOICES: dict[tuple[str, str], tuple] = {
    ("posting", "stage"): STAGES, ("posting", "remote"): REMOTE_KINDS,
    ("posting", "salary_period"): SALARY_PERIODS, ("event", "from_stage"): STAGES,
    ("event", "to_stage"): STAGES, ("contact", "warmth"): WARMTH, ("follow_up", "status"): FOLLOWUP_STATUSES,
    ("reflection", "stage_reached"): STAGES, ("document_version", "kind"): DOCUMENT_KINDS,
}
# Text that must have a shape: a document's hash names its file in the data dir.
PATTERNS: dict[tuple[str, str], str] = {("document_version", "sha256"): r"^[0-9a-f]{64}$"}
RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("reflection", "confidence"): (1, 5), ("profile_skill", "level"): (1, 5),
    ("posting", "salary_min"): (0, float("inf")), ("posting", "salary_max"): (0, float("inf")),
}
URLS = {("posting", "url"), ("posting", "canonical_url"), ("posting", "apply_url"), ("contact", "linkedin_url"),
        ("snapshot", "url")}
# JSON columns: the Python type each must hold (lists hold strings).
JSON_SHAPES: dict[tuple[str, str], type | None] = {
    ("posting", "locations"): list, ("posting", "skills"): list, ("posting", "user_edited"): list,
    ("posting", "field_sources"): dict, ("event", "details"): dict, ("setting", "value"): None,
}
UNIQUE: dict[str, tuple[str, ...]] = {
    "company": ("name",), "posting": ("canonical_url",), "setting": ("key",), "profile_skill": ("name",),
    "posting_contact": ("posting_id", "contact_id"), "tag": ("name",), "posting_tag": ("posting_id", "tag_id"),
    "document": ("name",), "document_version": ("document_id", "number"), "document_sent": ("posting_id", "version_id"),
}
SANITIZED = {("posting", "description_html")}
MAX_TEXT = 1_000_000  # a text column; descriptions and notes stay far below it


@dataclass
class Problem:
    table: str
    row: int  # 1-based position in the file's list
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.table} row {self.row}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.message}"


class _Bad(Exception):
    pass


def _value(table: str, field, value: Any) -> Any:
    """The value to store, or _Bad saying why it cannot be."""
    key = (table, field.column_name)
    if value is None:
        if not field.null:
            raise _Bad("must not be null")
        return None
    if isinstance(field, (ForeignKeyField, IntegerField)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"{value!r} is not a whole number")
    elif isinstance(field, FloatField):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Bad(f"{value!r} is not a number")
        value = float(value)
    elif isinstance(field, BooleanField):
        if value not in (True, False, 0, 1):
            raise _Bad(f"{value!r} is not true or false")
        value = bool(value)
    elif isinstance(field, DateTimeField):
        try:
            value = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise _Bad(f"{value!r} is not a date and time (ISO 8601)") from None
        if value.tzinfo is not None:  # the store is naive UTC
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
    elif isinstance(field, DateField):
        try:
            value = date.fromisoformat(value)
        except (TypeError, ValueError):
            raise _Bad(f"{value!r} is not a date (YYYY-MM-DD)") from None
    elif isinstance(field, BlobField):
        try:
            value = base64.b64decode(value, validate=True)
        except (TypeError, ValueError, binascii.Error):
            raise _Bad("is not base64") from None
    elif isinstance(field, JSONField):
        shape = JSON_SHAPES.get(key)
        if shape is not None and not isinstance(value, shape):
            raise _Bad(f"must be a JSON {'list' if shape is list else 'object'}")
        if shape is list and not all(isinstance(item, str) for item in value):
            raise _Bad("must be a list of strings")
    elif isinstance(field, (CharField, TextField)):
        if not isinstance(value, str):
            raise _Bad(f"{value!r} is not text")
        limit = field.max_length if isinstance(field, CharField) else MAX_TEXT
        if len(value) > (limit or 255):
            raise _Bad(f"is longer than {limit or 255} characters")
    if key in CHOICES and value not in CHOICES[key]:
        raise _Bad(f"{value!r} is not one of {', '.join(CHOICES[key])}")
    if key in RANGES:
        low, high = RANGES[key]
        if not low <= value <= high:
            raise _Bad(f"{value!r} is out of range" + (f" ({low}..{high:g})" if high != float("inf") else ""))
    if key in PATTERNS and not re.match(PATTERNS[key], value):
        raise _Bad(f"{value[:80]!r} does not have the form {PATTERNS[key]}")
    if key in URLS and not value.lower().startswith(("http://", "https://")):
        raise _Bad(f"{value[:80]!r} is not an http(s) address")
    if key in SANITIZED:
        value = sanitize_html(value)
    if key == ("tag", "name"):
        try:
            if tags.normalize(value) != value:
                raise _Bad(f"{value!r} is not written as a tag is kept ({tags.normalize(value)!r})")
        except ServiceError as err:
            raise _Bad(err.message) from None
    return value


def check(tables: dict[str, Any]) -> tuple[dict[str, list[dict]], list[Problem]]:
    """({table: [{field name: value}]}, problems) for the known tables of an export."""
    problems: list[Problem] = []
    ready: dict[str, list[dict]] = {}
    ids: dict[str, set[int]] = {}
    for model in ALL_MODELS:  # parents first: references are checked against tables already read
        table = model._meta.table_name
        rows = tables.get(table) or []
        if not isinstance(rows, list):
            problems.append(Problem(table, 0, None, "must be a list of rows"))
            continue
        by_column = {f.column_name: f for f in model._meta.sorted_fields}
        seen_ids: set[int] = set()
        seen_keys: dict[tuple, int] = {}
        out = []
        for n, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                problems.append(Problem(table, n, None, "is not an object"))
                continue
            values: dict[str, Any] = {}
            for column, field in by_column.items():
                if column not in row:
                    if field.primary_key:
                        problems.append(Problem(table, n, column, "is missing"))
                    elif field.default is None and not field.null:
                        problems.append(Problem(table, n, column, "is missing"))
                    continue
                try:
                    values[field.name] = _value(table, field, row[column])
                except _Bad as bad:
                    problems.append(Problem(table, n, column, str(bad)))
                    continue
                if isinstance(field, ForeignKeyField) and row[column] is not None:
                    parent = field.rel_model._meta.table_name
                    if row[column] not in ids.get(parent, set()):
                        problems.append(Problem(table, n, column, f"points at {parent} id {row[column]},"
                                                                  " which is not in the file"))
            row_id = row.get("id")
            if isinstance(row_id, int):
                if row_id in seen_ids:
                    problems.append(Problem(table, n, "id", f"id {row_id} appears twice"))
                seen_ids.add(row_id)
            if table in UNIQUE:
                unique = tuple(row.get(c) for c in UNIQUE[table])
                if unique in seen_keys:
                    problems.append(Problem(table, n, ", ".join(UNIQUE[table]),
                                            f"same as row {seen_keys[unique]}; it must be unique"))
                seen_keys.setdefault(unique, n)
            if table == "follow_up" and row.get("posting_id") is None and row.get("contact_id") is None:
                problems.append(Problem(table, n, None, "belongs to neither a posting nor a contact"))
            out.append(values)
        ids[table] = seen_ids
        ready[table] = out
    return ready, problems


# ---- the same rules as a JSON Schema (docs/export.schema.json is written from this) ---------

_DATETIME = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _column_schema(table: str, field) -> dict:
    key = (table, field.column_name)
    if isinstance(field, (ForeignKeyField, IntegerField)):
        out: dict = {"type": "integer"}
    elif isinstance(field, FloatField):
        out = {"type": "number"}
    elif isinstance(field, BooleanField):
        out = {"type": "boolean"}
    elif isinstance(field, DateTimeField):
        out = {"type": "string", "pattern": _DATETIME, "description": "UTC date and time, ISO 8601"}
    elif isinstance(field, DateField):
        out = {"type": "string", "pattern": _DATE}
    elif isinstance(field, BlobField):
        out = {"type": "string", "contentEncoding": "base64"}
    elif isinstance(field, JSONField):
        shape = JSON_SHAPES.get(key)
        out = ({"type": "array", "items": {"type": "string"}} if shape is list
               else {"type": "object"} if shape is dict else {})
    else:
        out = {"type": "string"}
        if isinstance(field, CharField):
            out["maxLength"] = field.max_length or 255
    if key in CHOICES:
        out["enum"] = list(CHOICES[key])
    if key in RANGES:
        low, high = RANGES[key]
        out["minimum"] = low
        if high != float("inf"):
            out["maximum"] = high
    if key in URLS:
        out["pattern"] = "^[Hh][Tt][Tt][Pp][Ss]?://"
    if key in PATTERNS:
        out["pattern"] = PATTERNS[key]
    if isinstance(field, ForeignKeyField):
        out["description"] = f"id of a {field.rel_model._meta.table_name} row in the same file"
    if field.null and out:
        if "enum" in out:
            out["enum"] = out["enum"] + [None]
        out["type"] = [out["type"], "null"]
    return out


def json_schema(format_version: int) -> dict:
    tables = {}
    for model in ALL_MODELS:
        table = model._meta.table_name
        fields = model._meta.sorted_fields
        tables[table] = {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {f.column_name: _column_schema(table, f) for f in fields},
                "required": [f.column_name for f in fields if f.primary_key or (f.default is None and not f.null)],
                "additionalProperties": False,
            },
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "jobloop export",
        "description": "A `jobloop export` file: every table of the store as rows of JSON. See docs/export.md.",
        "type": "object",
        "required": ["format", "format_version", "schema_version", "app_version", "exported_at", "tables"],
        "properties": {
            "format": {"const": "jobloop-export"},
            "format_version": {"type": "integer", "minimum": 1, "maximum": format_version},
            "schema_version": {"type": "integer", "minimum": 1},
            "app_version": {"type": "string"},
            "exported_at": {"type": "string", "pattern": _DATETIME},
            "tables": {"type": "object", "properties": tables, "additionalProperties": False},
            "files": {"type": "object", "description": "the files of document_version rows: SHA-256 -> base64",
                      "propertyNames": {"pattern": PATTERNS[("document_version", "sha256")]},
                      "additionalProperties": {"type": "string", "contentEncoding": "base64"}},
        },
        "additionalProperties": False,
    }
