"""create_app(config): the Flask app factory."""
from __future__ import annotations

import os
import secrets

from flask import Flask, g
from werkzeug.routing import IntegerConverter

from . import __version__, security
from .config import Config
from .db import end_request, open_database, request_connection
from .migrations import migrate
from .services.bounds import MAX_INT
from .services.errors import repair_sqlite_leftovers


class BoundedInt(IntegerConverter):
    """`<int:...>` in every route: an id past MAX_INT matches no route (404) instead of
    reaching SQLite as an integer it cannot hold (OverflowError, a 500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def create_app(config: Config | None = None) -> Flask:
    config = config or Config()
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.url_map.converters["int"] = BoundedInt  # before any route is added
    app.config.update(
        JOBLOOP=config,
        JOBLOOP_VERSION=__version__,
        TESTING=config.testing,
        # Global ceiling; per-route limits are tighter (security.py).
        MAX_CONTENT_LENGTH=config.capture_max_bytes,
        SECRET_KEY=config.secret_key or session_secret(config),
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        JSON_SORT_KEYS=False,
    )

    if not config.database_url:
        repair_sqlite_leftovers(config.sqlite_path)  # a -shm left 0444 would keep every write failing
    db = open_database(config)
    with db.connection_context():
        migrate(db)
        from .services import calendar

        calendar.ensure_secret()  # made here so that no page view writes it
    security.load_or_create_token(config.data_dir)
    security.install(app)

    # Each server thread keeps its connection from one request to the next (peewee keeps one
    # per thread). Closing it after every request made SQLite checkpoint the WAL each time the
    # last connection went (several ms after a big capture, under the write lock's queue).
    # Connections are in autocommit mode between transactions, so nothing carries over.
    @app.before_request
    def _connect():
        request_connection()

    @app.teardown_request
    def _release(exc):
        # After a store fault (read-only file, full disk) the next request starts on a new
        # connection: one opened under the fault may keep failing after it is cleared.
        end_request(drop=exc is not None or g.get("store_fault", False))

    from .api import init_api
    from .web import blp as web_blp, companies as web_companies, errors as web_errors, followups as web_followups, \
        growth as web_growth, login

    init_api(app)
    app.register_blueprint(web_blp)
    app.register_blueprint(web_growth.blp)  # Insights, Plan, Network
    app.register_blueprint(web_followups.blp)  # follow-ups, reflections, calendar
    app.register_blueprint(web_companies.blp)  # companies: history, merges, targets
    from .web import documents as web_documents, worklog as web_worklog

    app.register_blueprint(web_worklog.blp)  # the work-search log
    app.register_blueprint(web_documents.blp)  # documents sent with applications
    login.install(app)  # remote mode only: nothing but the login page without a session
    web_errors.install(app)  # last: one handler for every path, JSON under /api, HTML elsewhere
    return app


def session_secret(config: Config) -> str:
    """A per-install secret for the tracker's session cookie, kept beside the token.

    Written to a temporary file made 0600 from the start and renamed into place, so no
    reader ever sees it empty or world-readable; an empty or unreadable-as-text file (a
    crash mid-write in an older version, a truncating editor) is replaced.
    """
    path = config.data_dir / "session-secret"
    try:
        value = path.read_text().strip()
    except (FileNotFoundError, UnicodeDecodeError):
        value = ""
    if len(value) >= 32:
        return value
    from .config import private_dir

    private_dir(config.data_dir)
    value = secrets.token_hex(32)
    tmp = path.with_name(f".session-secret.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value + "\n")
    os.replace(tmp, path)
    return value
