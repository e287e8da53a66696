"""The tracker: server-rendered pages at http://127.0.0.1:8765."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..services import postings

blp = Blueprint("web", __name__)


@blp.route("/")
def dashboard():
    recent = list(postings.search(limit=50))
    return render_template("dashboard.html", postings=recent)


@blp.route("/postings/<int:posting_id>")
def posting(posting_id: int):
    return render_template("posting.html", posting=postings.get(posting_id))
