"""Imports move the sequences: after an import, new rows get new ids on both stores
(PostgreSQL's id sequences do not see the ids an import writes; without moving them the
next capture, contact, note and goal failed on id 1)."""
from __future__ import annotations

from factories import make_posting
from jobloop.config import Config
from jobloop.db import open_database
from jobloop.migrations import migrate
from jobloop.models import Contact, Event, Goal, Posting
from jobloop.services import goals, network, pipeline, transfer
from stores import other_database_url


def test_rows_made_after_an_import_get_new_ids(app, db, tmp_path):
    first = make_posting(title="Support Engineer", company="Hooli")
    pipeline.add_note(first, "Sent portfolio")
    network.create(name="Dana")
    goals.create("Learn Rust")
    for n in range(3):
        make_posting(title=f"Role {n}")
    data = transfer.export_data()
    db.close()

    # A new store (a second database on PostgreSQL), as `jobloop import` on a new machine.
    other = open_database(Config(data_dir=tmp_path / "other", database_url=other_database_url(), testing=True))
    with other.connection_context():
        migrate(other)
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
