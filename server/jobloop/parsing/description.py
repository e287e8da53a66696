"""Descriptions: an allow-list sanitizer for HTML, and plain text for search."""
from __future__ import annotations

import re

import html as htmllib

import nh3
from bs4.element import NavigableString, PreformattedString, Tag

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "u", "h2", "h3", "h4", "h5",
    "h6", "blockquote", "a", "span", "div", "table", "thead", "tbody", "tr", "td", "th",
    "hr", "dl", "dt", "dd", "code", "pre", "sub", "sup",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
CLEAN_CONTENT_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "svg", "math"}
_VOID = {"br", "hr"}
# What nh3 keeps: the attributes above, plus lang and title on any allowed tag (its defaults).
_KEPT_ATTRIBUTES = {"a": ("href", "title", "lang"), "": ("title", "lang")}
_KEPT_ANYWHERE = frozenset(_KEPT_ATTRIBUTES["a"] + _KEPT_ATTRIBUTES[""])


_SANITIZER_OPTIONS = dict(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    clean_content_tags=CLEAN_CONTENT_TAGS,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)
# One sanitizer built once: nh3.clean() converts the allow-lists on every call, a fixed
# cost as large as cleaning a short description. nh3 before 0.3 has no Cleaner.
_SANITIZER = nh3.Cleaner(**_SANITIZER_OPTIONS) if hasattr(nh3, "Cleaner") else None


def sanitize_html(html: str) -> str:
    """Keep structure, drop anything that can run: scripts, styles, handlers, js: links."""
    if _SANITIZER is not None:
        return _SANITIZER.clean(html or "").strip()
    return nh3.clean(html or "", **_SANITIZER_OPTIONS).strip()


def tree_html(elements, skip=(), limit: int = 1_500_000) -> str:
    """The HTML of part of a parsed page, already reduced to what sanitize_html keeps: allowed
    tags (with only the attributes it keeps), escaped text; tags it strips give only
    their text, and what it drops with its content (scripts, styles, forms in `skip`) gives
    nothing. Serializing the whole subtree with str() and letting nh3 parse all of it again
    cost more than the rest of reading the page. The result still goes through
    sanitize_html: this only saves work, it is not the sanitizer."""
    skip_ids = {id(el) for el in skip}
    out: list[str] = []
    size = 0
    stack: list = list(reversed(list(elements)))
    escape = htmllib.escape
    while stack and size < limit:
        node = stack.pop()
        if node.__class__ is str:  # a closing tag pushed below the element's children
            out.append(node)
            continue
        if isinstance(node, Tag):
            name = node.name
            if name in CLEAN_CONTENT_TAGS or id(node) in skip_ids:
                continue
            if name in ALLOWED_TAGS:
                keep = _KEPT_ATTRIBUTES["a"] if name == "a" else _KEPT_ATTRIBUTES[""]
                node_attrs = node.attrs
                if node_attrs and not _KEPT_ANYWHERE.isdisjoint(node_attrs):  # most tags keep none of theirs
                    attrs = "".join(f' {k}="{escape(str(node_attrs[k]))}"' for k in keep if k in node_attrs)
                    out.append(f"<{name}{attrs}>")
                else:
                    out.append(f"<{name}>")
                if name in _VOID:
                    continue
                stack.append(f"</{name}>")
            stack.extend(reversed(node.contents))
        elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            # Most text has nothing to escape: the three replacements are skipped for it.
            text = escape(node, quote=False) if "&" in node or "<" in node or ">" in node else node
            size += len(text)
            out.append(text)
    return "".join(out)


BLOCKS = re.compile(r"</?(p|br|li|ul|ol|h\d|div|tr|blockquote|dt|dd|hr)\b[^>]*>", re.I)


TAGS = re.compile(r"<[^>]*>")
# Runs of spaces, tabs and no-break spaces become one space: tabs and no-break spaces are
# replaced first, then runs of spaces collapse (a pattern that begins with one literal
# character skips ahead at C speed; the character class [ \t\u00a0] was tried at every
# position). Never a line break, so one pass over the text equals one per line.
_SPACE_RUN = re.compile(r"  +")


def html_to_text(html: str) -> str:
    """Plain text of sanitized HTML (nh3 output is well-formed, so a regex pass is enough)."""
    if not html:
        return ""
    text = htmllib.unescape(TAGS.sub(" ", BLOCKS.sub("\n", html)))
    text = _SPACE_RUN.sub(" ", text.replace("\t", " ").replace("\u00a0", " "))
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
