"""The current stage, read from the timeline: furthest forward stage, endings end it,
a later forward event reopens it (docs/followups.md, "Which stage is current")."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from jobloop import stages
from jobloop.models import FollowUp, Posting
from jobloop.services import pipeline

T0 = datetime(2026, 3, 2, 10, 0)
NOW = T0 + timedelta(days=60)
_n = iter(range(1, 10**6))

# (stage, day after T0) in the order the user records them -> the current stage.
TABLE = [
    ([], "saved"),
    ([("saved", 0)], "saved"),
    ([("saved", 0), ("applied", 1)], "applied"),
    # Clipped today, applied 10 days earlier: the furthest stage wins, not the newest date.
    ([("saved", 20), ("applied", 10)], "applied"),
    ([("applied", 1), ("interviewing", 5), ("screening", 3)], "interviewing"),
    # A past date never moves a posting back.
    ([("interviewing", 5), ("applied", 1)], "interviewing"),
    ([("offer", 9), ("accepted", 10)], "accepted"),
    ([("applied", 1), ("rejected", 5)], "rejected"),
    # An ending recorded with an earlier date than the last forward event: the forward one reopens.
    ([("applied", 1), ("screening", 8), ("rejected", 5)], "screening"),
    ([("applied", 1), ("rejected", 5), ("screening", 8)], "screening"),
    # Reopened, then further: the furthest since the ending.
    ([("applied", 1), ("interviewing", 3), ("rejected", 5), ("applied", 9)], "applied"),
    # A clip after an ending is not news from the employer.
    ([("applied", 1), ("rejected", 5), ("saved", 9)], "rejected"),
    # The latest ending counts.
    ([("applied", 1), ("ghosted", 30), ("rejected", 20)], "ghosted"),
    ([("applied", 1), ("rejected", 20), ("withdrawn", 25)], "withdrawn"),
    # An ending at the very time of a forward event leaves it ended.
    ([("applied", 5), ("rejected", 5)], "rejected"),
    ([("rejected", 5), ("applied", 5)], "rejected"),
    ([("withdrawn", 0)], "withdrawn"),
]


def _make(sequence) -> Posting:
    n = next(_n)
    posting = Posting.create(canonical_url=f"https://jobs.example.test/s{n}", url=f"https://jobs.example.test/s{n}",
                             created_at=T0, stage_changed_at=T0)
    for stage, day in sequence:
        pipeline.change_stage(posting, stage, at=T0 + timedelta(days=day), now=NOW)
    return Posting.get_by_id(posting.id)


@pytest.mark.parametrize("sequence, expected", TABLE, ids=[" ".join(f"{s}@{d}" for s, d in q) or "none"
                                                           for q, _ in TABLE])
def test_current_stage_from_the_timeline(db, sequence, expected):
    posting = _make(sequence)
    assert posting.stage == expected
    assert stages.current(pipeline.stage_events(posting)) == expected


def test_the_stage_date_is_when_it_was_first_reached(db):
    posting = _make([("saved", 20), ("applied", 10), ("applied", 15)])
    assert posting.stage_changed_at == T0 + timedelta(days=10)


def test_a_back_dated_applied_on_a_posting_clipped_today_times_the_check_in_from_the_real_date(db):
    posting = _make([("saved", 20), ("applied", 10)])
    check_in = FollowUp.get(FollowUp.kind == "check_in")
    assert check_in.posting_id == posting.id and check_in.due_at == T0 + timedelta(days=17)


def test_a_back_dated_offer_is_an_open_offer(db):
    from jobloop.services import followups

    posting = _make([("saved", 20), ("applied", 3), ("offer", 10)])
    deadline = T0 + timedelta(days=25)
    assert followups.set_offer_deadline(posting, deadline, NOW).due_at == deadline


def test_groups_are_made_of_known_stages_and_the_forward_order_is_the_pipeline():
    assert stages.FORWARD == ("saved", "applied", "screening", "interviewing", "offer", "accepted")
    for name, group in stages.GROUPS.items():
        assert set(group) <= set(stages.STAGES), name
    assert not set(stages.IN_FLIGHT) & set(stages.ENDED)


def test_the_rules_are_wired_without_the_web_layer(tmp_path):
    """Services alone (no app, no blueprints) still schedule what a rejection needs."""
    script = f"""
import sys
from datetime import datetime
from jobloop.config import Config
from jobloop.db import open_database
from jobloop.migrations import migrate
from jobloop.models import FollowUp, Posting, Reflection
from jobloop.services import pipeline
db = open_database(Config(data_dir={str(tmp_path)!r}))
migrate(db)
p = Posting.create(canonical_url="https://x.test/1", url="https://x.test/1")
pipeline.change_stage(p, "applied", at=datetime(2026, 3, 1), now=datetime(2026, 3, 5))
pipeline.change_stage(p, "rejected", at=datetime(2026, 3, 4), now=datetime(2026, 3, 5))
assert not any(m.startswith(("jobloop.web", "jobloop.api", "jobloop.app", "flask")) for m in sys.modules), \\
    sorted(m for m in sys.modules if m.startswith(("jobloop", "flask")))
print(sorted(f.kind for f in FollowUp.select() if f.status == "open"), Reflection.select().count())
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['feedback_request', 'keep_in_touch'] 1"


def test_deciding_event_is_pure_and_ignores_other_kinds():
    class E:
        def __init__(self, id, to_stage, day):
            self.id, self.to_stage, self.at = id, to_stage, T0 + timedelta(days=day)

    events = [E(1, "saved", 9), E(2, "applied", 2), E(3, None, 30)]
    assert stages.deciding_event(events).id == 2
    assert stages.reached_before_end([E(1, "applied", 1), E(2, "interviewing", 3), E(3, "rejected", 4)]) == "interviewing"


def test_stages_endpoint_serves_the_groups(client, auth):
    body = client.get("/api/stages", headers=auth).get_json()
    assert body["forward"] == list(stages.FORWARD) and body["endings"] == list(stages.ENDINGS)
    assert body["groups"]["in_flight"] == ["applied", "screening", "interviewing", "offer"]
    assert set(body["groups"]) >= {"in_flight", "ended", "responded", "open"}
    assert client.get("/api/stages").status_code == 401


def test_upgrading_re_reads_stages_cached_by_the_old_rule(tmp_path):
    """A store from before: the posting clipped today with "applied" back-dated was cached
    as "saved" (latest by date). The v6 step re-reads it from the timeline."""
    from peewee import SqliteDatabase

    from jobloop.db import database
    from jobloop.migrations import MIGRATIONS, _v6_stage_by_pipeline_order, migrate
    from jobloop.models import Event

    db = SqliteDatabase(str(tmp_path / "old.sqlite3"))
    database.initialize(db)
    migrate(db, target=MIGRATIONS.index(_v6_stage_by_pipeline_order))  # every step before it
    posting = Posting.create(canonical_url="https://x.test/old", url="https://x.test/old", stage="saved",
                             stage_changed_at=T0 + timedelta(days=20))
    Event.create(posting=posting, kind="stage", to_stage="saved", at=T0 + timedelta(days=20))
    applied = Event.create(posting=posting, kind="stage", to_stage="applied", at=T0 + timedelta(days=10))
    untouched = Posting.create(canonical_url="https://x.test/new", url="https://x.test/new", stage="saved",
                               stage_changed_at=T0)
    migrate(db)
    moved = Posting.get_by_id(posting.id)
    assert (moved.stage, moved.stage_changed_at) == ("applied", applied.at)
    assert Posting.get_by_id(untouched.id).stage == "saved"
    db.close()
