"""The posting_skill table: which skills each posting asks for, one row per comparison key
(parsing/skills.py), plus one per skill family it touches naming the members it asked for
(posting_rows), with the posting's stage, so skill gaps are counted in the database.

It is derived from Posting.skills and written by the services that write that list:
capture (capture._save), a posting made or edited by hand (postings.create_manual through
postings.update) and an import (transfer.import_data); the schema step that made the table
filled it for postings already stored. Triggers (migrations.py) do the rest whatever code
writes: a stage change copies the stage to the posting's rows, a delete takes the rows
along (ON DELETE CASCADE), and skill_tally, the counts gaps read, follows every row change.
"""
from __future__ import annotations

from ..db import database, is_sqlite
from ..models import Posting, PostingSkill, SkillTally
from ..parsing.skills import posting_rows

_BATCH = 1000


def _rows(posting_id: int, skills, stage: str) -> list[dict]:
    # Sorted by key: on PostgreSQL, writers then change tally rows in one order (no deadlock).
    return sorted(({"posting": posting_id, "skill": k, "name": name, "stage": stage}
                   for k, name in posting_rows(skills)),
                  key=lambda row: (row["skill"], row["name"]))


def refresh(posting: Posting, *, created: bool = False) -> None:
    """Make the posting's rows match its skills list (as it is on the instance, saved).
    `created`: the posting was inserted in the caller's transaction, so it has no rows yet
    and no other writer can see it; its stage is the one on the instance."""
    if created:
        rows = _rows(posting.id, posting.skills, posting.stage)
        if rows:
            PostingSkill.insert_many(rows).execute()
        return
    with database.atomic():
        query = Posting.select(Posting.stage).where(Posting.id == posting.id)
        if not is_sqlite():
            # Queue behind a stage change of this posting (pipeline._hold takes the same lock),
            # and lock the tally rows about to shrink in key order.
            query = query.for_update("FOR NO KEY UPDATE")
            list(SkillTally.select(SkillTally.n).join(
                PostingSkill, on=((PostingSkill.skill == SkillTally.skill) & (PostingSkill.name == SkillTally.name)
                                  & (PostingSkill.stage == SkillTally.stage)))
                 .where(PostingSkill.posting == posting.id)
                 .order_by(SkillTally.skill, SkillTally.name, SkillTally.stage).for_update())
        stage = query.scalar()
        if stage is None:
            return  # deleted meanwhile: its rows went with it
        PostingSkill.delete().where(PostingSkill.posting == posting.id).execute()
        rows = _rows(posting.id, posting.skills, stage)
        if rows:
            PostingSkill.insert_many(rows).execute()


def rebuild() -> int:
    """Rebuild every posting's rows from the store (after an import, whose rows bypass
    refresh()); returns how many rows it wrote."""
    written, rows = 0, []
    with database.atomic():
        PostingSkill.delete().execute()
        query = Posting.select(Posting.id, Posting.skills, Posting.stage).order_by(Posting.id).tuples()
        for posting_id, skills, stage in query.iterator():
            rows += _rows(posting_id, skills, stage)
            if len(rows) >= _BATCH:
                PostingSkill.insert_many(rows).execute()
                written, rows = written + len(rows), []
        if rows:
            PostingSkill.insert_many(rows).execute()
            written += len(rows)
    return written
