"""One page, read once: the soup (lxml, built a single time) and what every extractor
needs from it, gathered in one walk of the tree."""
from __future__ import annotations

import re
from datetime import datetime
from functools import cached_property
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from .text import clean, fold

MAX_HTML_CHARS = 20 * 1024 * 1024
_WANTED = {"script", "meta", "h1", "title", "input", "a", "button", "link"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def to_text(html) -> str:
    if isinstance(html, (bytes, bytearray, memoryview)):
        raw = bytes(html[: MAX_HTML_CHARS])
        m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", raw[:4096], re.I)
        enc = m.group(1).decode("ascii", "ignore") if m else "utf-8"
        try:
            html = raw.decode(enc, errors="replace")
        except LookupError:
            html = raw.decode("utf-8", errors="replace")
    html = html if isinstance(html, str) else ""
    html = html[:MAX_HTML_CHARS]
    return _CONTROL.sub(" ", html) if _CONTROL.search(html[:100_000]) or "\x00" in html else html


class Page:
    def __init__(self, html, url: str, now: datetime | None = None):
        self.url = url or ""
        try:
            parts = urlsplit(self.url)
            self.host = (parts.hostname or "").lower()
            self.path = parts.path or "/"
            self.query = parts.query or ""
        except ValueError:
            self.host, self.path, self.query = "", "/", ""
        self.now = now
        self.html = to_text(html)
        try:
            self.soup = BeautifulSoup(self.html, "lxml")
        except Exception:  # lxml refuses some binary input; an empty page is the honest answer
            self.soup = BeautifulSoup("", "lxml")
        self.ld_scripts: list[str] = []
        self.data_scripts: list[str] = []
        self.inline_scripts: list[str] = []
        self.data_attrs: list[str] = []
        self.meta: dict[str, str] = {}
        self.h1s: list = []
        self.links: list = []
        self.buttons: list = []
        self.title_tag = ""
        self.has_password = False
        self.microdata_scopes: list = []
        self._collect()

    def _collect(self) -> None:
        def wanted(tag) -> bool:
            return tag.name in _WANTED or bool(tag.attrs) and (
                "itemtype" in tag.attrs or "data-page" in tag.attrs or "data-props" in tag.attrs)

        for tag in self.soup.find_all(wanted):
            name = tag.name
            if name == "script":
                typ = (tag.get("type") or "").lower()
                raw = tag.string or ""
                if "ld+json" in typ or "ld json" in typ:
                    self.ld_scripts.append(raw)
                elif "json" in typ:
                    self.data_scripts.append(raw)
                elif raw and not tag.get("src"):
                    self.inline_scripts.append(raw)
            elif name == "meta":
                key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
                if key and key not in self.meta and tag.get("content"):
                    self.meta[key] = str(tag.get("content"))
            elif name == "h1":
                self.h1s.append(tag)
            elif name == "a":
                self.links.append(tag)
            elif name == "button":
                self.buttons.append(tag)
            elif name == "title" and not self.title_tag:
                self.title_tag = clean(tag.get_text(" ")) or ""
            elif name == "input" and (tag.get("type") or "").lower() == "password":
                self.has_password = True
            if "itemtype" in tag.attrs and "jobposting" in str(tag.get("itemtype")).lower():
                self.microdata_scopes.append(tag)
            for attr in ("data-page", "data-props"):
                if attr in tag.attrs and len(str(tag[attr])) > 50:
                    self.data_attrs.append(str(tag[attr]))

    @cached_property
    def strings(self) -> list[str]:
        """Visible strings of the body in document order (scripts and styles excluded)."""
        root = self.soup.body or self.soup
        out = []
        for s in root.stripped_strings:
            if len(out) > 60_000:
                break
            out.append(" ".join(s.split()))
        return out

    @cached_property
    def text(self) -> str:
        return "\n".join(self.strings)

    @cached_property
    def app_blobs(self) -> list:
        from .appstate import blobs

        out = blobs(self)
        body = self.strings[:1]
        if body and body[0].startswith("{") and len(self.strings) < 5:  # a JSON document saved as a page
            from .structured import loads_lenient

            value = loads_lenient(self.text)
            if value is not None:
                out.append(value)
        return out

    def meta_get(self, *keys: str) -> str | None:
        for k in keys:
            v = clean(self.meta.get(k))
            if v:
                return v
        return None

    def select_text(self, selector: str, root=None) -> str | None:
        try:
            el = (root or self.soup).select_one(selector)
        except Exception:
            return None
        return clean(el.get_text(" ")) if el is not None else None

    def select(self, selector: str, root=None) -> list:
        try:
            return (root or self.soup).select(selector, limit=200)
        except Exception:
            return []

    def path_matches(self, pattern: str) -> bool:
        return re.search(pattern, self.path, re.I) is not None

    def host_is(self, *domains: str) -> bool:
        return any(self.host == d or self.host.endswith("." + d) for d in domains)

    def folded_text(self) -> str:
        return fold(self.text)
