"""The clipped page as the browser is shown it: nothing in it can reach out.

The sandbox and the CSP stop every script and every request, but not a connection
the browser opens on its own: <link rel=preconnect> and dns-prefetch make Chromium
open a TCP (and TLS) handshake to a host the page names, a frame starts its own
navigation, <base> re-points every relative URL and <meta http-equiv=refresh>
navigates away. So the stored snapshot is served without any of them, on top of the
sandbox, the CSP (base-uri 'none') and X-DNS-Prefetch-Control: off.
"""
from __future__ import annotations

from ..parsing.soup import build

SNAPSHOT_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SNAPSHOT_HEADERS = {
    "Content-Security-Policy": SNAPSHOT_CSP,
    "X-DNS-Prefetch-Control": "off",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}

# Whole elements: none has a use in a read-only copy, and each can start a fetch or a navigation.
DROPPED_TAGS = ("script", "noscript", "link", "base", "iframe", "frame", "frameset", "object", "embed", "applet",
                "portal", "fencedframe", "audio", "video", "source", "track", "template")
# Attributes that name a URL the browser may contact on its own (ping on click, srcset, poster...).
DROPPED_ATTRS = ("ping", "srcset", "imagesrcset", "poster", "background", "longdesc", "lowsrc", "dynsrc",
                 "formaction", "action", "data", "codebase", "archive", "manifest", "attributionsrc")


def strip_reach_out(html: str) -> str:
    """The snapshot without anything that makes the browser connect elsewhere."""
    soup = build(html or "")  # the parser's builder: the stock tree, one build at a time
    for tag in soup.find_all(DROPPED_TAGS):
        tag.decompose()
    for meta in soup.find_all("meta"):
        if meta.get("http-equiv") or meta.get("name", "").lower() in ("referrer",):
            meta.decompose()  # refresh, set-cookie, a CSP of the page's own
    for tag in soup.find_all(True):
        for attr in list(tag.attrs):
            name = attr.lower()
            if name in DROPPED_ATTRS or name.startswith("on"):
                del tag[attr]
    return str(soup)
