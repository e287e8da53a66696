"""Remote mode: with --allow-remote, the tracker answers nothing but this login page until
the password set with `jobloop password` is given.

- Every tracker path (pages, forms, unknown URLs) redirects a request without a signed-in
  session to /login; /api keeps its token, /static is public, the calendar feed keeps its
  secret URL (calendar apps cannot sign in).
- Attempts are rate limited per client (5 failures in 15 minutes, then 429 until the
  window passes) and overall (30), and a correct password is refused while locked out.
- The session is renewed at sign-in (no fixation) and carries a fingerprint of the
  stored hash, so `jobloop password` signs every session out.
- The session cookie is Secure when the request came over TLS (directly, or through a
  proxy on this machine that says X-Forwarded-Proto: https).
"""
from __future__ import annotations

import threading
import time
from collections import deque
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from .. import security
from ..security import (CSRF_FIELD, is_loopback, login_fingerprint, password_matches, remote_mode,
                        stored_password)

blp = Blueprint("login", __name__)

SIGNED_IN = "signed_in"
OPEN_PREFIXES = ("/api/", "/static/", "/calendar/")
WINDOW_SECONDS = 15 * 60
PER_CLIENT = 5
OVERALL = 30


class Throttle:
    """Failed sign-ins in a sliding window, per client and overall (in memory: a restart
    clears it, which costs an attacker a restart they cannot cause)."""

    def __init__(self, window: float = WINDOW_SECONDS, per_client: int = PER_CLIENT, overall: int = OVERALL):
        self.window, self.per_client, self.overall = window, per_client, overall
        self._failures: dict[str, deque] = {}
        self._all: deque = deque()
        self._lock = threading.Lock()

    def _trim(self, q: deque, now: float) -> deque:
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def retry_after(self, client: str, now: float | None = None) -> int:
        """Seconds until this client may try again; 0 when it may now."""
        now = time.monotonic() if now is None else now
        with self._lock:
            mine = self._trim(self._failures.get(client, deque()), now)
            every = self._trim(self._all, now)
            waits = [q[0] + self.window - now for q, limit in ((mine, self.per_client), (every, self.overall))
                     if len(q) >= limit]
        return int(max(waits) + 1) if waits else 0

    def failed(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._failures.setdefault(client, deque()).append(now)
            self._all.append(now)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


def _client() -> str:
    """The peer, or the client a proxy on this machine names (Caddy sets X-Forwarded-For)."""
    peer = request.remote_addr or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and is_loopback(peer):
        return forwarded.split(",")[-1].strip()
    return peer


def _signed_in() -> bool:
    stored = stored_password(current_app.config["JOBLOOP"].data_dir)
    return bool(stored) and session.get(SIGNED_IN) == login_fingerprint(stored)


def _safe_next(target: str | None) -> str:
    target = target or "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def require_login():
    if not remote_mode(current_app.config["JOBLOOP"]):
        return None
    if request.path == "/login" or request.path.startswith(OPEN_PREFIXES) or _signed_in():
        return None
    # Nothing else, not even a 404 or an error page: a redirect to the login page.
    wanted = request.full_path.rstrip("?") if request.method == "GET" else "/"
    return redirect(url_for("login.login", next=wanted), code=303)


@blp.route("/login", methods=["GET", "POST"])
def login():
    config = current_app.config["JOBLOOP"]
    stored = stored_password(config.data_dir)
    target = _safe_next(request.values.get("next"))
    if not remote_mode(config) or _signed_in():
        return redirect(target, code=303)
    throttle: Throttle = current_app.extensions["jobloop_login_throttle"]
    error, status = None, 200
    if not stored:
        error, status = "No password is set. On the computer running jobloop, run `jobloop password`.", 503
    elif request.method == "POST":
        wait = throttle.retry_after(_client())
        if wait:
            error, status = f"Too many attempts. Try again in {wait // 60 + 1} minutes.", 429
        elif password_matches(request.form.get("password", ""), stored):
            throttle.succeeded(_client())
            session.clear()  # a fresh session: nothing from before sign-in survives
            session[SIGNED_IN] = login_fingerprint(stored)
            session.permanent = True
            return redirect(target, code=303)
        else:
            throttle.failed(_client())
            error, status = "That is not the password.", 401
    response = current_app.make_response((render_template("login.html", error=error, next=target), status))
    if status == 429:
        response.headers["Retry-After"] = str(throttle.retry_after(_client()))
    return response


@blp.route("/logout", methods=["POST"])
def logout():
    session.pop(SIGNED_IN, None)
    session.pop(CSRF_FIELD, None)
    return redirect(url_for("login.login"), code=303)


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when the tracker is reached over TLS."""

    def get_cookie_secure(self, app):
        forwarded = request.headers.get("X-Forwarded-Proto", "").lower() == "https"
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure or (
            forwarded and is_loopback(request.remote_addr or ""))


def install(app: Flask) -> None:
    app.extensions["jobloop_login_throttle"] = Throttle()
    app.session_interface = SessionInterface()
    app.register_blueprint(blp)
    # Before the CSRF check: without a session the answer is the login page, not a 403 page.
    guards = app.before_request_funcs.setdefault(None, [])
    at = guards.index(security.check_csrf) if security.check_csrf in guards else len(guards)
    guards.insert(at, require_login)
