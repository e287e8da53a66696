"""HTML + URL in, PostingDraft out. No Flask, no database: a pure function."""
from __future__ import annotations

from .draft import PostingDraft, Salary
from .page import parse, unreadable

__all__ = ["parse", "unreadable", "PostingDraft", "Salary"]
