"""Descriptions: an allow-list sanitizer for HTML, and plain text for search."""
from __future__ import annotations

import re

import html as htmllib

import nh3

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "u", "h2", "h3", "h4", "h5",
    "h6", "blockquote", "a", "span", "div", "table", "thead", "tbody", "tr", "td", "th",
    "hr", "dl", "dt", "dd", "code", "pre", "sub", "sup",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def sanitize_html(html: str) -> str:
    """Keep structure, drop anything that can run: scripts, styles, handlers, js: links."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        clean_content_tags={"script", "style", "noscript", "template", "iframe", "object", "svg", "math"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


BLOCKS = re.compile(r"</?(p|br|li|ul|ol|h\d|div|tr|blockquote|dt|dd|hr)\b[^>]*>", re.I)


TAGS = re.compile(r"<[^>]*>")


def html_to_text(html: str) -> str:
    """Plain text of sanitized HTML (nh3 output is well-formed, so a regex pass is enough)."""
    if not html:
        return ""
    text = htmllib.unescape(TAGS.sub(" ", BLOCKS.sub("\n", html)))
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
