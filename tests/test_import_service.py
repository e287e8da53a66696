"""Import checks every row the way the API checks typed input, and writes all or nothing."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from factories import make_posting
from jobloop.migrations import SCHEMA_VERSION
from jobloop.models import ALL_MODELS, Posting, Setting
from jobloop.services import ServiceError, calendar, pipeline, transfer
from jobloop.services.import_rows import json_schema

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "docs" / "export.schema.json"


def exported(db) -> dict:
    posting = make_posting(title="Support Engineer", company="Hooli")
    pipeline.change_stage(posting, "applied")
    data = transfer.export_data()
    # Empty the store again so the same data dir can take the import.
    for model in reversed(ALL_MODELS):
        model.delete().where(model.id.is_null(False) if model is not Setting
                             else Setting.key.not_in(transfer.APP_SETTINGS)).execute()
    return data


def refused(data) -> str:
    with pytest.raises(ServiceError) as err:
        transfer.import_data(data)
    assert Posting.select().count() == 0  # nothing half-written
    assert "\n" not in err.value.message
    return err.value.message


def test_export_matches_the_documented_schema(app, db):
    make_posting(title="Analyst")
    data = transfer.export_data()
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text()))
    assert (data["format"], data["format_version"], data["schema_version"]) == ("jobloop-export", 1, SCHEMA_VERSION)


def test_documented_schema_is_the_one_the_code_writes(app):
    # scripts/export-schema writes the file; a model change without a rerun fails here.
    assert json.loads(SCHEMA_FILE.read_text()) == json.loads(json.dumps(json_schema(transfer.FORMAT_VERSION)))


def test_the_schema_rejects_what_import_refuses(app, db):
    data = exported(db)
    data["tables"]["posting"][0]["stage"] = "hired"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text()))


def test_the_calendar_secret_is_made_at_start_not_by_viewing_settings(app, db, client):
    made = [(s.key, s.value) for s in Setting.select()]
    assert [key for key, _ in made] == [calendar.SECRET_KEY]
    assert client.get("/settings").status_code == 200
    assert [(s.key, s.value) for s in Setting.select()] == made


def test_a_store_with_only_app_made_settings_is_empty(app, db):
    data = exported(db)
    theirs = next(r for r in data["tables"]["setting"] if r["key"] == calendar.SECRET_KEY)["value"]
    assert calendar.regenerate() != theirs  # this store's own, made by the app
    transfer.import_data(data)
    assert Posting.select().count() == 1
    assert calendar.secret() == theirs  # the file's secret: the user's calendar subscription keeps working


def test_import_refuses_a_non_empty_store(app, db):
    data = exported(db)
    transfer.import_data(data)
    with pytest.raises(ServiceError, match="not empty"):
        transfer.import_data(data)


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["tables"]["posting"][0].update(stage="hired"), "posting row 1, stage: 'hired' is not one of"),
    (lambda d: d["tables"]["posting"][0].update(url="javascript:alert(1)"), "posting row 1, url:"),
    (lambda d: d["tables"]["event"][-1].update(at="yesterday"), "is not a date and time"),
    (lambda d: d["tables"]["event"][0].update(posting_id=999), "event row 1, posting_id: points at posting id 999"),
    (lambda d: d["tables"]["posting"][0].update(title="x" * 600), "posting row 1, title: is longer than 512"),
    (lambda d: d["tables"]["posting"][0].update(skills="SQL"), "posting row 1, skills: must be a JSON list"),
    (lambda d: d["tables"]["posting"][0].pop("canonical_url"), "posting row 1, canonical_url: is missing"),
    (lambda d: d["tables"]["company"].append(dict(d["tables"]["company"][0], id=77)), "company row 2, name: same as row 1"),
    (lambda d: d["tables"]["snapshot"][0].update(html_gz="%%%"), "snapshot row 1, html_gz: is not base64"),
])
def test_import_names_the_first_bad_row(app, db, change, expected):
    data = exported(db)
    change(data)
    message = refused(data)
    assert message.startswith("nothing imported: ") and expected in message, message


def test_import_lists_several_problems_in_one_line(app, db):
    data = exported(db)
    for event in data["tables"]["event"]:
        event["kind"] = 5
    message = refused(data)
    assert "event row 1, kind" in message and "event row 2, kind" in message and "more)" not in message


def test_unknown_tables_and_columns_are_named_not_dropped(app, db):
    data = exported(db)
    data["tables"]["posting"][0]["mood"] = "hopeful"
    data["tables"]["badge"] = [{"id": 1}]
    message = refused(data)
    assert "column posting.mood" in message and "table badge" in message


def test_newer_files_are_refused_naming_versions(app, db):
    data = exported(db)
    newer = dict(data, format_version=2)
    assert "export format 2, from a newer jobloop" in refused(newer)
    newer = dict(data, schema_version=SCHEMA_VERSION + 1)
    message = refused(newer)
    assert f"schema version {SCHEMA_VERSION + 1}" in message and f"schema version {SCHEMA_VERSION}:" in message


def test_description_html_is_sanitized_again(app, db):
    data = exported(db)
    data["tables"]["posting"][0]["description_html"] = '<p onclick="x()">Hi<script>steal()</script></p>'
    transfer.import_data(data)
    assert Posting.get().description_html == "<p>Hi</p>"


def test_a_database_refusal_is_one_line_and_writes_nothing(app, db, monkeypatch):
    data = exported(db)
    # With the file's unique-key check switched off, the store's own unique index refuses the row.
    data = copy.deepcopy(data)
    monkeypatch.setattr(transfer.import_rows, "UNIQUE", {})
    data["tables"]["company"].append(dict(data["tables"]["company"][0], id=99))
    message = refused(data)
    # Each engine words it its own way (SQLite: UNIQUE constraint failed; PostgreSQL: duplicate key).
    assert message.startswith("nothing imported: company row 2: "), message
    assert "unique" in message.lower(), message
