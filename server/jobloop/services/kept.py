"""Figures kept between page views until the store's data version moves on.

Every write to postings, events, reflections, goals or contacts bumps one counter
(triggers, migrations.install_data_version). A figure that costs a pass over a whole
table (the insights' history, the job sites postings were found on) is read once and
kept with the version it was read at; a view after any write reads it again, so it is
correct the moment data changes, and every other view costs one small query.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from ..db import database, read_transaction
from ..migrations import DATA_VERSION_TABLE

T = TypeVar("T")


def kept(name: str, read: Callable[[], T]) -> T:
    """`read()`'s answer, from the cache while the data version has not moved. Read in one
    transaction with the version, so what is kept is what that version holds; never kept
    from inside a transaction, whose writes (and version) may yet be rolled back."""
    db = database.obj
    keep = not database.in_transaction()
    with read_transaction():
        version = data_version() if keep else None
        store = db.__dict__.setdefault("_jobloop_kept", {})
        found = store.get(name)
        if version is not None and found is not None and found[0] == version:
            return found[1]
        value = read()
    if version is not None:
        store[name] = (version, value)
    return value


def data_version() -> int | None:
    row = database.execute_sql(f"SELECT max(version) FROM {DATA_VERSION_TABLE}").fetchone()
    return row[0] if row else None
