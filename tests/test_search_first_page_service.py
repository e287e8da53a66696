"""A search's page read off the rows that would be on it (postings._first_matches): the same
postings in the same order as asking the index for every match, whatever the words, the
filters, the order and the page; and for a word in every posting no list of every match."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from factories import stored_posting
from jobloop.db import database
from jobloop.models import Posting
from jobloop.services import pipeline, postings
from jobloop.services.postings import Filters

NOW = datetime(2026, 11, 30, 12, 0)
# Words that start other words ("kube", "kubernetes", "kubernetesy"): a posting holding only
# the longer one is found by the shorter, though not as a whole word.
WORDS = ["kube", "kubernetes", "kubernetesy", "data", "database", "dataops", "python", "pythonic", "go",
         "golang", "remote", "sql"]
QUERIES = ["kubernetes", "kube", "data", "database", "go", "python sql", '"remote sql"', "kubernetes data",
           "pythonic", "nowhere", "kubernetesy", "dat", "remote"]
STAGES = ("saved", "applied", "interviewing", "rejected")


def fill(seed: int, count: int = 40, common: str | None = None) -> None:
    rng = random.Random(seed)
    for i in range(count):
        words = rng.sample(WORDS, rng.randint(1, 5)) + ([common] if common else [])
        posting = stored_posting(rng.choice(STAGES), title=f"{rng.choice(WORDS).title()} role {i}",
                                 description_text=" ".join(rng.sample(words, len(words))),
                                 at=NOW - timedelta(days=rng.randint(0, 40)))
        if rng.random() < 0.2:
            pipeline.add_note(posting, rng.choice(WORDS), at=NOW, now=NOW)
        if rng.random() < 0.15:
            Posting.update(archived_at=NOW).where(Posting.id == posting.id).execute()
        # Orders tie often (the same day), so the tie-break by id is checked too.
        Posting.update(updated_at=NOW - timedelta(days=rng.randint(0, 5))).where(Posting.id == posting.id).execute()


def every_match(filters: Filters, sort: str, descending: bool, limit: int, offset: int) -> list[int]:
    narrow = postings.filtered(filters, company=sort == "company").select(Posting.id)
    return [pid for (pid,) in postings.ordered(narrow, sort, descending).limit(limit).offset(offset).tuples()]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_page_is_the_same_as_listing_every_match(db, seed):
    fill(seed, common="kubernetes" if seed == 3 else None)
    rng = random.Random(seed)
    for q in QUERIES:
        for stage in (None, "applied"):
            for limit, offset in ((10, 0), (5, 5), (50, 0), (10, 95)):
                api = Filters(stage=stage, q=q, archived="show")
                assert [p.id for p in postings.search(stage=stage, q=q, limit=limit, offset=offset)] == \
                    every_match(api, "updated", True, limit, offset), (q, stage, limit, offset)
            sort, descending = rng.choice(["updated", "company", "title", "salary", "waiting"]), rng.random() < 0.5
            table = Filters(stage=stage, q=q)
            for page in (1, 2):
                assert [p.id for p in postings.page_of(table, sort, descending, page, 7)] == \
                    every_match(table, sort, descending, 7, (page - 1) * 7), (q, stage, sort, descending, page)


def test_a_posting_found_only_by_a_longer_word_keeps_its_place(db):
    for i in range(12):
        stored_posting("applied", title=f"Platform role {i}", description_text="kubernetes on call")
    newest = stored_posting("applied", title="Newest", description_text="kubernetesy tooling")
    Posting.update(updated_at=datetime(2030, 1, 1)).where(Posting.id == newest.id).execute()
    found = [p.id for p in postings.search(q="kubernetes", limit=10)]
    assert found[0] == newest.id and len(found) == 10


def test_a_phrase_is_checked_as_a_phrase(db):
    for i in range(12):
        stored_posting("applied", title=f"Role {i}", description_text="remote work, sql daily" if i % 3 else "remote sql")
    found = {p.title for p in postings.search(q='"remote sql"', limit=10)}
    assert found == {f"Role {i}" for i in range(0, 12, 3)}


def test_a_word_in_every_posting_lists_no_match_but_the_pages(db, monkeypatch):
    for i in range(30):
        stored_posting("applied", title=f"Platform role {i}", description_text="kubernetes and sql")
    asked: list[str] = []
    execute = database.obj.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        asked.append(sql)
        return execute(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", spy)
    assert len(postings.search(q="kubernetes", limit=10)) == 10
    listed = [sql for sql in asked if "MATCH ?)" in sql]  # the subquery that lists every match
    assert asked and not listed, asked
