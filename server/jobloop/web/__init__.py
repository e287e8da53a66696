"""The tracker: server-rendered pages at http://127.0.0.1:8765.

Features outside web/ (follow-ups, growth) add their own blueprints and join the
tracker through two extension points instead of editing these templates:
- `add_nav(app, label, endpoint, order)` puts a link in the top navigation;
- templates include optional partials (`partials/dashboard_*.html`,
  `partials/posting_*.html`) that a feature ships in its own template folder.
"""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template

from ..services import postings

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


@blp.app_context_processor
def _nav():
    return {"nav_items": [(label, endpoint) for _, label, endpoint in current_app.extensions.get(NAV_KEY, [])]}


@blp.route("/")
def dashboard():
    recent = list(postings.search(limit=50))
    return render_template("dashboard.html", postings=recent)


@blp.route("/postings/<int:posting_id>")
def posting(posting_id: int):
    return render_template("posting.html", posting=postings.get(posting_id))
