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

from flask import Blueprint, Flask, current_app

from .errors import wants_json  # noqa: F401  (the tracker's scripts ask for JSON)

blp = Blueprint("web", __name__)

NAV_KEY = "jobloop_nav"


def add_nav(app: Flask, label: str, endpoint: str, order: int = 50) -> None:
    items = app.extensions.setdefault(NAV_KEY, [])
    if not any(e == endpoint for _, _, e in items):
        items.append((order, label, endpoint))
        items.sort()


@blp.record_once
def _register_nav(state):
    add_nav(state.app, "Dashboard", "web.dashboard", 0)
    add_nav(state.app, "Board", "web.board", 10)
    add_nav(state.app, "Table", "web.table", 20)
    add_nav(state.app, "Add", "web.new_posting", 30)
    add_nav(state.app, "Settings", "web.settings", 90)


@blp.app_context_processor
def _nav():
    return {"nav_items": [(label, endpoint) for _, label, endpoint in current_app.extensions.get(NAV_KEY, [])]}


from . import actions, filters, pages  # noqa: E402,F401  (routes register on blp)
