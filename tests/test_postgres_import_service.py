"""Imports move the sequences: after an import, new rows get new ids on both stores
(PostgreSQL's id sequences do not see the ids an import writes; without moving them the
next capture, contact, note and goal failed on id 1)."""
from __future__ import annotations

from factories import make_posting
from jobloop.models import ALL_MODELS, Contact, Event, Goal, Posting, Setting
from jobloop.services import goals, network, pipeline, transfer


def test_rows_made_after_an_import_get_new_ids(app, db):
    first = make_posting(title="Support Engineer", company="Hooli")
    pipeline.add_note(first, "Sent portfolio")
    network.create(name="Dana")
    goals.create("Learn Rust")
    for n in range(3):
        make_posting(title=f"Role {n}")
    data = transfer.export_data()
    for model in reversed(ALL_MODELS):  # empty the store, as a new one would be
        model.delete().where(model.id.is_null(False) if model is not Setting
                             else Setting.key.not_in(transfer.APP_SETTINGS)).execute()
    transfer.import_data(data)
    imported = {model: max(row["id"] for row in data["tables"][model._meta.table_name])
                for model in (Posting, Event, Contact, Goal)}

    posting = make_posting(title="After Import")
    note = pipeline.add_note(posting, "New note")
    contact = network.create(name="Ezra")
    goal = goals.create("Learn Go")
    assert posting.id > imported[Posting] and contact.id > imported[Contact] and goal.id > imported[Goal]
    assert note.id > imported[Event]
    assert Posting.select().count() == 5
