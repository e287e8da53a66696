"""create_app(config): the Flask app factory."""
from __future__ import annotations

import secrets

from flask import Flask

from . import __version__, security
from .config import Config
from .db import database, migrate, open_database


def create_app(config: Config | None = None) -> Flask:
    config = config or Config()
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.config.update(
        JOBLOOP=config,
        JOBLOOP_VERSION=__version__,
        TESTING=config.testing,
        # Global ceiling; per-route limits are tighter (security.py).
        MAX_CONTENT_LENGTH=config.capture_max_bytes,
        SECRET_KEY=config.secret_key or _session_secret(config),
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        JSON_SORT_KEYS=False,
    )

    db = open_database(config)
    with db.connection_context():
        migrate(db)
    security.load_or_create_token(config.data_dir)
    security.install(app)

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()

    from .api import init_api
    from .web import blp as web_blp, followups as web_followups, growth as web_growth

    init_api(app)
    app.register_blueprint(web_blp)
    app.register_blueprint(web_growth.blp)  # Insights, Plan, Network
    app.register_blueprint(web_followups.blp)  # follow-ups, reflections, calendar
    return app


def _session_secret(config: Config) -> str:
    """A per-install secret for the tracker's session cookie, kept beside the token."""
    path = config.data_dir / "session-secret"
    if path.exists():
        return path.read_text().strip()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    path.write_text(value)
    path.chmod(0o600)
    return value
