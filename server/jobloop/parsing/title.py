"""The job's title, weighed: structured data and the adapter, a "Job title" label, an
element marked up as the job title, the headings, the page title. Generic headings
("Current Vacancies", "Welcome to the lab", "Top Sub Menu") never win; a heading that reads
like a role and agrees with the page title does."""
from __future__ import annotations

import re

from . import classify, labels
from .document import stripped_text
from .text import clean, fold

PRIORS = {"structured": 8, "label": 6, "markup": 6, "h1": 4, "og": 3, "h2": 2, "title": 2, "strong": 1, "text": 1}
_MARKUP = re.compile(r"^(?:.*[-_])?(job|posting|position|vacancy|req|opening|career)[-_]?(title|name)(?:[-_].*)?$|jobtitle|"
                     r"^title[-_]?(job|posting)", re.I)
_SITEISH = re.compile(r"(?<!\w)(lab|laboratory|group|institute|university|department|faculty|school|centre|center|"
                      r"labor|gruppe|laboratoire|equipe|laboratorio|lab\.?)(?!\w)", re.I)
_JOBISH = re.compile(r"(?<!\w)(position|opening|vacancy|job|stelle|poste|puesto|vaga|posizione|vacature)s?(?!\w)|"
                     r"募集|招聘|博士后|채용|모집", re.I)
# The words of _JOBISH's Latin-script alternatives: an ASCII text holding none of them
# (lowercased) cannot match, and most lines of a page are such texts.
_JOBISH_WORDS = ("position", "opening", "vacancy", "job", "stelle", "poste", "puesto", "vaga", "posizione", "vacature")


def _jobish(text: str) -> bool:
    if text.isascii():
        low = text.lower()
        if not any(w in low for w in _JOBISH_WORDS):
            return False
    return _JOBISH.search(text) is not None


_DROP_TAIL = re.compile(r"\s*[-–—|:]+\s*\(?[A-Z0-9.]{3,}\)?\s*$")  # "Operations Analyst - (OAMS.1)"


def _generic(text: str) -> bool:
    f = labels.lfold(text).strip(" .!:;,")
    return bool(labels.generic_heading().match(f)) or f.endswith(":")


_SEPARATORS = "-–—|:"  # every separator _DROP_TAIL, the page title's and the parts' splits need
_SEPARATOR_SET = frozenset(_SEPARATORS)
_PAGE_TITLE_PARTS = re.compile(r"\s+[-|–—]\s+")
_BOARD_PART = re.compile(r"(?i)other|home|jobs?|careers?")
_PARTS = re.compile(r"\s*[|–—]\s*|\s+-\s*|\s*-\s+|\s+::\s+")
_BOARD_TAIL = re.compile(r"\s+(?:jobs?|vacanc\w+|careers?)\s+(?:in|at)\s+.*$|\s+(?:at|@|bei|chez)\s+[^,]+$", re.I)


def _tidy(text: str | None, site_names: list[str], page_title: bool = False) -> str | None:
    t = clean(text)
    if not t:
        return None
    # The separators below are each tried at every position of the text: a text without any
    # separator character (most headings) skips them.
    seps = not _SEPARATOR_SET.isdisjoint(t)
    if seps:
        t = _DROP_TAIL.sub("", t)
    if page_title:  # "Other - SYS QA jobs in Buenos Aires at Verizon": the job is the middle part
        parts = [p for p in (_PAGE_TITLE_PARTS.split(t) if seps else [t])
                 if p and not _BOARD_PART.fullmatch(p.strip())]
        t = _BOARD_TAIL.sub("", " - ".join(parts)) or t
    # "New Post-doc Opportunity- Wessinger Lab": a part that names the site is not the title.
    parts = [p.strip() for p in (_PARTS.split(t) if seps else [t]) if p.strip()]
    if len(parts) > 1:
        keep = [p for p in parts if not any(fold(n) and fold(n) in fold(p) for n in site_names) and not _SITEISH.search(p)]
        if keep:
            t = " - ".join(keep)
    return t if 2 < len(t) <= 150 else None


def choose(page, draft, facts: dict, site_names: list[str]) -> None:
    names = [n for n in site_names if n]
    cands: list[tuple[str, str, int]] = []
    src = draft.sources.get("title")
    if draft.title and src and src not in ("h1", "og", "title"):
        cands.append((draft.title, src, PRIORS["structured"]))
    if facts.get("title"):
        cands.append((facts["title"], "label", PRIORS["label"]))
    for el in _marked_up(page)[:3]:
        cands.append((stripped_text(el), "markup", PRIORS["markup"]))
    many = len(page.h1s) > 3  # h1s used as navigation headings say little each
    for i, text in enumerate(page.h1_texts[:8]):
        cands.append((text, "h1", 1 if many else PRIORS["h1"] - (1 if i else 0)))
    for h in page.by_tag.get("h2", [])[:4]:
        cands.append((stripped_text(h), "h2", PRIORS["h2"]))
    for raw, s in ((page.meta_get("og:title", "twitter:title"), "og"), (page.title_tag, "title")):
        if raw:
            cands.append((raw, s, PRIORS[s]))
    for el in (page.emphasis[:40] if len(cands) < 4 or not any(c[1] in ("h1", "label", "markup", "structured") for c in cands) else []):
        text = stripped_text(el)
        if text and len(text) < 80 and classify.role_like(text):
            cands.append((text, "strong", PRIORS["strong"]))
    for text in page.strings[:40]:  # an unmarked header line: "Jane Doe: Postdoctoral Position Available"
        # _jobish first: a fraction of role_like's cost, and it rules out most lines on its own.
        if 8 < len(text) <= 80 and _jobish(text) and classify.role_like(text):
            cands.append((text, "text", PRIORS["text"]))
            break
    page_title = fold(" ".join(filter(None, [page.title_tag, page.meta_get("og:title")])))
    visible = None
    best, best_score = None, -99
    # The heading, og:title and <title> often say the same: each text is tidied and read once.
    folded_names = {fold(n) for n in names}
    tidied: dict[tuple, str | None] = {}
    reads: dict[str, tuple] = {}
    for raw, s, prior in cands:
        key = (raw, s in ("og", "title"))
        if key not in tidied:
            tidied[key] = _tidy(raw, names, key[1])
        text = tidied[key]
        if text and text not in reads:
            role = classify.role_like(text)
            jobish = not role and _jobish(text)
            reads[text] = (_generic(text), role, jobish, not role and not jobish and bool(_SITEISH.search(text)))
        if not text or reads[text][0] or (s != "structured" and fold(text) in folded_names):
            continue
        _, role, jobish, siteish = reads[text]
        score = prior
        if role:
            score += 3
        elif jobish:
            score += 1
        if siteish:
            score -= 3
        if s not in ("og", "title") and fold(text) in page_title:
            score += 3
        if s in ("og", "title") and visible is None:
            visible = _visible_lines(page)
        if s in ("og", "title") and fold(text) in visible:
            score += 2  # the page shows the page title's job part as a line of its own
        if len(text) > 110:
            score -= 2
        if score > best_score:
            best, best_score = (text, s), score
    if best and best[0] != draft.title:
        draft.replace("title", best[0], best[1])


def _visible_lines(page) -> set[str]:
    """fold() of each line of the page up to 150 characters (of the first 3000). The ASCII
    lines (no line holds a line break) are lowercased in one call, joined; the others one by one."""
    lines = [x for x in page.strings[:3000] if len(x) <= 150]
    plain = [x for x in lines if x.isascii()]
    out = set("\n".join(plain).lower().split("\n")) if plain else set()
    out.update(fold(x) for x in lines if not x.isascii())
    return out


def _markup_name(name: str) -> bool:
    """_MARKUP.search(name): every match holds "title" or "name", so an ASCII class or id
    without either (nearly all of a page's hundreds) is ruled out by substring tests."""
    if name.isascii():
        low = name.lower()
        if "title" not in low and "name" not in low:
            return False
    return _MARKUP.search(name) is not None


def _marked_up(page) -> list:
    out = []
    for key, els in page.by_class.items():
        if _markup_name(key):
            out.extend(els[:2])
    for (attr, val), els in page.by_attr.items():
        if attr == "id" and val and _markup_name(val):
            out.extend(els[:1])
    return [el for el in out if el.name not in ("input", "meta", "script", "label") and 2 < len(stripped_text(el)) < 150]
