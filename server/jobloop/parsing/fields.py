"""Field normalizers: employment type, remote/hybrid/onsite, dates, locations."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from . import labels
from .text import clean, fold, search_near

# Ordered: the first family found in a label wins ("Full time / Permanent" is FULL_TIME).
_EMPLOYMENT = [
    ("INTERN", r"\bintern(ship)?\b|praktikum|\bstagiaire\b|tirocinio|pasantia|\bpracticas\b|\bstage\b|werkstudent|stagiair|\bstaz\b|стажування|стажировка"),
    ("PER_DIEM", r"per[ _-]?diem"),
    ("VOLUNTEER", r"volunteer|benevol|ehrenamt"),
    ("PART_TIME", r"part[ _-]?time|teilzeit|temps partiel|tempo parziale|tiempo parcial|medio tiempo|meio periodo|deeltijd|\bdeltid\b|niepelny etat|часткова|неповна|неполная|частичная"),
    ("FULL_TIME", r"full[ _-]?time|vollzeit|temps (plein|complet)|\bcdi\b|tempo pieno|tiempo completo|jornada completa|tempo integral|\bvoltijd\b|\bheltid\b|pelny etat|повна|полная|\bpermanent\b|unbefristet|indeterminato|indefinido"),
    ("TEMPORARY", r"temporary|\btemp\b|seasonal|fixed[ -]term|befristet|\bcdd\b|interim|determinato|temporal|saisonnier|tijdelijk|тимчасов|временн"),
    ("CONTRACTOR", r"contract(or)?\b|freelanc|\bb2b\b|self[ -]employed|freiberuf|auto[ -]?entrepreneur|зовнішн|контракт"),
    ("OTHER", r"^other$"),
]
_EMPLOYMENT_RE = [(name, re.compile(p)) for name, p in _EMPLOYMENT]


def employment_type(value) -> str | None:
    """Any label in many languages to a schema.org employmentType, or None."""
    if isinstance(value, (list, tuple)):
        for v in value:
            found = employment_type(v)
            if found:
                return found
        return None
    return _employment(value) if isinstance(value, str) else _employment_uncached(value)


@lru_cache(maxsize=4096)
def _employment(value: str) -> str | None:
    return _employment_uncached(value)


def _employment_uncached(value) -> str | None:
    s = clean(value)
    if not s:
        return None
    f = fold(s).replace("_", " ")
    if len(f) > 80:  # a sentence, not a label: too easy to misread ("part-time or full-time")
        return None
    for name, pat in _EMPLOYMENT_RE:
        if pat.search(f):
            if name == "FULL_TIME" and _EMPLOYMENT_RE[3][1].search(f) and f.find("part") < f.find("full"):
                return "PART_TIME"
            return name
    return labels.value_kind(s, labels.EMPLOYMENT_KINDS)


_REMOTE_LABELS = [
    ("hybrid", r"hybri|ibrido|teilweise remote|remote[ _-]hybrid|partly remote|partially remote|flexible working|гібрид|гибрид"),
    ("remote", r"remote|telecommute|telework|tele-?travail|teletrabajo|remoto|home ?office|work from (home|anywhere)|wfh|mobiles arbeiten|віддален|удален|distanc"),
    ("onsite", r"on[ -]?site|in[ -]office|office[ -]based|in[ -]person|vor ort|presencial|en presentiel|sur site|in sede|presenziale|no remote|not remote|офіс|офис"),
]
_REMOTE_RE = [(name, re.compile(p)) for name, p in _REMOTE_LABELS]


def remote_kind(value) -> str | None:
    """A workplace label ("Fully Remote", "TELECOMMUTE", "Hybrid work", "Vor Ort") to onsite/hybrid/remote."""
    if isinstance(value, bool):
        return "remote" if value else None
    if isinstance(value, (list, tuple)):
        kinds = {remote_kind(v) for v in value} - {None}
        return "hybrid" if "hybrid" in kinds or kinds == {"remote", "onsite"} else (kinds.pop() if len(kinds) == 1 else None)
    return _remote(value) if isinstance(value, str) else _remote_uncached(value)


@lru_cache(maxsize=4096)
def _remote(value: str) -> str | None:
    return _remote_uncached(value)


def _remote_uncached(value) -> str | None:
    s = clean(value)
    if not s:
        return None
    f = fold(s).replace("_", " ")
    if len(f) > 60:
        return None
    for name, pat in _REMOTE_RE:
        if pat.search(f):
            return name
    return labels.value_kind(s, labels.REMOTE_KINDS)


# Free text: only phrases that say it plainly. "Remote" alone in a description is too loose.
_TEXT_HYBRID = re.compile(
    r"\bhybrid(e)?\b[^.\n]{0,40}\b(work|office|role|position|model|policy|schedule|arrangement|working|set-?up|environment|"
    r"flexibility|basis|team)|\b(work|role|position|working|based|model|schedule|arrangement|policy|location)\b[^.\n]{0,25}\bhybrid\b|"
    r"\b\d\s*(days?|x)\s*(a|per|/)\s*week\s*(in|at)\s*(the|our)?\s*office",
    re.I,
)
_TEXT_REMOTE = re.compile(
    r"\b(fully|100\s*%|completely|entirely)[ -]remote\b|\bremote[ -](first|only|position|role|job|opportunity)\b|"
    r"\bwork from anywhere\b|\bthis (is a|role is|position is)( fully)? remote\b",
    re.I,
)


def remote_from_text(text: str) -> str | None:
    if not text:
        return None
    if search_near(_TEXT_HYBRID, text, ("hybrid", "office")):
        return "hybrid"
    if search_near(_TEXT_REMOTE, text, ("remote", "anywhere")):
        return "remote"
    return None


_TEXT_EMPLOYMENT = re.compile(
    r"\b(?:this|a|the|is|as)\s+(?:(?:permanent|temporary|fixed[- ]term)\s*,?\s*)?(full[- ]time|part[- ]time)\s*,?\s*"
    r"(?:(?:permanent|temporary|fixed[- ]term)\s+)?(?:role|position|job|post|opportunity|appointment|contract)\b", re.I)
_NUMBER_WORDS = r"\d+|one|two|three|four|five|six|nine|twelve|eighteen|twenty[- ]four"
_TEXT_TEMPORARY = re.compile(
    r"\bfixed[- ]term\b|\b(?:duration|appointment|position|contract|employment|post-?docs?|postdoctoral position|positions?)\b"
    rf"[^.\n]{{0,40}}?\b(?:for|of|is)\s+(?:an?\s+)?(?:initially\s+|up to\s+)?(?:{_NUMBER_WORDS})(?:\s*\(\d+\))?[- ]?(?:years?|months?)\b|"
    rf"\binitial(?:ly)?\b[^.\n]{{0,30}}?\b(?:for\s+)?(?:{_NUMBER_WORDS})\s+years?\b|^duration\s*:?\s*(?:{_NUMBER_WORDS})", re.I | re.M)


_TEMPORARY_STEMS = ("fixed", "duration", "appointment", "position", "contract", "employment", "post", "initial")


_NON_SPACE_FIRST = re.compile(r"^\S+")
_CHIP_SEPARATOR = re.compile(r"[,·/(|]")
_OR_AND = re.compile(r"\b(or|and|oder|ou|o)\b", re.I)


def employment_from_text(text: str) -> str | None:
    """Employment type a description states in passing: 'This full-time, permanent role',
    a line like 'CDI · Temps plein', 'a position for two years' (fixed-term)."""
    if not text:
        return None
    text = text[:60_000]
    m = search_near(_TEXT_EMPLOYMENT, text, ("full", "part"))
    if m:
        return employment_type(m[1])
    for line in text.split("\n")[:400]:
        line = line.strip(" .•·-")
        if 2 < len(line) <= 90 and _NON_SPACE_FIRST.match(line):
            first = _CHIP_SEPARATOR.split(line)[0].strip()
            if first and len(first) <= 25 and employment_type(first) and not _OR_AND.search(first):
                return employment_type(line) or employment_type(first)
    if search_near(_TEXT_TEMPORARY, text, _TEMPORARY_STEMS):
        return "TEMPORARY"
    f = labels.lfold(text[:30_000])
    langs = tuple(lang for lang in labels.languages() if lang != "en")
    found = [kind for kind in labels.EMPLOYMENT_KINDS if labels.found_in(f, "values", kind, langs)]
    return found[0] if len(found) == 1 else None


def remote_words_in(text: str) -> str | None:
    """Hybrid or remote said in a description in any language of the table other than English
    (English free text is read by the stricter patterns above: "remote" alone is too loose)."""
    if not text:
        return None
    f = labels.lfold(text[:30_000])
    langs = [lang for lang in labels.languages() if lang != "en"]
    for kind in ("hybrid", "remote"):
        if labels.found_in(f, "values", kind, tuple(langs)):
            return kind
    return None


_REMOTE_WORD = re.compile(r"remote|home ?office|telework|telecommut")


def mentions_remote(text: str) -> bool:
    f = labels.lfold((text or "")[:30_000])
    return bool(labels.found_in(f, "values", "remote") or labels.found_in(f, "values", "hybrid")
                or _REMOTE_WORD.search(f))


# --- dates ---------------------------------------------------------------------------

_MONTHS = {
    # en, de, fr, es, it, pt, nl, uk (genitive), ru (genitive)
    1: "jan january januar janvier enero gennaio janeiro januari січня января", 2: "feb february februar fevrier febrero febbraio fevereiro februari лютого февраля",
    3: "mar march marz mars marzo marco maart березня марта", 4: "apr april avril abril aprile квітня апреля",
    5: "may mai mayo maggio maio mei травня мая", 6: "jun june juni juin junio giugno junho червня июня",
    7: "jul july juli juillet julio luglio julho липня июля", 8: "aug august aout agosto augustus серпня августа",
    9: "sep sept september septembre septiembre settembre setembro вересня сентября", 10: "oct october oktober octobre octubre ottobre outubro жовтня октября",
    11: "nov november novembre noviembre novembro листопада ноября", 12: "dec december dezember decembre diciembre dicembre dezembro грудня декабря",
}
MONTHS = {w: n for n, words in _MONTHS.items() for w in words.split()}


# iso_date's and relative_date's shapes, compiled once (every date label and header line is tried).
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_EPOCH = re.compile(r"\d{10}(\d{3})?")
_MONTH_DAY_YEAR = re.compile(r"\b([a-zа-яіїє]{3,12})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\.?\s+(?:de\s+)?([a-zа-яіїє]{3,12})\.?,?\s+(?:de\s+)?(\d{4})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")
_DAY_FIRST_HINT = re.compile(r"[а-яіїєäöüéèàç]|\b(am|le|el|il)\b")
_TODAY = re.compile(r"\b(today|just now|heute|aujourd'hui|hoy|oggi|hoje|vandaag|сьогодні|сегодня|moments? ago|just posted)\b")
_YESTERDAY = re.compile(r"\b(yesterday|gestern|hier|ayer|ieri|ontem|gisteren|вчора|вчера)\b")
_COUNT_UNIT = re.compile(r"(\d+)\+?\s*([a-zа-яіїє]+)")
_AGO = re.compile(r"\bago\b|\bvor\b|il y a|\bhace\b|\bfa\b|\bha\b|\bhá\b|geleden|тому|назад|sedan|\bsiden\b")


def iso_date(value, now: datetime | None = None) -> str | None:
    """ISO strings, epoch seconds/ms, "June 14, 2024", "14 July 2024", or relative ("3 days ago")."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _from_epoch(value)
    s = clean(value, 200)
    if not s:
        return None
    m = _ISO.match(s)
    if m:
        return _mk(int(m[1]), int(m[2]), int(m[3]))
    if _EPOCH.fullmatch(s):
        return _from_epoch(int(s))
    f = fold(s)
    m = _MONTH_DAY_YEAR.search(f)
    if m and m[1] in MONTHS:
        return _mk(int(m[3]), MONTHS[m[1]], int(m[2]))
    m = _DAY_MONTH_YEAR.search(f)
    if m and m[2] in MONTHS:
        return _mk(int(m[3]), MONTHS[m[2]], int(m[1]))
    m = _NUMERIC_DATE.search(f)
    if m and int(m[2]) <= 12 and _DAY_FIRST_HINT.search(f) or (m and int(m[1]) > 12):
        return _mk(int(m[3]), int(m[2]), int(m[1]))  # day-first outside the US
    if m:
        return _mk(int(m[3]), int(m[1]), int(m[2]))
    return relative_date(s, now)


def _mk(y: int, mo: int, d: int) -> str | None:
    try:
        return date(y, mo, d).isoformat() if 1990 <= y <= 2100 else None
    except ValueError:
        return None


def _from_epoch(value: float) -> str | None:
    if value > 1e11:
        value /= 1000
    if not 6e8 < value < 4.2e9:
        return None
    return datetime.fromtimestamp(value, tz=timezone.utc).date().isoformat()


# A unit word: one of these, then any letters (fullmatch), with its length in days.
_UNITS = [(re.compile(rf"(?:{pat})\w*"), days) for pat, days in (
    (r"min|minute|minuten|минут|хвилин|minuto", 0), (r"h|hr|hour|stunde|heure|hora|ora|годин|час", 0),
    (r"d|day|tag|jour|dia|dí?a|giorn|дн|день|дні|днів", 1), (r"w|wk|week|woche|semaine|semana|settiman|тиж|недел", 7),
    (r"mo|month|monat|mois|mes|mese|міс|месяц", 30), (r"y|yr|year|jahr|an|ano|año|anni|anno|рік|рок|год|лет", 365),
)]


def relative_date(text: str, now: datetime | None = None) -> str | None:
    """'3 days ago', 'il y a 2 jours', 'vor 3 Tagen', 'hace 3 días', '2 giorni fa', 'today' against now."""
    if not text:
        return None
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    f = fold(text)
    if _TODAY.search(f):
        return now.date().isoformat()
    if _YESTERDAY.search(f):
        return (now - timedelta(days=1)).date().isoformat()
    m = _COUNT_UNIT.search(f)
    if not m or not _AGO.search(f):
        return None
    n, unit = int(m[1]), m[2]
    for pat, days in _UNITS:
        if pat.fullmatch(unit):
            if n > 5000:
                return None
            return (now - timedelta(days=n * days)).date().isoformat()
    return None


# --- locations -----------------------------------------------------------------------

_PROSE_PLACE = re.compile(
    r"\b(?:located|based|situated|headquartered)\b[^.\n]{0,60}?\bin ((?:[A-ZÀ-Ý][\w'’-]+)(?: [A-ZÀ-Ý][\w'’-]+)?)"
    r"(?:,\s*([A-ZÀ-Ý][\w'’-]+))?")


_POSTAL_PLACE = re.compile(r"(?:^|,\s*|\s)(?:[A-Z]{1,2}-)?(?:\d{2}-\d{3}|\d{4,5})\s+([A-ZÀ-Ý][\w'’-]+(?:[ -][A-ZÀ-Ý][\w'’-]+)?)\s*$", re.M)


def location_from_text(text: str) -> list[str]:
    """'Our offices are located in Zurich', 'based in Berlin, Germany', or the town of a postal
    address line ('20-031 Lublin', '1773 Léchelles'): the place in prose, as a last resort."""
    m = search_near(_PROSE_PLACE, text or "", ("located", "based", "situated", "headquartered"), 240)
    if m:
        return [", ".join(g for g in m.groups() if g)]
    for line in (text or "").split("\n")[:600]:
        if len(line) < 90:
            m = _POSTAL_PLACE.search(line)
            if m:
                return [m[1]]
    return []


_LOCATION_SEPARATOR = re.compile(r"\s*(?:;|\||\n|•)\s*|\s+/\s+")


def split_locations(value) -> list[str]:
    """A location label or list to a clean, de-duplicated list ("A; B" and "A | B" are two places)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name") or item.get("localizedName") or item.get("displayName") or item.get("text") \
                or item.get("label") or item.get("location")
        s = clean(item, 200)
        if not s:
            continue
        for part in _LOCATION_SEPARATOR.split(s):
            part = part.strip(" ,·-/")
            if part and part.lower() not in ("multiple locations", "various locations") and part not in out:
                out.append(part)
    return out[:40]
