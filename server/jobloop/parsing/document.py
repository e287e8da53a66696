"""One page, read once: the soup (lxml, built a single time) and what every extractor
needs from it, gathered in one walk of the tree."""
from __future__ import annotations

import re
from datetime import datetime
from functools import cached_property
from urllib.parse import urlsplit

import soupsieve
from bs4.element import NavigableString, Tag

from .encoding import decode
from .soup import build
from .text import clean, fold

MAX_HTML_CHARS = 20 * 1024 * 1024
_WANTED = {"script", "meta", "h1", "title", "input", "a", "button", "strong", "b"}
_INDEXED_TAGS = {"h1", "h2", "code", "dt", "main", "article", "form", "img", "spl-job-location"}
_INDEXED_ATTRS = ("id", "data-ui", "data-automation-id", "data-testid", "data-test", "data-qa", "itemprop", "data-controller")
# The attributes the walk reads (the index's, microdata's, app state's): a tag without any is skipped.
_INDEXED_ATTR_SET = frozenset(_INDEXED_ATTRS + ("itemtype", "data-page", "data-props"))
_SIMPLE = re.compile(r"^(?P<tag>[\w-]+)?(?:\.(?P<cls>[\w-]+)|#(?P<id>[\w-]+)|\[(?P<attr>[\w-]+)(?:=(?P<val>[\w-]+))?\])?[^\s>]*$")
# A selector the index answers exactly: an optional lowercase tag name and one class, id or
# attribute (present, or equal to an identifier), CSS identifiers only (anything else still
# goes through soupsieve, which also rejects what is not valid CSS).
_IDENT = r"-?[_a-zA-Z][\w-]*"
_EXACT = re.compile(rf"^(?P<tag>[a-z][a-z0-9]*)?(?:\.{_IDENT}|#{_IDENT}|\[[a-z][\w-]*(?:={_IDENT})?\])$|^[a-z][a-z0-9]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def to_text(html) -> str:
    if isinstance(html, (bytes, bytearray, memoryview)):
        html = decode(bytes(html[:MAX_HTML_CHARS]))
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
            self.soup = build(self.html)
        except Exception:  # lxml refuses some binary input; an empty page is the honest answer
            self.soup = build("")
        self.ld_scripts: list[str] = []
        self.data_scripts: list[str] = []
        self.inline_scripts: list[str] = []
        self.data_attrs: list[str] = []
        self.meta: dict[str, str] = {}
        self.h1s: list = []
        self.links: list = []
        self.buttons: list = []
        self.emphasis: list = []  # <strong> and <b>, in document order
        self.title_tag = ""
        self.has_password = False
        self.microdata_scopes: list = []
        self.cache: dict = {}  # answers several passes ask for (is there an apply button?)
        self._meta_answers: dict = {}
        self._collect()

    def _collect(self) -> None:
        """One walk over the tree: the tags extractors need, and an index by class, id and
        data attributes so adapters' selectors never walk the whole tree again."""
        by_class: dict[str, list] = {}
        by_attr: dict[tuple, list] = {}
        by_tag: dict[str, list] = {}
        self.by_class, self.by_attr, self.by_tag = by_class, by_attr, by_tag
        self.body = None  # soup.body, found on the way (soup.body itself searches the tree)
        # The body's visible strings (see strings) are gathered on the same walk: from the
        # body tag up to what follows its last descendant.
        strings: list[str] = []
        string_types: tuple = ()
        body_end = collecting = None
        # Document order along next_element (what .descendants yields, without a generator
        # step per node: most nodes are strings, skipped at once).
        node = self.soup.contents[0] if self.soup.contents else None
        while node is not None:
            tag, node = node, node.next_element
            if tag is body_end:
                collecting = False
            if tag.__class__ is not Tag:
                if collecting and type(tag) in string_types:
                    s = tag.strip()
                    if s and len(strings) <= 60_000:
                        strings.append(" ".join(s.split()))
                continue
            name, attrs = tag.name, tag.attrs
            if attrs:
                classes = attrs.get("class")
                if classes:
                    for c in classes:  # no setdefault: it builds a new list for every class of every tag
                        tags = by_class.get(c)
                        if tags is None:
                            by_class[c] = [tag]
                        else:
                            tags.append(tag)
                if not _INDEXED_ATTR_SET.isdisjoint(attrs):  # most tags carry none of them
                    for attr in _INDEXED_ATTRS:
                        if attr in attrs:
                            by_attr.setdefault((attr, str(attrs[attr])), []).append(tag)
                            by_attr.setdefault((attr, None), []).append(tag)
                    if "itemtype" in attrs and "jobposting" in str(attrs["itemtype"]).lower():
                        self.microdata_scopes.append(tag)
                    for attr in ("data-page", "data-props"):
                        if attr in attrs and len(str(attrs[attr])) > 50:
                            self.data_attrs.append(str(attrs[attr]))
            if name in _INDEXED_TAGS:
                by_tag.setdefault(name, []).append(tag)
            elif name == "body" and self.body is None:
                self.body = tag
                string_types = _string_types(tag)
                body_end, collecting = tag._last_descendant().next_element, True
            if name not in _WANTED:
                continue
            if name == "script":
                typ = (attrs.get("type") or "").lower()
                raw = tag.string or ""
                if "ld+json" in typ or "ld json" in typ:
                    self.ld_scripts.append(raw)
                elif "json" in typ:
                    self.data_scripts.append(raw)
                elif raw and not attrs.get("src"):
                    self.inline_scripts.append(raw)
            elif name == "meta":
                key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "")
                key = key.lower() if isinstance(key, str) else ""
                if key and key not in self.meta and attrs.get("content"):
                    self.meta[key] = str(attrs.get("content"))
            elif name == "h1":
                self.h1s.append(tag)
            elif name == "a":
                self.links.append(tag)
            elif name == "button":
                self.buttons.append(tag)
            elif name in ("strong", "b"):
                self.emphasis.append(tag)
            elif name == "title" and not self.title_tag:
                self.title_tag = clean(tag.get_text(" ")) or ""
            elif name == "input" and (attrs.get("type") or "").lower() == "password":
                self.has_password = True
        if self.body is not None:
            self.__dict__["strings"] = strings  # the cached property's value, read on the way

    def _candidates(self, selector: str):
        """Elements that can match the selector's last part, from the index; None if unindexed."""
        last = selector.split(",")[0].strip().split()[-1] if "," not in selector else None
        m = _SIMPLE.match(last or "")
        if not m:
            return None
        if m["cls"]:
            return self.by_class.get(m["cls"], [])
        if m["id"]:
            return self.by_attr.get(("id", m["id"]), [])
        if m["attr"] in _INDEXED_ATTRS:
            return self.by_attr.get((m["attr"], m["val"]), [])
        if m["tag"] in _INDEXED_TAGS:
            return self.by_tag.get(m["tag"], [])
        return None

    @cached_property
    def strings(self) -> list[str]:
        """Visible strings of the body in document order (scripts and styles excluded). _collect
        reads them on its walk when the page has a body; this walk is for a page without one."""
        root = self.body or self.soup
        types = _string_types(root)
        out: list[str] = []
        if not root.contents:
            return out
        # root.descendants, along next_element without its generator step per node (most
        # nodes are strings): from the first child up to what follows the last descendant.
        stop = root._last_descendant().next_element
        node = root.contents[0]
        while node is not stop and node is not None:
            if type(node) in types:
                s = node.strip()
                if s:
                    if len(out) > 60_000:
                        break
                    out.append(" ".join(s.split()))
            node = node.next_element
        return out

    @cached_property
    def h1_texts(self) -> list[str]:
        """The text of the first h1s, read once (the title, the classifier and the listing
        test all look at them)."""
        return [stripped_text(h) for h in self.h1s[:8]]

    @cached_property
    def text(self) -> str:
        return "\n".join(self.strings)

    @cached_property
    def jsonld_nodes(self) -> list[dict]:
        """Every dict of the page's JSON-LD, parsed once (the pipeline and the classifier read it)."""
        from .structured import jsonld_nodes

        return jsonld_nodes(self.ld_scripts)

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
        cached = self._meta_answers.get(keys, self)  # the same few tags are asked for a dozen times
        if cached is not self:
            return cached
        found = next((v for v in map(clean, map(self.meta.get, keys)) if v), None)
        self._meta_answers[keys] = found
        return found

    def select(self, selector: str, root=None) -> list:
        """CSS select through the index (then soupsieve checks the whole selector on the few
        candidates); a selector list is the union of its parts, in document order per part."""
        out = []
        for part in selector.split(","):
            part = part.strip()
            cands = self._candidates(part)
            try:
                if cands is None:
                    found = self._select_under_indexed(part) if root is None else None
                    if found is None:
                        found = (root or self.soup).select(part, limit=200)
                elif _EXACT.match(part):  # the index answers it whole: no selector matching per element
                    tag = _EXACT.match(part)["tag"]
                    found = [el for el in cands if (tag is None or el.name == tag) and (root is None or _inside(el, root))]
                else:
                    compiled = soupsieve.compile(part)
                    found = [el for el in cands if compiled.match(el) and (root is None or _inside(el, root))]
            except Exception:  # a selector soupsieve cannot parse is simply no match
                found = []
            out.extend(el for el in found if el not in out)
        return out[:200]

    def _select_under_indexed(self, selector: str) -> list | None:
        """'.pay-range span', '[data-automation-id=time] dd': the last part names only a tag,
        but the first is in the index; search under the few elements it finds instead of
        the whole tree. None when the first part is not indexed either."""
        words = selector.split()
        heads = self._candidates(words[0]) if len(words) >= 2 and words[0] not in (">", "+", "~") else None
        if heads is None:
            return None
        head, rest = soupsieve.compile(words[0]), ":scope " + " ".join(words[1:])
        found: list = []
        for el in heads:
            if head.match(el):
                found.extend(x for x in el.select(rest, limit=200) if not any(x is y for y in found))
        return found

    def select_text(self, selector: str, root=None) -> str | None:
        for el in self.select(selector, root):
            text = clean(el.get_text(" "))
            if text:
                return text
        return None

    def path_matches(self, pattern: str) -> bool:
        return re.search(pattern, self.path, re.I) is not None

    def host_is(self, *domains: str) -> bool:
        """The host is one of the domains or a subdomain of one, on a dot boundary."""
        return not self._host_and_parents.isdisjoint(domains)

    @cached_property
    def _host_and_parents(self) -> frozenset[str]:
        # host == d or host.endswith("." + d) exactly when d is the host or what follows one
        # of its dots: site_for asks about forty domains on every page, one set look-up each.
        host = self.host
        return frozenset([host] + [host[i + 1:] for i, c in enumerate(host) if c == "."])

    def folded_text(self) -> str:
        return fold(self.text)


def _string_types(root) -> tuple:
    """The string types root.stripped_strings yields (NavigableString and CData, never script,
    style or comments), as a tuple: strings are read without its two generator layers per node."""
    types = root.interesting_string_types
    types = Tag.MAIN_CONTENT_STRING_TYPES if types is None else types
    return (types,) if isinstance(types, type) else tuple(types)


def stripped_text(el) -> str:
    """el.get_text(" ", strip=True). Most buttons, links and headings hold one string: that
    string, stripped, without bs4's two generator layers (the same string types count)."""
    contents = el.contents
    if len(contents) == 1 and isinstance(contents[0], NavigableString):
        types = el.interesting_string_types
        types = Tag.MAIN_CONTENT_STRING_TYPES if types is None else types
        kind = type(contents[0])
        return contents[0].strip() if (kind is types if isinstance(types, type) else kind in types) else ""
    return el.get_text(" ", strip=True)


def _inside(el, root) -> bool:
    return el is root or any(p is root for p in el.parents)
