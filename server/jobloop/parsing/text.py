"""Small text helpers shared by every extractor."""
from __future__ import annotations

import html as htmllib
import re
import unicodedata
from functools import lru_cache

PLACEHOLDERS = {"unavailable", "n/a", "na", "none", "null", "undefined", "tbd", "-", "--", "0", "not specified",
                "opengraph.title", "opengraph.image", "false", "true"}


def clean(value, limit: int = 300) -> str | None:
    """Entity-decoded, whitespace-collapsed text; placeholders and empties become None."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    s = str(value)
    if "&" in s:
        s = htmllib.unescape(htmllib.unescape(s))  # some sites escape twice (FP&amp;amp;A)
    # " ".join(s.split()) is re.sub(r"\s+", " ", s).strip(): str.split() and the pattern's \s
    # know the same whitespace characters, and the join is several times cheaper (dozens of
    # calls a page).
    s = " ".join(s.split()).strip("\u200b\ufeff").strip()
    if not s or s.lower() in PLACEHOLDERS:
        return None
    return s[:limit]


# Combining marks (accents, Japanese voicing marks, Arabic and Hebrew vowel signs), removed in one pass.
_COMBINING = re.compile("[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
                        "\u0900-\u0903\u093a-\u094f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u302a-\u302f\u3099\u309a\ufe20-\ufe2f]")
_STROKES = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ı": "i"})
_STROKE_LETTERS = "łŁøØđĐı"


def fold(s: str) -> str:
    """Lowercase without accents, for matching labels in many languages."""
    if not s or s.isascii():
        return (s or "").lower()
    return _fold_short(s) if len(s) <= 300 else _fold(s)


@lru_cache(maxsize=16384)
def _fold_short(s: str) -> str:
    return _fold(s)  # the same short strings are folded by several passes over one page


def _fold(s: str) -> str:
    # Letters with strokes have no NFKD base. str.translate looks up every character (about a
    # millisecond for a 10,000-character description): only text that has one pays for it.
    if any(c in s for c in _STROKE_LETTERS):
        s = s.translate(_STROKES)
    s = unicodedata.normalize("NFKD", s)
    return _COMBINING.sub("", s).lower()



def lower(text: str) -> str:
    """text.lower(), remembered for the last few long texts: the description is read for
    remote words, employment words, places, skills and pay, each lowercasing it again."""
    return _lower_long(text) if len(text) > 1000 else text.lower()


@lru_cache(maxsize=4)
def _lower_long(text: str) -> str:
    return text.lower()


def find_near(rx: re.Pattern, text: str, stems: tuple[str, ...], reach: int = 160):
    """rx.finditer(text), but the pattern only reads the text around the places where one of
    its stems occurs (plain substring search, lowercase). Every match of rx must contain one
    of the stems and reach less than `reach` characters either side of it. A
    case-insensitive alternation tries every position of a long text; most of a
    description holds none of its words."""
    low = lower(text)
    if len(low) != len(text):  # lowercasing changed offsets (rare letters): read it all
        yield from rx.finditer(text)
        return
    spans = []
    for stem in stems:
        i = low.find(stem)
        while i >= 0:
            spans.append((max(0, i - reach), i + len(stem) + reach))
            i = low.find(stem, i + 1)
    windows: list[list[int]] = []
    for s, e in sorted(spans):
        if windows and s <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], e)
        else:
            windows.append([s, e])
    n, pos = len(text), 0
    for s, e in windows:
        e = min(e, n)
        while e < n and (text[e].isalnum() or text[e] == "_"):
            e += 1  # never stop inside a word: \b at the window's end must see what follows
        for m in rx.finditer(text, max(s, pos), e):
            yield m
            pos = m.end()
        pos = max(pos, e)


def search_near(rx: re.Pattern, text: str, stems: tuple[str, ...], reach: int = 160):
    """The first match of rx in text, reading only around its stems (see find_near)."""
    return next(find_near(rx, text, stems, reach), None)
