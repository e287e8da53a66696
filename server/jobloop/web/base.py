"""What every tracker blueprint shares: the tracker blueprint, the top navigation,
and how a view tells a script's request from a plain form post.

Kept apart from web/__init__.py so the view modules import it without importing
the package that imports them (no import cycle).
"""
from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, flash, redirect, render_template, request

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


# Templates read shared data through template globals (functions), never context processors:
# the dashboard, posting and settings partials of other features do the same.
@blp.app_template_global()
def nav_items() -> list[tuple[str, str]]:
    return [(label, endpoint) for _, label, endpoint in current_app.extensions.get(NAV_KEY, [])]


def wants_json() -> bool:
    """Our scripts ask for JSON; a plain form post (no script) gets a page."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


# ---- one way to answer a form -----------------------------------------------------------
# Every tracker blueprint uses these: the same return rule, the same flash words
# (the two categories app.css styles), the same refused-form page.

FLASH_CATEGORIES = ("ok", "error")


def said(message: str) -> None:
    """A flash saying the form did what it asked."""
    flash(message, "ok")


def refused(message: str) -> None:
    """A flash saying why nothing was saved (for a form whose page cannot show it inline)."""
    flash(message, "error")


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site; never another host (no open redirect)."""
    target = target or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def back(default: str, *, code: int = 302) -> Response:
    """Redirect to where the form asked to return (its `next` field, a path on this site), else default.

    `code`: the follow-up pages answer 303 See Other, the older tracker forms 302; both
    make the browser GET the page, and the tests pin each."""
    return redirect(local_path(request.form.get("next")) or default, code=code)


def form_error(page: str, message: str, *, http_status: int = 422, **context):
    """A form the domain refused: `page` again with the reason (`error`) and what was typed (`form`)."""
    context.setdefault("form", request.form)
    return render_template(page, error=message, **context), http_status
