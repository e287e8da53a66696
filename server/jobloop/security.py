"""The guards that keep a web page the user happens to visit out of their job search.

- Host allow-list (against DNS rebinding): refused before anything else runs.
- API token: Bearer, compared in constant time, kept in a 0600 file in the data dir.
- CORS: only browser-extension origins ever get an answer (flask-cors).
- Writes to the API are JSON only; bodies have a size limit.
- HTML responses carry a strict Content-Security-Policy and friends.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import os
import secrets
from pathlib import Path

from flask import Flask, current_app, request, session
from flask_cors import CORS
from werkzeug.exceptions import (BadRequest, Forbidden, HTTPException, RequestEntityTooLarge, Unauthorized,
                                 UnsupportedMediaType)

from .services.bounds import MAX_JSON_DEPTH, json_depth_ok

TOKEN_FILE = "token"
EXTENSION_ORIGINS = [r"^chrome-extension://[a-p]{32}$", r"^moz-extension://[0-9a-f-]{36}$"]
# Pairing needs no token: it is how the extension gets one (api/pairing.py guards it).
PUBLIC_API_PATHS = {"/api/health", "/api/pairings", "/api/pairings/redeem"}
CAPTURE_PATHS = {"/api/captures", "/api/parse"}
SHEET_UPLOAD_PATH = "/import"  # a spreadsheet upload (web/sheets.py): room for the file plus the form around it
DOCUMENT_UPLOAD_PATH = "/documents/upload"  # a CV or cover letter (web/documents.py), likewise
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

CSP = ("default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; "
       "base-uri 'none'; form-action 'self'")


# ---- the token ---------------------------------------------------------------

def token_path(data_dir: Path) -> Path:
    return Path(data_dir) / TOKEN_FILE


def _write_secret_file(path: Path, value: str) -> None:
    from .config import private_dir

    private_dir(path.parent)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value + "\n")
    os.replace(tmp, path)  # atomic: a running server never reads half a secret



def load_or_create_token(data_dir: Path) -> str:
    path = token_path(data_dir)
    if path.exists():
        token = path.read_text().strip()
        if token:
            return token
    token = secrets.token_urlsafe(32)  # 32 random bytes
    _write_secret_file(path, token)
    return token


def rotate_token(data_dir: Path) -> str:
    token = secrets.token_urlsafe(32)
    _write_secret_file(token_path(data_dir), token)
    return token


_READ: dict[Path, tuple[tuple[int, ...], str]] = {}  # token file -> (its stat when read, the token)


def current_token(data_dir: Path) -> str:
    """Checked on each request, so `jobloop token --rotate` (another process) takes effect at
    once: read again whenever the file's stat changed, which a rotation's new file always
    does (a new inode and times). One stat a request instead of open, read and close."""
    path = token_path(data_dir)
    try:
        st = path.stat()
        seen = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        kept = _READ.get(path)
        if kept is not None and kept[0] == seen:
            return kept[1]
        token = path.read_text().strip()
    except OSError:
        return load_or_create_token(data_dir)
    _READ[path] = (seen, token)
    return token


def token_matches(given: str, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


# ---- the tracker's password (remote mode only) ------------------------------------

PASSWORD_FILE = "password"
# scrypt at n=2**15, r=8: ~32 MiB and ~0.1 s per guess on this kind of machine.
SCRYPT = {"n": 2**15, "r": 8, "p": 1}


def password_path(data_dir: Path) -> Path:
    return Path(data_dir) / PASSWORD_FILE


def hash_password(password: str, *, salt: bytes | None = None, n: int = SCRYPT["n"], r: int = SCRYPT["r"],
                  p: int = SCRYPT["p"]) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=2**26, dklen=32)
    return f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def set_password(data_dir: Path, password: str) -> None:
    """Stored as a salted scrypt hash, in a 0600 file replaced atomically (like the token)."""
    if len(password) < 8:
        raise ValueError("use at least 8 characters")
    _write_secret_file(password_path(data_dir), hash_password(password))


def stored_password(data_dir: Path) -> str:
    try:
        return password_path(data_dir).read_text().strip()
    except (OSError, UnicodeDecodeError):
        return ""


def password_matches(given: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        again = hash_password(given, salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(again.encode(), stored.encode())


def login_fingerprint(stored: str) -> str:
    """What a signed-in session carries: tied to the current hash, so a new password signs
    every session out, without the hash itself going into the cookie."""
    return hashlib.sha256(b"jobloop-login:" + stored.encode()).hexdigest()[:32]


# ---- request guards ------------------------------------------------------------

def refuse(kind: type[HTTPException], message: str, code: str) -> None:
    """Every guard refuses through the app's one error handler (web/errors.py): the API's
    JSON under /api with `code`, an HTML page with a way back everywhere else."""
    error = kind(message)
    error.error_code = code
    raise error

def host_allowed(host_header: str, allowed: frozenset[str]) -> bool:
    host = (host_header or "").strip().lower()
    if host.startswith("["):  # [::1]:8765
        name = host[1:host.find("]")] if "]" in host else ""
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name in allowed


def remote_mode(cfg) -> bool:
    """Started with --allow-remote: other names than loopback ones are served, so the
    tracker asks for a login and never shows the API token."""
    return bool(cfg.extra_hosts) or not is_loopback(cfg.host)


def is_loopback(host: str) -> bool:
    name = (host or "").strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def served_hosts(cfg) -> frozenset[str]:
    """The loopback names, any the user allowed, and the address the server was started on when
    it is a loopback one (127.0.0.2 answers to itself without --allow-remote)."""
    own = {cfg.host.strip("[]").lower()} if is_loopback(cfg.host) else set()
    return cfg.allowed_hosts() | own


def _check_host():
    if not host_allowed(request.headers.get("Host", ""), served_hosts(current_app.config["JOBLOOP"])):
        refuse(Forbidden, "jobloop only answers to the host names it was started for (127.0.0.1 or localhost)",
               "bad_host")
    return None


def _check_body_limit():
    cfg = current_app.config["JOBLOOP"]
    limit = cfg.capture_max_bytes if request.path in CAPTURE_PATHS else cfg.default_max_bytes
    if request.path == SHEET_UPLOAD_PATH:
        from .services.bounds import MAX_SHEET_BYTES  # (here, not at the top: keeps this edit to one place)

        limit = MAX_SHEET_BYTES + 64 * 1024
    if request.path == DOCUMENT_UPLOAD_PATH:
        from .services.bounds import MAX_DOCUMENT_BYTES

        limit = MAX_DOCUMENT_BYTES + 64 * 1024
    # Also enforced while reading a body without Content-Length (chunked).
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        message = f"the request body is over the {limit:,} byte limit"
        refuse(RequestEntityTooLarge, message, "too_large")
    return None


def _check_api():
    if not request.path.startswith("/api/") or request.method == "OPTIONS":
        return None
    if request.path not in PUBLIC_API_PATHS:
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        expected = current_token(current_app.config["JOBLOOP"].data_dir)
        if scheme.lower() != "bearer" or not token_matches(given.strip(), expected):
            refuse(Unauthorized, "missing or wrong API token: run `jobloop token` and paste it into the extension's "
                   "options", "unauthorized")
    if request.method in WRITE_METHODS and request.content_length != 0 and (
        request.content_length or request.headers.get("Transfer-Encoding")
    ):
        if request.mimetype != "application/json":
            refuse(UnsupportedMediaType, "send the body as application/json", "unsupported_media_type")
    return None


# ---- CSRF for the tracker's own forms and scripts -------------------------------

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def csrf_token() -> str:
    """One token per browser session; forms put it in a hidden field, scripts in a header."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def check_csrf():
    """Tracker writes need the session's CSRF token and must not come from another site."""
    if request.path.startswith("/api/") or request.method not in WRITE_METHODS:
        return None
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        refuse(Forbidden, "a request from another site was refused", "cross_site")
    expected = session.get(CSRF_FIELD, "")
    given = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")
    if not expected or not token_matches(given, expected):
        refuse(Forbidden, "the form's security token is missing or stale: reload the page and try again", "csrf")
    return None


def _check_json_depth():
    """A JSON body nested deeper than MAX_JSON_DEPTH is a 400 before any parser recurses into it.

    The body is read and decoded once here (Werkzeug caches both; the API's parser reads the
    decoded value) with the recursion error caught, and its depth walked without recursion;
    invalid JSON is left to the view's own parser.
    """
    if request.method not in WRITE_METHODS or not request.is_json:
        return None
    try:
        # Decoded through Werkzeug's cache: the API's parser (api.JsonOnceParser) reuses it.
        value = request.get_json(silent=True) if request.get_data(cache=True) else None
    except RecursionError:
        value = None
        deep = True
    except ValueError:
        return None
    else:
        deep = not json_depth_ok(value)
    if deep:
        refuse(BadRequest, f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels", "too_deep")
    return None


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def install(app: Flask) -> None:
    """Order matters: Host first, then size, then token and content type, then CSRF."""
    app.before_request_funcs.setdefault(None, [])[0:0] = [_check_host, _check_body_limit, _check_api, check_csrf,
                                                          _check_json_depth]
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.after_request(_security_headers)
    CORS(
        app,
        resources={r"/api/*": {"origins": EXTENSION_ORIGINS}},
        allow_headers=["Authorization", "Content-Type"],
        methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
        supports_credentials=False,
        max_age=600,
    )
