"""What any page shows: the heading, labelled blocks ("Location", "Salary", "Job type"),
the chips next to the title, and whether the page is one posting at all."""
from __future__ import annotations

import re
from itertools import islice

from . import fields, labels, salary
from .document import stripped_text
from .draft import PostingDraft
from .text import clean, fold

COOKIE = re.compile(r"cookie|consent|privacy|gdpr", re.I)
BOARD_NAMES = re.compile(
    r"^(linkedin|indeed(\.com)?|glassdoor|greenhouse|lever|workday|ashby|smartrecruiters|workable|teamtailor|icims|"
    r"built ?in.*|monster|ziprecruiter|stepstone|djinni|careers?|jobs?|home|y combinator.*|we work remotely|welcome.*)$", re.I)


def main_title(page) -> str | None:
    """The job's heading: an h1 that agrees with the page title if possible, never a cookie banner."""
    h1s = []
    for h in page.h1s[:10]:
        text = clean(h.get_text(" "))
        if not text or len(text) > 200:
            continue
        if any(COOKIE.search(" ".join(p.get("class") or []) + " " + (p.get("id") or "")) for p in [h, *islice(h.parents, 4)] if hasattr(p, "get")):
            continue
        if COOKIE.search(text) and len(text) > 40:
            continue
        h1s.append(text)
    meta_title = fold(page.meta_get("og:title", "twitter:title") or page.title_tag or "")
    for text in h1s:
        if fold(text) in meta_title:
            return text
    return h1s[0] if h1s else None


# company_from_titles' patterns, compiled once (it reads three titles on every page).
_REQ_CODE_TAIL = re.compile(r"\s*\(\w{1,4}\d{2}\)$")
_CAREERS_AT = re.compile(r"(?i)\b(careers?|jobs?|karriere|carrières|empleos) (at|bei|chez|en) ([^|–—-]+)")
_X_CAREERS = re.compile(r"(?i)(\S)\s+(careers?|jobs|karriere|carrières|empleos)(?=\s*($|[|–—-]))")
_LEADING_SEPARATORS = re.compile(r"^[\s|–—:·-]+")
_TITLE_SEPARATOR = re.compile(r"\s+[|–—·]\s+|\s+-\s+")
_BOARD_WORDS_OR_COMMA = re.compile(r"\b(jobs?|careers?|hiring)\b|,", re.I)
_PLACE_WORD_FIRST = re.compile(r"^(at|in|bei)\b", re.I)
_TITLE_PARTS = re.compile(r"\s+[|–—-]\s+|\s+·\s+")
_BOARD_WORDS = re.compile(r"\b(jobs?|careers?|remote|hiring)\b", re.I)
_TITLE_SPLITS = [
    re.compile(r"^(?:job application for |apply for |bewerbung als )?(?P<title>.+?) (?:at|@|bei|chez|presso|в) (?P<company>[^|–\-]+?)(?:\s*[|–-].*)?$", re.I),
    re.compile(r"^(?P<company>.+?) (?:is hiring|sta assumendo|recrute|sucht|está contratando|zoekt)\b", re.I),
]


def company_from_titles(page, job_title: str | None) -> str | None:
    """'Job Application for X at Y', 'X - Y', 'Y - X' around a known job title."""
    for raw in (page.title_tag, page.meta_get("og:title"), page.meta_get("twitter:title")):
        t = clean(raw)
        if not t:
            continue
        for rx in _TITLE_SPLITS:
            m = rx.match(t)
            if m and (not job_title or rx is _TITLE_SPLITS[1] or fold(job_title) in fold(m["title"]) or fold(m["title"]) in fold(job_title)):
                c = clean(m["company"])
                if c and not BOARD_NAMES.match(c) and len(c) < 80:
                    return _REQ_CODE_TAIL.sub("", c)
        # "Careers at Fabrikam" / "Fabrikam Careers" name the company too.
        t = _CAREERS_AT.sub(r"\3", t)
        t = _X_CAREERS.sub(r"\1", t)
        if job_title and fold(t).startswith(fold(job_title)) and len(t) > len(job_title) + 3:
            rest = _LEADING_SEPARATORS.sub("", t[len(job_title):])
            rest = _TITLE_SEPARATOR.split(rest)[0].strip()
            if rest and not BOARD_NAMES.match(rest) and not _BOARD_WORDS_OR_COMMA.search(rest) \
                    and not fields.remote_kind(rest) and len(rest) < 60 and not _PLACE_WORD_FIRST.match(rest):
                return rest
        if job_title and fold(job_title) in fold(t):
            parts = [p.strip() for p in _TITLE_PARTS.split(t) if p.strip()]
            rest = [p for p in parts if fold(p) != fold(job_title) and fold(job_title) not in fold(p)
                    and not BOARD_NAMES.match(p) and p.lower() not in ("application", "apply", "job details")
                    and not _BOARD_WORDS.search(p) and not fields.remote_kind(p)
                    and "," not in p]
            if len(parts) >= 2 and rest:
                return rest[-1] if fold(parts[0]) == fold(job_title) or fold(job_title) in fold(parts[0]) else rest[0]
    return None


_LOGO_ALT = re.compile(r"^(.{2,60}?)\s*(?:'s)?\s+logo$", re.I)


def logo_company(page) -> str | None:
    for img in page.by_tag.get("img", [])[:300]:
        alt = clean(img.get("alt"))
        if not alt or "logo" not in alt.lower():
            continue
        m = _LOGO_ALT.match(alt or "")
        if m and not BOARD_NAMES.match(m[1]):
            return m[1]
    return None


# --- labelled blocks -------------------------------------------------------------------

LABELS = {
    "locations": r"locations?|job location|work location|office location|standort|arbeitsort|einsatzort|lieu( de travail)?|localisation|ubicaci[oó]n|sede( di lavoro)?|localit[aà]|local de trabalho|locatie|місце роботи|локація|место работы|город",
    "remote": r"remote status|remote|workplace( type)?|work ?place|work model|work arrangement|work setup|arbeitsmodell|mode de travail|t[ée]l[ée]travail|modalit[aà]( di lavoro)?|modalidad|tipo de trabajo|формат роботи|формат работы",
    "employment_type": r"job type|employment type|employment|type of employment|contract type|type of contract|schedule|commitment|anstellungsart|beschäftigungsart|vertragsart|arbeitszeit|type de contrat|contrat|temps de travail|tipo de contrato|tipo di contratto|tipo de empleo|jornada|orario|dienstverband|зайнятість|тип занятості|занятость|тип занятости",
    "salary": r"salary|pay|pay range|compensation|base salary|salary range|wage|gehalt|vergütung|salaire|rémunération|salario|sueldo|retribuzione|stipendio|ral|зарплата|заробітна плата",
    "date_posted": r"posted|date posted|posted on|published|publication date|veröffentlicht|publié le|publicado|pubblicato|опубліковано|опубликовано",
    "company": r"company|employer|arbeitgeber|entreprise|empresa|azienda|компанія|компания",
}
# Every field's pattern in one alternation (one match per string, not one per field): the
# alternation tries the fields in LABELS order, so the first field that matches wins.
_ALTS = "|".join(f"(?P<{name}>{p})" for name, p in LABELS.items())
_ANY_LABEL = re.compile(rf"^(?:{_ALTS})\s*:?$", re.I)
_ANY_INLINE = re.compile(rf"^(?:{_ALTS})\s*:\s*(?P<v>.+)$", re.I)


def _label_start(patterns) -> re.Pattern:
    """The characters a match of the LABELS alternation can begin with, as one character class
    under the same flags: a short line that begins otherwise is no label, told with one
    character test instead of the whole case-insensitive alternation (a few µs a line).
    Every alternative must begin with a plain letter that is not optional; if one ever does
    not, the test lets every line through."""
    firsts = set()
    for p in patterns:
        depth, start = 0, 0
        for i, c in enumerate(p + "|"):
            depth += (c == "(") - (c == ")")
            if c == "|" and depth == 0:
                alt = p[start:i]
                if not alt or not alt[0].isalpha() or alt[1:2] in ("?", "*", "{"):
                    return re.compile("")
                firsts.add(alt[0])
                start = i + 1
    return re.compile("[" + "".join(sorted(firsts)) + "]", re.I)


_LABEL_START = _label_start(LABELS.values())


def _field(m: re.Match | None) -> str | None:
    return next(name for name in LABELS if m.group(name) is not None) if m else None


_COLON = re.compile(r"[:：]")
_DIGIT = re.compile(r"\d")


def labelled_values(strings: list[str], zone: range | None = None) -> dict[str, str]:
    """'Location' followed by its value, or 'Location: value', in the visible strings — in
    every language of the label table (labels.json) as well as the patterns above."""
    out: dict[str, str] = {}
    idx = zone or range(len(strings))
    any_inline = labels.any_inline()
    label_of_line: dict[str, str | None] = {}  # a third of a page's short lines are repeats
    for i in idx:
        s = strings[i]
        if len(s) > 160 or (len(s) > 40 and ":" not in s and "：" not in s):
            continue  # neither a bare label nor "Label: value"
        if len(s) <= 40:
            if s in label_of_line:
                found = label_of_line[s]
            else:
                found = label_of_line[s] = (_LABEL_START.match(s) and _field(_ANY_LABEL.match(s))) \
                    or labels.label_of(labels.lfold(s))
            if found and i + 1 < len(strings):
                if found not in out:
                    value = strings[i + 1]
                    if len(value) <= 150 and not _is_label(value) and _readable(found, value):
                        out[found] = value
                continue
        m = _ANY_INLINE.match(s) if ":" in s and _LABEL_START.match(s) else None
        if m:
            name = _field(m)
            if _readable(name, m["v"]):
                out.setdefault(name, m["v"])
        else:
            f = labels.lfold(s)
            m = any_inline.match(f) if (":" in f or "：" in f) and labels.may_hold_label(f) else None
            if m:
                name = next(g for g in labels.LABEL_FIELDS if m.group(g) is not None)
                v = _COLON.split(s, maxsplit=1)[1].strip()
                if _readable(name, v):
                    out.setdefault(name, v)
    return out


def _readable(name: str, value: str) -> bool:
    """A labelled value counts only if it reads as that field ("Hours: 37" is no job type)."""
    if name == "employment_type":
        return fields.employment_type(value) is not None
    if name == "remote":
        return fields.remote_kind(value) is not None
    if name in ("date_posted", "valid_through"):
        return fields.iso_date(value) is not None
    if name == "salary":
        return bool(_DIGIT.search(value))
    if name in ("title", "company"):  # a name, not the sentence after a "Position" heading
        return len(value) <= 100 and len(value.split()) <= 12 and not value.rstrip().endswith(".")
    return True


def _is_label(value: str) -> bool:
    if _LABEL_START.match(value) and _ANY_LABEL.match(value):
        return True
    return labels.label_of(labels.lfold(value)) is not None


def fill_from_labels(draft: PostingDraft, values: dict[str, str], src: str = "text") -> None:
    if "locations" in values and not fields.remote_kind(values["locations"]) == "remote":
        draft.set("locations", fields.split_locations(values["locations"]), src)
    elif "locations" in values:
        draft.set("locations", fields.split_locations(values["locations"]), src)
        draft.set("remote", "remote", src)
    if "remote" in values:
        draft.set("remote", fields.remote_kind(values["remote"]), src)
    if "employment_type" in values:
        draft.set("employment_type", fields.employment_type(values["employment_type"]), src)
    if "salary" in values:
        draft.set("salary", salary.from_text(values["salary"], want_context=False), src)
    if "date_posted" in values:
        draft.set("date_posted", fields.iso_date(values["date_posted"], draft.now), src)


# --- the header next to the title ---------------------------------------------------------

_UPPER = "A-ZÀ-ÝА-ЯЁІЇЄҐ"
_LOCATION_LIKE = re.compile(rf"^[{_UPPER}][\w .'’()-]+(?:,\s*[{_UPPER}0-9][\w .'’()-]*)+(?:\s*[;/|]\s*[{_UPPER}][\w .,'’()-]+)*$")


_NOT_PLACE = re.compile(r"\b(engineering|product|marketing|sales|design|finance|operations|team|department|data|"
                        r"research|support|legal|people|hr|it|security|infrastructure|platform|analytics|inc|ltd|llc|gmbh)\b", re.I)


def header_zone(page, title: str | None) -> range:
    """The strings right after the title (a title split over two strings counts too)."""
    strings = page.strings
    if not title:
        return range(0)
    ft = " ".join(fold(title).split())
    for i, s in enumerate(strings[:3000]):
        fs = fold(s)
        if fs == ft:
            return range(i + 1, min(len(strings), i + 25))
        if len(fs) >= 8 and ft.startswith(fs):
            joined, j = fs, i + 1
            while j < len(strings) and len(joined) < len(ft) and ft.startswith(" ".join((joined + " " + fold(strings[j])).split())):
                joined = " ".join((joined + " " + fold(strings[j])).split())
                j += 1
            if joined == ft:
                return range(j, min(len(strings), j + 25))
    return range(0)


# fill_from_header's patterns, compiled once (it reads up to 25 lines on every page).
_PLACE_WITH_CHIP = re.compile(r"\(\w{2,3}\)|,|/")
_SLASH = re.compile(r"\s*/\s*")
_COMMA = re.compile(r"\s*,\s*")
_CAPITAL_FIRST = re.compile(rf"^[{_UPPER}]")
_MONEY_SIGN = re.compile(r"[$€£₹]|\b(USD|EUR|GBP)\b")
_PLACE_NAME = re.compile(rf"^[{_UPPER}][\w .'’()-]+$")
_THREE_DIGITS = re.compile(r"\d{3,}")


def fill_from_header(draft: PostingDraft, page, zone: range) -> None:
    """Chips and lines right under the title: 'Hybrid', 'Full-time', '$20K - $30K', 'City, Region'."""
    strings = page.strings
    for i in zone:
        if draft.remote and draft.locations and draft.employment_type and draft.salary:
            return  # the chips can only fill empty fields, and none is left
        s = strings[i].strip(" |•·–-")
        if len(s) > 60 or len(s.split()) > 7:
            continue
        kind = fields.remote_kind(s)
        if kind and len(s.split()) <= 4:
            draft.set("remote", kind, "header")
            if kind == "remote" and _PLACE_WITH_CHIP.search(s):
                # "Zürich (Birmensdorferstrasse), Remote": the place without the remote chip.
                parts = [p for p in _SLASH.split(s) if p]
                parts = [", ".join(q for q in _COMMA.split(p) if q and not fields.remote_kind(q)) for p in parts]
                locs = [p for p in fields.split_locations(parts) if _CAPITAL_FIRST.match(p) and not p.endswith(":")]
                draft.set("locations", locs, "header")
            continue
        et = fields.employment_type(s)
        if et and len(s.split()) <= 3:
            draft.set("employment_type", et, "header")
            continue
        if _MONEY_SIGN.search(s) and _DIGIT.search(s):
            draft.set("salary", salary.from_text(s, want_context=False), "header")
            continue
        parts = _COMMA.split(s)
        chips = [p for p in parts if fields.remote_kind(p)]
        if chips and len(chips) < len(parts):  # "Київ, Львів, Варшава (Польща), віддалено"
            draft.set("remote", fields.remote_kind(chips), "header")
            s = ", ".join(p for p in parts if p not in chips)
        if i - zone.start < 8 and (_LOCATION_LIKE.match(s) or (chips and _PLACE_NAME.match(s))) \
                and not _THREE_DIGITS.search(s.split(",")[0]) and not _NOT_PLACE.search(s):
            draft.set("locations", fields.split_locations(s), "header")


# --- is this one posting? ------------------------------------------------------------------

LISTING_H1 = re.compile(
    r"^\s*[\d.,]+\+?\s+(?:\S.*)?\b(jobs?|stellen\w*|treffer|offres?|empleos?|ofertas|lavori|offerte|vacatures|vacanc\w*|results?|ergebnisse)\b|"
    r"\bjobs? (in|near|for)\b|\b(top|latest|recommended|search) .*jobs\b|^(jobs?|careers|search|job search)$|your job search|"
    r"stellenangebote|offres d'emploi|ofertas de (trabajo|empleo)",
    re.I)
JOB_LINK = re.compile(r"/jobs?/[^/?#]*\d|/viewjob|/rc/clk|/job-listing/|/jobs/view/|/positions?/\w|/vacanc\w*/\w|/o/[\w-]+|/j/[A-Z0-9]{6,}|/careers?/job/|/stellenangebote--|/job/[\w-]+")
APPLY = re.compile(r"^\s*(apply|apply now|apply for this (job|position|role)|easy apply|submit application|bewerben|jetzt bewerben|postuler|candidat\w*|"
                   r"solicitar|aplicar|invia candidatura|відгукнутися.*|откликнуться|i'm interested|apply on company site|apply with \w+)\s*$", re.I)


def job_links(page) -> int:
    hrefs = set()
    for a in page.links[:3000]:
        href = a.get("href") or ""
        if JOB_LINK.search(href):
            hrefs.add(href.split("?")[0] if "viewjob" not in href and "clk" not in href else href)
    return len(hrefs)


def control_texts(page, limit: int):
    """The text of each button, then each link, up to `limit`: read once per page and shared
    by both apply tests (the English pattern here, every language's in classify), each of
    which stops at its first hit."""
    controls = page.cache.get("controls")
    if controls is None:
        controls = page.cache["controls"] = page.buttons + page.links
        page.cache["control_texts"] = []
    texts = page.cache["control_texts"]
    for i in range(min(limit, len(controls))):
        if i == len(texts):
            texts.append(stripped_text(controls[i]))
        yield texts[i]


def has_apply(page) -> bool:
    seen = set()  # links repeat their texts ("Read more", "Share"): each is asked once
    for text in control_texts(page, 4000):
        if text not in seen:
            seen.add(text)
            if text and len(text) < 50 and APPLY.match(text):
                return True
    return False


def looks_like_listing(page, title: str | None) -> bool:
    h = page.h1_texts[0] if page.h1s else ""
    return bool(LISTING_H1.search(h) or (not title and LISTING_H1.search(page.title_tag or "")))


_LOGIN_PATH = re.compile(r"/(login|signin|sign-in|sign_in|authwall|uas/login|checkpoint|auth)\b", re.I)


def looks_like_login(page) -> bool:
    if _LOGIN_PATH.search(page.path):
        return True
    return page.has_password and len(page.strings) < 400
