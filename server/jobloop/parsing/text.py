"""Small text helpers shared by every extractor."""
from __future__ import annotations

import html as htmllib
import re
import unicodedata

_WS = re.compile(r"\s+")
PLACEHOLDERS = {"unavailable", "n/a", "na", "none", "null", "undefined", "tbd", "-", "--", "0", "not specified",
                "opengraph.title", "opengraph.image", "false", "true"}


def clean(value, limit: int = 300) -> str | None:
    """Entity-decoded, whitespace-collapsed text; placeholders and empties become None."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    s = str(value)
    if "&" in s:
        s = htmllib.unescape(htmllib.unescape(s))  # some sites escape twice (FP&amp;amp;A)
    s = _WS.sub(" ", s).strip().strip("\u200b\ufeff").strip()
    if not s or s.lower() in PLACEHOLDERS:
        return None
    return s[:limit]


_STROKES = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ı": "i"})


def fold(s: str) -> str:
    """Lowercase without accents, for matching labels in many languages."""
    if not s or s.isascii():
        return (s or "").lower()
    s = unicodedata.normalize("NFKD", s.translate(_STROKES))  # letters with strokes have no NFKD base
    return "".join(c for c in s if not unicodedata.combining(c)).lower()

