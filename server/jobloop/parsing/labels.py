"""The language table (labels.json) compiled once: which words label a field, which name a
value (remote, full-time), which say "up to" or "allowance", in every language it lists.
The words are data; this module only turns them into matchers."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from .text import fold

TABLE_PATH = Path(__file__).with_name("labels.json")
_WIDE = re.compile(r"[\u0590-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")


def lfold(s: str) -> str:
    """fold() plus the apostrophes labels spell three ways."""
    if s and len(s) > 2000:
        return _lfold_long(s)
    f = fold(s or "")
    return f if f.isascii() else f.replace("’", "'").replace("ʼ", "'")


@lru_cache(maxsize=8)
def _lfold_long(s: str) -> str:
    """A description is folded once, though several passes read it."""
    f = fold(s)
    return f if f.isascii() else f.replace("’", "'").replace("ʼ", "'")


@lru_cache(maxsize=1)
def table() -> dict[str, dict]:
    data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    return {lang: entry for lang, entry in data.items() if not lang.startswith("_")}


def _alternative(phrase: str) -> str:
    prefix = phrase.endswith("*")
    word = lfold(phrase.rstrip("*"))
    body = r"\s*".join(re.escape(part) for part in word.split())
    if _WIDE.search(word):
        return body  # no word boundaries in CJK or Arabic script
    return rf"(?<!\w){body}" + ("" if prefix else r"(?!\w)")


def pattern(phrases) -> str:
    # Longest first, so "part time" wins over "time" inside one alternation.
    return "|".join(_alternative(p) for p in sorted(set(phrases), key=len, reverse=True))


def words(section: str, key: str, langs=None) -> list[str]:
    out: list[str] = []
    for lang, entry in table().items():
        if langs and lang not in langs:
            continue
        value = entry.get(section, {})
        out.extend(value.get(key, []) if isinstance(value, dict) else value if key == "" else [])
    return out


@lru_cache(maxsize=None)
def matcher(section: str, key: str = "") -> re.Pattern:
    """One regex for every language's phrases under table[lang][section][key] (or [section])."""
    return re.compile(pattern(words(section, key)) or r"(?!x)x")


@lru_cache(maxsize=None)
def _phrases(section: str, key: str, langs: tuple[str, ...] | None) -> tuple[tuple[str, bool, bool, bool], ...]:
    out = []
    for phrase in set(words(section, key, langs)):
        body = " ".join(lfold(phrase.rstrip("*")).split())
        out.append((body, phrase.endswith("*"), bool(_WIDE.search(body)), body.isascii()))
    return tuple(out)


_ASCII_WORD = re.compile(r"[a-z0-9]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=8)
def _text_facts(f: str) -> tuple[frozenset, frozenset]:
    """The non-ASCII characters of a folded text (empty for ASCII text), and its set of ASCII
    words. Only the non-ASCII characters are collected (a text in Latin script holds a few
    dashes and quotes among thousands of ASCII letters): found_in asks the text itself
    about an ASCII first character."""
    return (frozenset() if f.isascii() else frozenset(_NON_ASCII.findall(f))), frozenset(_ASCII_WORD.findall(f))


@lru_cache(maxsize=None)
def _phrase_index(section: str, key: str, langs: tuple[str, ...] | None):
    """_phrases sorted for found_in: whole-word ASCII phrases by their first word (looked up
    only when the text has that word), other ASCII phrases, and phrases in other scripts by
    their first character (looked up only when the text has that character)."""
    by_first: dict[str, list] = {}
    always, other_scripts = [], {}
    for body, prefix, wide, ascii_only in _phrases(section, key, langs):
        first = _ASCII_WORD.match(body) if ascii_only and not prefix else None
        if first:
            by_first.setdefault(first.group(0), []).append((body, prefix, wide))
        elif ascii_only:
            always.append((body, prefix, wide))
        elif body:
            other_scripts.setdefault(body[0], []).append((body, prefix, wide))
    return by_first, tuple(always), other_scripts


def found_in(text_folded: str, section: str, key: str = "", langs: tuple[str, ...] | None = None) -> set[str]:
    """Which phrases of the table occur in a long folded text. Cheap filters first: phrases in
    a script the text does not use are skipped, a whole-word ASCII phrase needs its first word
    among the text's words; then substring search, word boundaries checked where it occurs.
    Same rules as pattern()."""
    f = text_folded
    chars, ascii_words = _text_facts(f)
    by_first, always, other_scripts = _phrase_index(section, key, langs)
    candidates = list(always)
    if len(ascii_words) < len(by_first):
        for word in ascii_words:
            phrases = by_first.get(word)
            if phrases:
                candidates.extend(phrases)
    else:
        for word, phrases in by_first.items():
            if word in ascii_words:
                candidates.extend(phrases)
    if chars:  # a phrase whose first character the text lacks cannot occur in it
        for c, phrases in other_scripts.items():
            if c in f if c.isascii() else c in chars:
                candidates.extend(phrases)
    hits = set()
    for body, prefix, wide in candidates:
        i = f.find(body)
        while i >= 0:
            end = i + len(body)
            if wide or ((i == 0 or not f[i - 1].isalnum()) and (prefix or end == len(f) or not f[end].isalnum())):
                hits.add(body)
                break
            i = f.find(body, i + 1)
    return hits


@lru_cache(maxsize=None)
def matcher_for(path: tuple[str, str], langs: tuple[str, ...] | list[str]) -> re.Pattern:
    return re.compile(pattern(words(path[0], path[1], tuple(langs))) or r"(?!x)x")


# Labels are often bracketed ("＜勤務地＞", "【給与】") or joined ("Institution/Company", "勤務地・交通").
_OPEN, _CLOSE = r"[<【「\[(]", r"[>】」\])]"


@lru_cache(maxsize=1)
def any_label() -> re.Pattern:
    """Every field's labels in one pattern (one match per string); m.lastgroup names the field."""
    alts = "|".join(f"(?P<{f}>{pattern(words('labels', f))})" for f in LABEL_FIELDS)
    return re.compile(rf"^\s*[•·*\-–]?\s*{_OPEN}?\s*(?:[^:：/・]{{1,25}}[/・]\s*)?(?:{alts})(?:\s*[/・][^:：/・]{{1,7}})?\s*{_CLOSE}?\s*[:：]?\s*$")


@lru_cache(maxsize=1)
def any_inline() -> re.Pattern:
    alts = "|".join(f"(?P<{f}>{pattern(words('labels', f))})" for f in LABEL_FIELDS)
    return re.compile(rf"^\s*[•·*\-–]?\s*{_OPEN}?\s*(?:[^:：/・]{{1,25}}[/・]\s*)?(?:{alts})(?:\s*[/・][^:：/・]{{1,7}})?\s*{_CLOSE}?\s*[:：]\s*(?P<v>\S.*)$")


def label_of(folded: str) -> str | None:
    if not may_hold_label(folded):
        return None
    m = any_label().match(folded)
    return m.lastgroup if m else None


_WORD_RUN = re.compile(r"\w+")


def _phrase_starts(section: str, keys: tuple[str, ...]):
    """How each phrase of table[lang][section][key] (for these keys) can begin in a text, as
    (head, joined, wide_first): a phrase begins where no word character precedes it, so at the
    start of one of the text's word runs, which begins with the phrase's first word run (its
    head); `joined` is the phrase's words run together up to their first punctuation (the
    patterns allow no space between a phrase's words: "fulltime" is "full time"). A phrase in
    a script without word boundaries gives only its first character; one that begins with no
    word character gives (None, None, None): then nothing can be ruled out."""
    for key in keys:
        for phrase in words(section, key):
            parts = lfold(phrase.rstrip("*")).split()
            if not parts:
                continue
            if _WIDE.search(" ".join(parts)):
                yield None, None, parts[0][0]
                continue
            head = _WORD_RUN.match(parts[0])
            yield ((head.group(0), _WORD_RUN.match("".join(parts)).group(0), None) if head else (None, None, None))


@lru_cache(maxsize=1)
def _label_heads() -> tuple[frozenset, frozenset, int, bool]:
    """What any label phrase must begin with: the heads (_phrase_starts), the first characters
    of phrases in scripts without word boundaries, the longest head, and whether some phrase
    begins otherwise (then nothing is ruled out)."""
    heads, wide_firsts, other = set(), set(), False
    for head, _joined, wide_first in _phrase_starts("labels", LABEL_FIELDS):
        if wide_first:
            wide_firsts.add(wide_first)
        elif head:
            heads.add(head)
        else:
            other = True
    return frozenset(heads), frozenset(wide_firsts), max(map(len, heads), default=0), other


def may_hold_label(folded: str) -> bool:
    """False when no phrase of the label table can occur in the folded text: a few set
    look-ups instead of the all-languages label pattern (hundreds of alternatives tried
    at every position), for the thousands of short strings a page shows."""
    _heads, wide_firsts, _longest, other = _label_heads()
    if other or (not folded.isascii() and not wide_firsts.isdisjoint(folded)):  # those scripts are never ASCII
        return True
    return any(map(_may_begin_label, _WORD_RUN.findall(folded)))


@lru_cache(maxsize=65536)
def _may_begin_label(run: str) -> bool:
    """Whether a label phrase can begin with this word run: one of the heads is a prefix of it.
    Asked once per distinct word (pages repeat their words, and sites share most of them),
    instead of once per prefix length for every word of every short string."""
    heads, _wide, longest, _other = _label_heads()
    return any(run[:k] in heads for k in range(1, min(len(run), longest) + 1))


@lru_cache(maxsize=None)
def _value_starts(kinds: tuple[str, ...]) -> tuple[dict, frozenset, bool]:
    """How a value phrase of these kinds can begin in a text, for may_hold_value: the
    (head, joined) pairs of _phrase_starts by the head's first character, the first characters
    of phrases in scripts without word boundaries, and whether some phrase begins with no word
    character (then nothing is ruled out). A word run of the text where a phrase begins starts
    with the head, and is a start of `joined` or goes on past it."""
    by_first: dict[str, set] = {}
    wide_firsts, other = set(), False
    for head, joined, wide_first in _phrase_starts("values", kinds):
        if wide_first:
            wide_firsts.add(wide_first)
        elif head:
            by_first.setdefault(head[0], set()).add((head, joined))
        else:
            other = True
    return {c: tuple(found) for c, found in by_first.items()}, frozenset(wide_firsts), other


def may_hold_value(folded: str, kinds: tuple[str, ...]) -> bool:
    """False when no value phrase of these kinds can occur in the folded text: a look at
    each word's first letter and a few prefixes, where the kinds' patterns (every language's
    phrases, tried at every position) took 70 µs a short string, nearly all of which name
    no value."""
    by_first, wide_firsts, other = _value_starts(kinds)
    if other or (not folded.isascii() and not wide_firsts.isdisjoint(folded)):
        return True
    for run in _WORD_RUN.findall(folded):
        for head, joined in by_first.get(run[0], ()):
            if run.startswith(head) and (joined.startswith(run) or run.startswith(joined)):
                return True
    return False


LABEL_FIELDS = ("title", "company", "locations", "remote", "employment_type", "salary", "date_posted", "valid_through")
REMOTE_KINDS = ("hybrid", "remote", "onsite")
EMPLOYMENT_KINDS = ("INTERN", "PART_TIME", "FULL_TIME", "TEMPORARY", "CONTRACTOR")


def value_kind(text: str, kinds: tuple[str, ...]) -> str | None:
    """The first kind (in the given order) whose words appear in a short label."""
    f = lfold(text)
    if not may_hold_value(f, kinds):
        return None
    for kind in kinds:
        if matcher("values", kind).search(f):
            return kind
    return None


@lru_cache(maxsize=1)
def generic_heading() -> re.Pattern:
    """A heading that names a section of a site, not a job ("Careers", "Offre d'emploi")."""
    return re.compile(rf"^(?:{pattern(words('generic_headings', ''))})$")


@lru_cache(maxsize=1)
def generic_section() -> re.Pattern:
    """A section heading of a posting ("responsibilities", "岗位职责") and nothing else."""
    return re.compile(rf"^(?:{pattern(words('posting_words', ''))})$")


@lru_cache(maxsize=1)
def _section_keys() -> frozenset:
    return frozenset("".join(lfold(p.rstrip("*")).split()) for p in words("posting_words", ""))


def is_section(folded: str) -> bool:
    """generic_section().match(folded): the text without its spaces must be one of the phrases
    without theirs (the pattern allows any spacing between a phrase's words and none inside
    one), a set look-up that rules out nearly every line before the pattern runs."""
    return "".join(folded.split()) in _section_keys() and generic_section().match(folded) is not None


def languages() -> list[str]:
    return list(table())
