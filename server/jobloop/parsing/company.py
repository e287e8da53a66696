"""The employer, weighed: structured data and the site's adapter first, then what the site
says about itself (a "Company:" label, the page title, og:site_name, the copyright line,
the logo's alt text, a careers host like careers.acme.com). Candidates that agree with
each other or with the host win; generic words and the job title never do."""
from __future__ import annotations

import re
from functools import lru_cache

from publicsuffixlist import PublicSuffixList

from . import heuristics
from .text import clean, fold

WEIGHTS = {"label": 7, "title": 8, "og": 5, "copyright": 5, "logo": 4, "legal": 4, "site": 3, "host": 3}
# Words that make a name an organisation's: legal forms and kinds of institution.
LEGAL = re.compile(
    r"(?<!\w)(inc\.?|ltd\.?|llc|plc|gmbh|ag|s\.?a\.?|s\.?l\.?|s\.?r\.?l\.?|s\.?p\.?a\.?|b\.?v\.?|n\.?v\.?|oy|ab|as|"
    r"sp\. z o\.o\.|corp\.?|corporation|company|co\.|limited|group|holding|university|universit[äéa]t?|universidad|"
    r"universidade|universit[àa]|uniwersytet|institute|institut|instituto|istituto|college|council|hospital|laboratory|"
    r"lab|labs|ооо|тов|ао|пао)(?!\w)|株式会社|有限会社|合同会社|有限公司|股份有限公司|集团|大学|研究所|实验室|研究室|주식회사|대학교|연구실",
    re.I)
# The first word of every LEGAL match in ASCII text (with or without the dots: "S.A." begins
# with "s", "SA" is "sa"): text with none of these words cannot match, and most lines of a
# page have none, so the pattern (tried at every position) reads only the few that do.
# Keep in step with LEGAL (tests/test_parsing_fields_unit.py checks every form).
_LEGAL_FIRST_WORDS = frozenset({
    "inc", "ltd", "llc", "plc", "gmbh", "ag", "s", "sa", "sl", "sr", "srl", "sp", "spa", "b", "bv", "n", "nv", "oy", "ab",
    "as", "corp", "corporation", "company", "co", "limited", "group", "holding", "university", "universitat",
    "universita", "universidad", "universidade", "uniwersytet", "institute", "institut", "instituto", "istituto",
    "college", "council", "hospital", "laboratory", "lab", "labs"})
_WORD_RUN = re.compile(r"\w+")


def legal_form(s: str) -> bool:
    """LEGAL.search(s), without running the pattern over ASCII text that has none of its words."""
    if s.isascii() and _LEGAL_FIRST_WORDS.isdisjoint(_WORD_RUN.findall(s.lower())):
        return False
    return LEGAL.search(s) is not None


STRONG = 10  # site adapter, JSON-LD, microdata, app state
GENERIC = re.compile(
    r"^(company|employer|organi[sz]ation|home|careers?|jobs?|job board|recruiting|recruitment|talent|apply|welcome|"
    r"about( us)?|menu|search|login|sign in|logo|site logo|company logo|header logo|footer logo|the company|our company|"
    r"all rights reserved|untitled|firefox|chrome|google chrome|internet explorer|microsoft edge|safari|opera|download.*|"
    r"facebook|twitter|linkedin|instagram|youtube|x|tiktok|github|whatsapp|line|app store|google play)$", re.I)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:(?:19|20)\d{2}\s*(?:[-–]\s*(?:19|20)\d{2})?)?\s*[,.]?\s*(?:by\s+)?"
    r"(?P<name>[^©|\n]{2,80}?)\s*(?:[.,]?\s*(?:all rights reserved|alle rechte|tous droits|todos los derechos|tutti i diritti|"
    r"todos os direitos|all right reserved|版权所有|無断転載)|\s*\.?$)", re.I)
_HOST_PREFIX = re.compile(r"^(careers?|jobs?|karriere|carrieres?|empleo|emplois?|work|join|talent|recruiting|hiring|"
                          r"apply|stellen|vacatures|jobsearch|career)$")
# Hosts of recruiting software and boards: the host names the vendor, never the employer.
_VENDORS = {"ultipro", "successfactors", "sapsf", "taleo", "oraclecloud", "icims", "brassring", "kenexa", "jobvite",
            "silkroad", "phenompeople", "eploy", "bamboohr", "personio", "ukg", "paylocity", "paycom", "adp",
            "greenhouse", "lever", "ashbyhq", "workable", "smartrecruiters", "recruitee", "teamtailor", "breezy",
            "myworkdayjobs", "workday", "linkedin", "indeed", "glassdoor", "monster", "ziprecruiter",
            "applytojob", "recruiterbox", "hirebridge", "jobdiva", "njoyn", "csod"}
_ATS_TENANT = re.compile(r"^(?P<tenant>[a-z0-9-]+)\.(?:wd\d+\.)?(?:myworkdayjobs|icims|bamboohr|recruitee|teamtailor|"
                         r"personio|breezy|workable|jobvite|smartrecruiters|pinpointhq|ashbyhq|applytojob|"
                         r"hire\.trakstar|zohorecruit|freshteam|jobs\.personio)\.")
@lru_cache(maxsize=1)
def _suffixes() -> PublicSuffixList:
    """The public suffix list (bundled with the package, no network): ICANN's suffixes only,
    since hosting platforms (github.io, wixsite.com) are told apart as vendors below. A TLD
    the list lacks counts as one label, as browsers read it."""
    return PublicSuffixList(only_icann=True)


_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=4096)
def _key(s: str) -> str:
    """The comparison key of a name; pure and asked again and again for the same few names
    (every candidate is compared with the job title and with every other candidate)."""
    return _NON_WORD.sub("", fold(s))


def host_brand(host: str) -> tuple[str | None, bool]:
    """('acme', True) for careers.acme.com or acme.wd5.myworkdayjobs.com (the host names the
    employer), ('acme', False) for www.acme.com (a hint only), (None, False) otherwise."""
    host = (host or "").lower()
    if not host or host.startswith("xn--") or re.match(r"^[\d.]+$", host):
        return None, False
    m = _ATS_TENANT.match(host)
    if m and m["tenant"] not in ("www", "jobs", "careers", "app", "apply"):
        return m["tenant"], True
    suffix = _suffixes().publicsuffix(host)
    if not suffix or not host.endswith("." + suffix):
        return None, False  # a suffix alone (co.uk, localhost) names nobody
    labels = host[:-len(suffix) - 1].split(".")
    if not all(labels):
        return None, False
    brand = labels[-1]
    if brand in _VENDORS or brand in ("github", "gitlab", "wordpress", "blogspot", "wixsite", "squarespace", "google", "sites"):
        return None, False
    named = len(labels) >= 2 and bool(_HOST_PREFIX.match(labels[0]))
    return brand, named


# Patterns of the passes below, compiled once (a module-level re call looks its pattern up
# in re's cache every time: the copyright test alone runs on the last 150 lines of a page).
_COPYRIGHT_MARK = re.compile(r"©|\(c\)|copyright", re.I)
_LEADING_YEARS = re.compile(r"^(?:(?:19|20)\d{2}\s*[-–]?\s*)+")
_YEAR_OR_RIGHTS = re.compile(r"\d{4}|rights", re.I)
_TITLE_PARTS = re.compile(r"\s*[|｜–—:]\s*|\s+-\s+")
_NOT_A_NAME_PART = re.compile(r"\b(jobs?|careers?|publications|projects)\b", re.I)
_NOT_A_NAME_LINE = re.compile(r"[.!?。]$|©|\d{4}|[，；、。：:]|^\W")
_LINE_PARTS = re.compile(r"\s*[|｜/]\s*|,\s+")
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _copyright_mark(s: str) -> bool:
    """_COPYRIGHT_MARK.search(s); an ASCII line ("©" is not ASCII) by two substring tests."""
    if s.isascii():
        low = s.lower()
        return "(c)" in low or "copyright" in low
    return _COPYRIGHT_MARK.search(s) is not None


def copyright_name(strings: list[str]) -> str | None:
    for s in reversed(strings[-150:]):
        if len(s) > 200 or not _copyright_mark(s):
            continue
        m = _COPYRIGHT.search(s)
        if m:
            name = clean(_LEADING_YEARS.sub("", m["name"]).strip(" .,-–"))
            if name and not _YEAR_OR_RIGHTS.search(name) and 2 <= len(name) <= 80:
                return name
    return None


def _site_names(page) -> list[tuple[str, str]]:
    """Names the site gives itself: a part of the page title or a heading that reads as an
    organisation ("Farrior Lab", "J-W Energy Company"), a short line with a legal form."""
    out = []
    for raw in (page.title_tag, page.meta_get("og:title")):
        for part in _TITLE_PARTS.split(clean(raw) or ""):
            if 3 <= len(part) <= 60 and legal_form(part) and not _NOT_A_NAME_PART.search(part):
                out.append((part, "site"))
    for h in page.h1s[:3]:
        text = clean(h.get_text(" "))
        if text and len(text) <= 60 and legal_form(text):
            out.append((text, "site"))
    seen = 0
    parts_of: dict[str, list[str]] = {}  # a page shorter than 420 lines shows each in both ranges
    for s in page.strings[:300] + page.strings[-120:]:
        parts = parts_of.get(s)
        if parts is None:
            parts = parts_of[s] = _legal_parts(s)
        out.extend((part, "legal") for part in parts)
        seen += len(parts)
        if seen >= 6:
            break
    return out


def _legal_parts(s: str) -> list[str]:
    """The organisation names a short line shows: "Acme GmbH", "Acme Ltd | Careers"."""
    if len(s) <= 70 and len(s.split()) <= 7 and legal_form(s) and not _NOT_A_NAME_LINE.search(s) \
            and _name_like(s):  # the cheap tests first
        return [part.strip() for part in _LINE_PARTS.split(s) if legal_form(part) and 3 <= len(part) <= 50 and _name_like(part)]
    return []


_INSTITUTION = re.compile(
    r"((?:[A-Z][\w'’&.-]+\s+){0,3}(?:University|Institute|College|Hospital|Laboratory|Research Institute)"
    r"(?:\s+(?:of|for)\s+(?:the\s+)?(?:[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+){0,3})?)")


def institution_in(text: str) -> str | None:
    """A university or institute named in the text, when the page names no employer otherwise."""
    m = _INSTITUTION.search(text or "")
    if not m:
        return None
    name = re.sub(r"[’']s$", "", m[1].strip())
    return name if len(name.split()) >= 2 else None


def _name_like(s: str) -> bool:
    """A name, not a sentence: most longer Latin words capitalised (CJK has no case)."""
    long_words = [w for w in _LETTER_RUN.findall(s) if len(w) > 3 and w.isascii()]
    return not long_words or sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words)


@lru_cache(maxsize=4096)
def _ok(name: str | None, title: str | None) -> bool:
    """A name that can be the employer (not generic, not a board, not the job title); pure,
    and asked twice for most candidates."""
    if not name or len(name) > 90 or GENERIC.match(name.strip()) or heuristics.BOARD_NAMES.match(name.strip()):
        return False
    if title and _key(name) == _key(title):
        return False
    return bool(_key(name))


def choose(page, draft, facts: dict, title_company: str | None, site_name: str | None, logo: str | None,
           copyright_holder: str | None) -> None:
    """Set draft.company to the best-supported candidate; the provenance goes to field_sources."""
    title = draft.title
    cands: list[tuple[str, str, int]] = []
    if draft.company and _ok(draft.company, title):
        cands.append((draft.company, draft.sources.get("company", "structured"), STRONG))
    label = clean(facts.get("company"))
    if label and len(label) < 80:
        cands.append((label, "label", WEIGHTS["label"]))
    for name, src in ((title_company, "title"), (site_name, "og"), (copyright_holder, "copyright"), (logo, "logo")):
        if _ok(name, title):
            cands.append((name, src, WEIGHTS[src]))
    for name, src in _site_names(page):
        if _ok(name, title):
            cands.append((name, src, WEIGHTS[src]))
    if not cands:
        prose = institution_in(draft.description_text or page.text[:20_000])
        if prose:
            cands.append((prose, "text", 2))
    brand, named = host_brand(page.host)
    if brand and named:
        cands.append((brand.replace("-", " ").title() if brand.islower() else brand, "host", WEIGHTS["host"]))
    cands = [c for c in cands if _ok(c[0], title)]
    if not cands:
        if draft.company and not _ok(draft.company, title):
            draft.company = None
            draft.sources.pop("company", None)
        return
    brand_key = _key(brand or "")
    page_title = _key(" ".join(filter(None, [page.title_tag, page.meta_get("og:title")])))
    has_host = any(src == "host" for _n, src, _w in cands)  # then agreeing with it already counts the host once

    keys = [_key(name) for name, _src, _w in cands]  # each candidate is compared with every other

    def support(i: int) -> int:
        name, src, weight = cands[i]
        k = keys[i]
        score = weight
        for j, (other, osrc, _w) in enumerate(cands):
            ok = keys[j]
            if j != i and osrc != src and k and ok and (k in ok or ok in k):
                score += 3
        if src not in ("title", "og", "site") and k and len(k) >= 4 and k in page_title:
            score += 2  # the page title names it too
        if not has_host and brand_key and len(brand_key) >= 3 and (brand_key in k or (k and k in brand_key)):
            score += 3
        return score

    best = max(range(len(cands)), key=lambda i: (support(i), -i))
    name, src, _w = cands[best]
    if name != draft.company:
        draft.replace("company", name, src)
