"""Content-Disposition for downloads, per RFC 6266: any name, never a broken header.

A header value must be Latin-1 (a contact named 李小龍 made a 500), so the name goes in
filename*=UTF-8''<percent-encoded> and an ASCII fallback in filename= for old clients.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote


def content_disposition(filename: str, *, kind: str = "attachment", fallback: str = "download") -> str:
    stem, dot, ext = filename.rpartition(".")
    stem, ext = (stem, ext) if dot else (filename, "")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_stem).strip("-.") or fallback
    ascii_name = ascii_stem + (f".{re.sub(r'[^A-Za-z0-9]', '', ext)}" if ext else "")
    value = f'{kind}; filename="{ascii_name}"'
    if ascii_name != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value
