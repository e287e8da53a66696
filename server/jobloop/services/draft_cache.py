"""Previewed drafts, held a short while so the save that follows a preview parses nothing.

The popup previews a page (POST /api/parse), the user checks the fields, then saves. The
server keeps what the preview read — the draft and the page — keyed by the paired client,
the page's canonical URL and the SHA-256 of its HTML; the save sends that hash and the
user's edits instead of the page. When the entry is gone (too old, pushed out, the server
restarted, another token) the save is refused with `page_needed` and the popup sends the
page again.

In-process and thread-safe (waitress serves requests from several threads), bounded in
entries, bytes and age. Nothing here is a secret store: the hash names a page the client
already sent, and the key includes a fingerprint of the client's token, so after
`jobloop token --rotate` an old entry is out of reach.
"""
from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

PAGE_HASH = re.compile(r"^[0-9a-f]{64}$")  # what the API accepts as page_hash: SHA-256, lowercase hex
MAX_ENTRIES = 64
MAX_BYTES = 64 * 1024 * 1024  # characters of HTML held in all entries together
MAX_AGE_SECONDS = 15 * 60  # a user may take a while to check the fields; a preview older than this is re-read


def page_hash(html: str) -> str:
    """SHA-256 of the page as stored (the snapshot's sha256 is the same value)."""
    return hashlib.sha256(html.encode("utf-8", errors="replace")).hexdigest()


def client_key(token: str) -> str:
    """A fingerprint of the client's API token, so entries never outlive it."""
    return hashlib.sha256(("jobloop-drafts:" + (token or "")).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Held:
    draft: Any  # PostingDraft, read only once held
    html: str
    at: float
    snapshot: Any = None  # the page packed for storing (capture.Packing), made while the user reads


class DraftCache:
    def __init__(self, *, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES,
                 max_age: float = MAX_AGE_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.max_entries, self.max_bytes, self.max_age, self.clock = max_entries, max_bytes, max_age, clock
        self._entries: OrderedDict[tuple[str, str, str], Held] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def put(self, client: str, canonical_url: str, digest: str, draft: Any, html: str, snapshot: Any = None) -> None:
        if len(html) > self.max_bytes:
            return  # a page larger than the whole cache is simply sent again
        key = (client, canonical_url, digest)
        with self._lock:
            self._drop(key)
            self._entries[key] = Held(draft, html, self.clock(), snapshot)
            self._bytes += len(html)
            self._expire()
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))  # oldest first

    def get(self, client: str, canonical_url: str, digest: str) -> Held | None:
        with self._lock:
            self._expire()
            return self._entries.get((client, canonical_url, digest))

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _expire(self) -> None:
        limit = self.clock() - self.max_age
        while self._entries:
            key, held = next(iter(self._entries.items()))
            if held.at >= limit:
                break
            self._drop(key)

    def _drop(self, key) -> None:
        held = self._entries.pop(key, None)
        if held is not None:
            self._bytes -= len(held.html)
