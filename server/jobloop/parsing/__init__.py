"""HTML + URL in, PostingDraft out. No Flask, no database: a pure function."""
from __future__ import annotations

from .draft import PostingDraft, Salary
from .page import parse

__all__ = ["parse", "PostingDraft", "Salary"]
