"""Bytes to text the way a browser would: byte-order mark, then the page's own declaration
(<meta charset> or http-equiv Content-Type), then detection for pages that say nothing."""
from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML = re.compile(rb"^\s*<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)", re.I)
# The labels browsers map to a wider charset (the WHATWG Encoding Standard): a page that
# says latin-1 is read as windows-1252, one that says gb2312 as gb18030.
_WIDER = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
          "iso8859-1": "cp1252", "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
          "iso-8859-9": "cp1254", "tis-620": "cp874", "ks_c_5601-1987": "cp949", "euc-kr": "cp949",
          "shift_jis": "cp932", "x-sjis": "cp932", "sjis": "cp932", "big5": "big5hkscs", "utf8": "utf-8"}
DETECT_BYTES = 200_000  # detection reads a prefix: enough to be sure, bounded on huge pages


def declared(raw: bytes) -> str | None:
    """The charset the page declares in its first few kilobytes, as a Python codec name."""
    head = raw[:8192]
    m = _META.search(head) or _XML.search(head)
    if not m:
        return None
    label = m.group(1).decode("ascii", "ignore").strip().lower()
    label = _WIDER.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(raw: bytes) -> str:
    """Decode a saved page or an HTTP body. Never raises; undecodable bytes become U+FFFD."""
    raw = bytes(raw)
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom):].decode(enc, errors="replace")
    enc = declared(raw)
    if enc and enc not in ("utf-16-le", "utf-16-be", "utf-16", "utf-32"):  # a BOM-less page cannot be UTF-16 and declare it in ASCII
        if enc != "utf-8":
            return raw.decode(enc, errors="replace")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass  # declared UTF-8 but is not (a page re-saved by an old editor): detect
    else:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return raw.decode(_detect(raw) or "cp1252", errors="replace")


def _detect(raw: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:DETECT_BYTES]).best()
    if best is None:
        return None
    enc = _WIDER.get(best.encoding, best.encoding)
    try:
        return codecs.lookup(enc).name
    except LookupError:
        return None
