"""The posting_skill table: which skills each posting asks for, one row per comparison key
(parsing/skills.py), so skill gaps are counted with GROUP BY in the database.

It is derived from Posting.skills and kept in step by the services that write that list:
capture (capture._save), a posting made or edited by hand (postings.create_manual,
postings.update) and an import (transfer.import_data); the schema step that made the
table filled it for postings already stored. A posting's stage is not copied here (gaps
join the posting for it), and deleting a posting deletes its rows (ON DELETE CASCADE),
so stage changes and deletes need nothing from this module.
"""
from __future__ import annotations

from ..db import database
from ..models import Posting, PostingSkill
from ..parsing.skills import keyed

_BATCH = 1000


def refresh(posting: Posting) -> None:
    """Make the posting's rows match its skills list (as it is on the instance, saved)."""
    with database.atomic():
        PostingSkill.delete().where(PostingSkill.posting == posting.id).execute()
        rows = [{"posting": posting.id, "skill": k, "name": name} for k, name in keyed(posting.skills)]
        if rows:
            PostingSkill.insert_many(rows).execute()


def rebuild() -> int:
    """Rebuild every posting's rows from the store (after an import, whose rows bypass
    refresh()); returns how many rows it wrote."""
    written, rows = 0, []
    with database.atomic():
        PostingSkill.delete().execute()
        for posting_id, skills in Posting.select(Posting.id, Posting.skills).order_by(Posting.id).tuples().iterator():
            rows += [{"posting": posting_id, "skill": k, "name": name} for k, name in keyed(skills)]
            if len(rows) >= _BATCH:
                PostingSkill.insert_many(rows).execute()
                written, rows = written + len(rows), []
        if rows:
            PostingSkill.insert_many(rows).execute()
            written += len(rows)
    return written
