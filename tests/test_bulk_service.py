"""Bulk changes: one event per posting with the given date, through the pipeline; each
change one batch that undo reverts exactly, and refuses to when a row changed since."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from factories import stored_posting
from jobloop.models import (ALL_MODELS, BulkBatch, Event, FollowUp, Posting, PostingTag, Reflection, Snapshot,
                            Tag)
from jobloop.services import Conflict, ServiceError, bulk, pipeline, tags
from jobloop.services.postings import Filters

NOW = datetime(2026, 11, 30, 12, 0)
ON = datetime(2026, 11, 20, 11, 0)


def everything(db) -> dict:
    """Every row of every table but the batches themselves and tag names (a name stays for
    completion; what a posting carries is posting_tag), on either store."""
    return {m._meta.table_name: list(m.select().order_by(m.id).dicts())
            for m in ALL_MODELS if m is not Tag}


@pytest.fixture
def five(db):
    return [stored_posting("applied", title=f"Role {i}", at=NOW - timedelta(days=30 + i)) for i in range(5)]


def test_bulk_stage_change_makes_one_event_per_posting_on_the_date(five, db):
    ids = [p.id for p in five]
    batch = bulk.apply("stage", ids, now=NOW, stage="rejected", at=ON)
    events = list(Event.select().where((Event.kind == "stage") & (Event.to_stage == "rejected")))
    assert sorted(e.posting_id for e in events) == ids
    assert {e.at for e in events} == {ON}
    assert {p.stage for p in Posting.select()} == {"rejected"}
    # Through the pipeline: each rejection scheduled its feedback request and reflection.
    assert FollowUp.select().where(FollowUp.kind == "feedback_request").count() == 5
    assert Reflection.select().count() == 5
    assert batch.summary == "Moved 5 postings to rejected" and batch.postings == 5


def test_undo_of_a_stage_change_puts_back_every_row(five, db):
    before = everything(db)
    batch = bulk.apply("stage", [p.id for p in five], now=NOW, stage="rejected", at=ON)
    assert everything(db) != before
    bulk.undo(batch.token, NOW + timedelta(minutes=1))
    assert everything(db) == before
    with pytest.raises(Conflict):
        bulk.undo(batch.token, NOW)


@pytest.mark.parametrize("action,extra", [("archive", {}), ("tag_add", {"tag": "Referral"}),
                                          ("delete", {})])
def test_undo_reverts_exactly_what_the_action_changed(five, db, action, extra):
    tags.set_tags(five[0], ["dream"])
    pipeline.add_note(five[1], "a note to keep", now=NOW)
    Snapshot.create(posting=five[2], url=five[2].url, html_gz=b"\x1f\x8b\x08\x00gz", size=6, sha256="ab")
    before = everything(db)
    batch = bulk.apply(action, [p.id for p in five[:4]], now=NOW, **extra)
    assert everything(db) != before
    bulk.undo(batch.token, NOW)
    assert everything(db) == before


def test_undo_refuses_when_a_posting_changed_since(five, db):
    batch = bulk.apply("archive", [p.id for p in five], now=NOW)
    pipeline.add_note(Posting.get_by_id(five[0].id), "later", now=NOW + timedelta(minutes=5))
    with pytest.raises(Conflict) as err:
        bulk.undo(batch.token, NOW)
    assert "changed since" in err.value.message
    assert Posting.select().where(Posting.archived_at.is_null(False)).count() == 5  # nothing undone


def test_tags_and_archive_in_bulk(five, db):
    ids = [p.id for p in five]
    bulk.apply("tag_add", ids, now=NOW, tag="Relocation")
    assert PostingTag.select().count() == 5
    bulk.apply("tag_remove", ids[:2], now=NOW, tag="relocation")
    assert PostingTag.select().count() == 3
    bulk.apply("archive", ids[:3], now=NOW)
    assert bulk.matching(Filters()) == ids[3:]
    assert bulk.matching(Filters(archived="only")) == ids[:3]
    bulk.apply("unarchive", ids, now=NOW)
    assert bulk.matching(Filters()) == ids


def test_bulk_input_is_bounded_and_checked(five, db, monkeypatch):
    ids = [p.id for p in five]
    for action, ids_, extra, code in [
        ("stage", ids, {"stage": "nope"}, "invalid_stage"),
        ("stage", ids, {"stage": "applied", "at": NOW + timedelta(days=1)}, "future_date"),
        ("tag_add", ids, {"tag": "x" * 41}, "invalid_tag"),
        ("explode", ids, {}, "invalid_action"),
        ("archive", [], {}, "nothing_selected"),
        ("archive", ["1; drop"], {}, "invalid_id"),
    ]:
        with pytest.raises(ServiceError) as err:
            bulk.apply(action, ids_, now=NOW, **extra)
        assert err.value.code == code, action
    monkeypatch.setattr(bulk, "MAX_POSTINGS", 3)
    with pytest.raises(ServiceError) as err:
        bulk.apply("archive", ids, now=NOW)
    assert err.value.code == "too_many"
    with pytest.raises(ServiceError):
        bulk.matching(Filters())
    assert Posting.select().where(Posting.archived_at.is_null(False)).count() == 0


def test_only_the_latest_batches_are_kept(five, db, monkeypatch):
    monkeypatch.setattr(bulk, "KEEP", 2)
    first = bulk.apply("archive", [five[0].id], now=NOW)
    for p in five[1:]:
        bulk.apply("archive", [p.id], now=NOW)
    assert BulkBatch.select().count() == 2
    with pytest.raises(Exception) as err:
        bulk.undo(first.token, NOW)
    assert "no longer kept" in str(err.value)


def test_delete_impact_counts(five, db):
    impact = bulk.impact([p.id for p in five[:2]])
    assert (impact.postings, impact.events) == (2, 2) and impact.followups >= 2


def test_deleting_takes_the_follow_ups_along_leaving_none_without_a_posting(five, db):
    assert FollowUp.select().count() >= 5
    bulk.apply("delete", [p.id for p in five], now=NOW)
    # (Deleting once set the follow-ups' posting to NULL: follow-ups of nothing, unimportable.)
    assert FollowUp.select().count() == 0 and Event.select().count() == 0


def test_undoing_a_bulk_delete_brings_back_which_documents_went_with_each_application(five, db, tmp_path):
    from jobloop.models import DocumentSent
    from jobloop.services import documents

    cv, _ = documents.add_version(tmp_path, "CV", b"%PDF-1.4\n%cv v1\n", "cv.pdf", now=NOW)
    letter, _ = documents.add_version(tmp_path, "Cover letter", b"Dear team,\nhello.\n", "letter.txt", now=NOW)
    for posting in five[:2]:
        documents.attach(posting, cv, sent_at=ON, now=NOW)
    documents.attach(five[2], letter, sent_at=ON, now=NOW)
    before = everything(db)
    batch = bulk.apply("delete", [p.id for p in five[:3]], now=NOW)
    assert DocumentSent.select().count() == 0
    bulk.undo(batch.token, NOW + timedelta(minutes=1))
    assert everything(db) == before and DocumentSent.select().count() == 3

    # A version deleted between the bulk delete and its undo: refused with the reason, nothing half-restored.
    batch = bulk.apply("delete", [five[2].id], now=NOW)
    documents.delete_version(tmp_path, letter)
    with pytest.raises(Conflict) as err:
        bulk.undo(batch.token, NOW + timedelta(minutes=2))
    assert "deleted since" in str(err.value)
    assert Posting.get_or_none(Posting.id == five[2].id) is None
