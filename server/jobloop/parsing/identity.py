"""Who a posting is at, and which job it is, as comparison keys: pure text, no database.

- `company_key("The Acme Company, Inc.")` -> "acme": case, accents, punctuation, a
  leading "The" and trailing legal forms (Inc., LLC, Ltd, GmbH, AG, SA, BV, plc, Corp…)
  do not make another company.
- `careers_brand(url)` -> the employer a careers address names ("acme" for careers.acme.com,
  boards.greenhouse.io/acme or acme.wd5.myworkdayjobs.com), None for job boards: the
  second signal, when two names for one employer differ.
- `title_similarity(a, b)`: how alike two job titles are, 0..1 (services/companies.py
  holds the threshold and says why).
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from .company import host_brand
from .text import fold

# Legal forms and their spellings once dots are gone ("S.A." -> "sa", "B.V." -> "bv").
LEGAL_FORMS = frozenset({
    "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "gmbh", "mbh", "ag", "kg", "se", "ug", "sa", "sas",
    "sarl", "sl", "srl", "spa", "bv", "nv", "plc", "corp", "corporation", "co", "company", "pty", "oy", "ab", "as",
    "aps", "kk", "pte", "pvt", "private", "holding", "holdings",
})
_DOTTED = re.compile(r"(?<=\b\w)\.(?=\w\b)|(?<=\w)\.(?=\s|$|,)")  # S.A. -> SA, Inc. -> Inc
_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=8192)
def company_key(name: str | None) -> str:
    """The company name as a comparison key ("" for no name)."""
    text = fold((name or "").strip()).replace("&", " and ").replace("+", " and ")
    text = _DOTTED.sub("", text)
    words = [w for w in _NON_WORD.sub(" ", text).split() if w != "_"]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    # Legal forms at the end, as many as there are ("GmbH & Co. KG"); never the whole name.
    while len(words) > 1 and (words[-1] in LEGAL_FORMS or words[-1] == "and"):
        words.pop()
    return " ".join(words)


# Boards whose first path segment is the employer's own board name.
_BOARD_PATHS = {"boards.greenhouse.io": 1, "job-boards.greenhouse.io": 1, "jobs.lever.co": 1, "jobs.ashbyhq.com": 1,
                "apply.workable.com": 1, "jobs.smartrecruiters.com": 1, "boards.eu.greenhouse.io": 1,
                "jobs.eu.lever.co": 1}


def careers_brand(url: str | None) -> str | None:
    """The employer named by a careers address (its host or its board's path), or None when the
    address is a job board or says nothing (www.acme.com alone is only a hint: None)."""
    try:
        parts = urlsplit((url or "").strip())
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    if host in _BOARD_PATHS:
        segment = (parts.path.strip("/").split("/") or [""])[0].lower()
        slug = _NON_WORD.sub("", segment)
        return slug or None
    brand, named = host_brand(host)
    return brand if brand and named else None


# ---- job titles --------------------------------------------------------------------------

_ABBREVIATIONS = {"sr": "senior", "snr": "senior", "jr": "junior", "jnr": "junior", "eng": "engineer",
                  "engr": "engineer", "mgr": "manager", "dev": "developer", "swe": "software engineer",
                  "sde": "software engineer", "pm": "product manager", "ml": "machine learning",
                  "fe": "frontend", "be": "backend", "front": "frontend", "back": "backend",
                  "1": "i", "2": "ii", "3": "iii", "4": "iv"}
# Words that say nothing about which job it is: gender markers, work mode, filler.
_NOISE = frozenset({"m", "f", "w", "d", "x", "mwd", "mfd", "fmd", "wmd", "all", "genders", "gender", "h", "remote",
                    "hybrid", "onsite", "site", "on", "the", "a", "an", "of", "for", "and", "in", "at", "to", "with",
                    "team", "job", "position", "role", "opening", "end", "fulltime", "full", "time", "permanent"})


@lru_cache(maxsize=8192)
def title_words(title: str | None) -> frozenset[str]:
    """The words of a job title that say which job it is, spelled one way."""
    text = fold(title or "").replace("-", " ").replace("/", " ")
    words: list[str] = []
    for word in _NON_WORD.sub(" ", text).split():
        words.extend(_ABBREVIATIONS.get(word, word).split())
    return frozenset(w for w in words if w not in _NOISE)


def title_similarity(a: str | None, b: str | None) -> float:
    """Shared words over all words (Jaccard) of the two titles' word sets; 0 when either is empty."""
    wa, wb = title_words(a), title_words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)
