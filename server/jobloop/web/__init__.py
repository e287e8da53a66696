"""The tracker: server-rendered pages at http://127.0.0.1:8765.

Features outside web/ (follow-ups, growth) add their own blueprints and join the
tracker through two extension points instead of editing these templates:
- `add_nav(app, label, endpoint, order)` puts a link in the top navigation;
- templates include optional partials (`partials/dashboard_*.html`,
  `partials/posting_*.html`, `partials/settings_*.html`) that a feature ships in
  its own template folder.

Pages are plain GETs that never write; every write is a POST carrying the
session's CSRF token (security.py checks it before a view runs). Scripts in
static/js only enhance forms that already work without them. Errors: web/errors.py.
"""
from __future__ import annotations

from . import actions, filters, pages, sheets, table  # noqa: F401  (their routes are declared on blp)
from .base import add_nav, blp, wants_json

__all__ = ["add_nav", "blp", "wants_json"]
