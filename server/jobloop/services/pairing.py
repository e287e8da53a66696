"""Pairing a browser in one click, and which browsers are paired.

The extension asks for a pairing with the hash of a secret only it knows, opens the
tracker's page for that pairing, and the user confirms there (a CSRF-protected form
on the loopback tracker). The extension then redeems the pairing with the secret and
gets the API token, once. So the token is handed over only after the user confirmed,
only to whoever holds the secret, and only to a browser-extension origin (api/pairing.py).

Pending pairings live in memory for a few minutes (a server restart just means
clicking "Pair" again). Paired browsers and when each last called are kept in a small
JSON file in the data dir, so the settings page can say so after a restart.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from . import NotFound, ServiceError, TooMany

PAIRING_TTL = timedelta(minutes=10)
MAX_PENDING = 20               # a flood of requests cannot grow memory
LAST_CALL_EVERY = timedelta(seconds=60)  # write "last called" at most once a minute per browser
BROWSERS_FILE = "browsers.json"


@dataclass
class Pairing:
    id: str
    challenge: str          # sha256 hex of the extension's secret
    origin: str             # the extension origin that asked
    browser: str            # "Chrome", "Firefox"… for the page and the settings list
    created_at: datetime
    confirmed_at: datetime | None = None
    code: str = field(default="")  # shown on both sides, so the user can see they match


class Pairings:
    """Pending pairings of one app (kept in app.extensions)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pending: dict[str, Pairing] = {}

    def _expire(self, now: datetime) -> None:
        for key in [k for k, p in self._pending.items() if now - p.created_at > PAIRING_TTL]:
            del self._pending[key]

    def start(self, challenge: str, origin: str, browser: str, now: datetime) -> Pairing:
        if len(challenge) != 64 or any(c not in "0123456789abcdef" for c in challenge):
            raise ServiceError("challenge: the SHA-256 of the extension's secret, 64 lowercase hex digits", code="invalid")
        with self._lock:
            self._expire(now)
            if len(self._pending) >= MAX_PENDING:
                raise TooMany("too many pairings are waiting; confirm or let them expire first")
            pairing = Pairing(id=secrets.token_urlsafe(18), challenge=challenge, origin=origin, browser=browser,
                              created_at=now, code=secrets.token_hex(3).upper())
            self._pending[pairing.id] = pairing
            return pairing

    def get(self, pairing_id: str, now: datetime) -> Pairing | None:
        with self._lock:
            self._expire(now)
            return self._pending.get(pairing_id)

    def confirm(self, pairing_id: str, now: datetime) -> Pairing:
        with self._lock:
            self._expire(now)
            pairing = self._pending.get(pairing_id)
            if not pairing:
                raise NotFound("this pairing has expired or was already used: click Pair with jobloop again")
            pairing.confirmed_at = pairing.confirmed_at or now
            return pairing

    def redeem(self, pairing_id: str, secret: str, origin: str, now: datetime) -> Pairing | None:
        """The pairing if confirmed (and it is used up); None while the user has not confirmed."""
        with self._lock:
            self._expire(now)
            pairing = self._pending.get(pairing_id)
            given = hashlib.sha256((secret or "").encode()).hexdigest()
            if not pairing or not hmac.compare_digest(given, pairing.challenge) or origin != pairing.origin:
                # One answer for all three: a guesser learns nothing.
                raise NotFound("no such pairing: it expired or was already used; click Pair with jobloop again")
            if not pairing.confirmed_at:
                return None
            del self._pending[pairing_id]
            return pairing


# ---- paired browsers ----------------------------------------------------------------

_file_lock = threading.Lock()
_last_written: dict[tuple[str, str], datetime] = {}


def _path(data_dir: Path) -> Path:
    return Path(data_dir) / BROWSERS_FILE


def browsers(data_dir: Path) -> dict[str, dict]:
    """{"Chrome": {"paired_at": iso, "last_call": iso|None}, …}"""
    try:
        data = json.loads(_path(data_dir).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(data_dir: Path, data: dict) -> None:
    path = _path(data_dir)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(tmp, path)


def record_paired(data_dir: Path, browser: str, now: datetime) -> None:
    with _file_lock:
        data = browsers(data_dir)
        data[browser] = {"paired_at": now.isoformat(timespec="seconds"), "last_call": now.isoformat(timespec="seconds")}
        _write(data_dir, data)
        _last_written[(str(data_dir), browser)] = now


def record_call(data_dir: Path, browser: str, now: datetime) -> None:
    """An API call with the right token, from a browser's extension."""
    key = (str(data_dir), browser)
    last = _last_written.get(key)
    if last and now - last < LAST_CALL_EVERY:
        return
    with _file_lock:
        data = browsers(data_dir)
        entry = data.setdefault(browser, {"paired_at": None})  # paired by pasting the token
        entry["last_call"] = now.isoformat(timespec="seconds")
        _write(data_dir, data)
        _last_written[key] = now


def browser_name(origin: str, user_agent: str) -> str:
    if (origin or "").startswith("moz-extension://") or "Firefox/" in (user_agent or ""):
        return "Firefox"
    if "Edg/" in (user_agent or ""):
        return "Edge"
    return "Chrome"
