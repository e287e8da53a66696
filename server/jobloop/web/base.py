"""What every tracker blueprint shares: the tracker blueprint, the top navigation,
and how a view tells a script's request from a plain form post.

Kept apart from web/__init__.py so the view modules import it without importing
the package that imports them (no import cycle).
"""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, request

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


def wants_json() -> bool:
    """Our scripts ask for JSON; a plain form post (no script) gets a page."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
