"""Is this page one job posting? A classifier over signals, each kind of not-a-posting
named with a reason the popup shows: verification pages, sign-in walls, expired postings,
listings and threads of many jobs, articles and company pages."""
from __future__ import annotations

import re

from . import heuristics, labels, salary, structured
from .text import clean, find_near, fold, search_near

VERIFICATION = "a verification page: open the job normally, then clip again"
LOGIN = "a sign-in page"
EXPIRED = "a posting that is no longer open"
LISTING = "a search results or job list page"
THREAD = "a thread or page listing many jobs"
ARTICLE = "an article or blog post, not a job posting"
COMPANY = "a company or careers page, not one job"
NOTHING = "no job posting found on this page"

_VERIFY = re.compile(
    r"^(just a moment|attention required|access denied|are you a (robot|human)|security check|verify(ing)? you are (a )?human|"
    r"additional verification required|please verify|checking (your|if the site connection|the site)|one more step|"
    r"pardon our interruption|bot (check|protection)|captcha|robot check|request blocked|human verification|"
    r"ddos protection|please enable (javascript|cookies) (and|to) )", re.I)
_VERIFY_BODY = re.compile(r"captcha|cf-challenge|challenge-platform|verify you are (a )?human|are you a robot|unusual traffic|"
                          r"security check|additional verification|enable javascript and cookies to continue", re.I)
_EXPIRED = re.compile(
    r"(this|the) (job|position|vacancy|posting|role|offer) (is )?(has )?(no longer available|expired|been filled|closed|"
    r"is no longer (open|accepting|active))|no longer accepting applications|job (has )?expired|posting (has )?expired|"
    r"position (has been )?filled|vacancy (is )?closed|вакансия в архиве|вакансія в архіві|"
    r"n'est plus disponible|ya no est[aá] disponible|nicht mehr verf[uü]gbar|non [eè] pi[uù] disponibile|"
    r"no longer open|applications (are )?(now )?closed|"
    r"募集(は)?終了|掲載(は)?終了|已截止|已过期|마감되었습니다", re.I)
_RESULT_COUNT = re.compile(
    r"^\s*\d[\d,.]*\s*[-–]\s*\d[\d,.]*\s+(?:of|di|de|von|sur|van|z|из|з)\s+\d[\d,.]*|"
    r"^\s*\d[\d,.]*\+?\s+(?:results?|jobs? found|matching jobs|offerte|ofertas|offres|treffer|ergebnisse|stellenangebote|"
    r"vacatures|resultados|risultati|wyników|вакансі\w*|ваканси\w*|件の求人|个职位|건)\b", re.I)
_NO_OPENINGS = re.compile(
    r"\b(?:there (?:is|are) (?:currently )?no (?:\w+ )?(?:positions?|openings?|vacanc\w+|jobs?)(?: \w+)? (?:available|open)|"
    r"no (?:current |open )?(?:positions|openings|vacancies) (?:available|at (?:this|the moment))|we are not (?:currently )?hiring|"
    r"keine (?:offenen|freien) stellen|aucune offre|no hay (?:vacantes|ofertas)|nessuna posizione aperta)\b|"
    r"暂无招聘|現在募集していません|募集は終了", re.I)
_ROLE = re.compile(r"(?<!\w)(engineer|developer|analyst|manager|scientist|designer|specialist|assistant|associate|director|"
                   r"officer|consultant|technician|coordinator|administrator|architect|lead|intern|postdoc|post-doc|"
                   r"researcher|fellow|driver|nurse|teacher|lecturer|professor|operator|accountant|clerk|advisor|"
                   r"representative|head of|vp|vice president|chief|cto|ceo|cfo|instructor|programmer|administrat|mechanic|ingenieur|entwickler|"
                   r"ingenieur|developpeur|desarrollador|ingeniero|sviluppatore|(m/w/d)|(h/f)|(f/h)|(m/f/d))", re.I)


def verification(page) -> bool:
    heads = [page.title_tag or ""] + page.h1_texts[:3]
    if any(_VERIFY.search(h) for h in heads if h):
        return True
    # A nearly empty page whose few words are about proving you are human.
    if len(page.strings) >= 80:
        return False
    if len(page.text) < 1500:
        head = page.html[:20000].lower()
        if "captcha" in head or "challenge-platform" in head or "cf-challenge" in head or "challenge-form" in head:
            return True  # an apply form's reCAPTCHA sits on a page with far more words
    return search_near(_VERIFY_BODY, page.text[:5000], _VERIFY_STEMS) is not None


# Every phrase of _VERIFY_BODY holds one of these.
_VERIFY_STEMS = ("captcha", "challenge", "verify you are", "are you a robot", "unusual traffic", "security check",
                 "additional verification", "enable javascript and cookies")
# Every phrase of _EXPIRED holds one of these.
_EXPIRED_STEMS = ("no longer", "expired", "filled", "closed", "archiv", "архив", "архів", "disponib", "verfügbar", "verfugbar",
                  "終了", "截止", "过期", "마감")


def expired(page, draft) -> bool:
    heads = " ".join([page.title_tag or "", page.meta_get("og:title") or ""] + page.h1_texts[:3])
    if search_near(_EXPIRED, heads, _EXPIRED_STEMS) is not None:  # _EXPIRED.search(heads), near its words
        return True
    near = " ".join(page.strings[:200])[:20_000]
    return search_near(_EXPIRED, near, _EXPIRED_STEMS) is not None


def job_words(text: str) -> int:
    """How many distinct job-posting words (in any language of the table) the text uses."""
    f = labels.lfold(text[:20_000])  # the first screens say whether it is a job; the rest adds nothing
    return len(labels.found_in(f, "posting_words"))


def has_apply(page) -> bool:
    """An apply button or link in any language of the table, or a form that posts an application."""
    if "apply" not in page.cache:
        page.cache["apply"] = _has_apply(page)
    return page.cache["apply"]


def _has_apply(page) -> bool:
    if heuristics.has_apply(page):
        return True
    rx = labels.matcher("apply")
    seen = set()
    for text in heuristics.control_texts(page, 1500):
        if text not in seen:
            seen.add(text)
            if text and len(text) < 40 and rx.search(labels.lfold(text)):
                return True
    return bool(page.by_tag.get("form")) and any("apply" in (f.get("action") or "").lower() for f in page.by_tag["form"][:20])


def role_like(title: str | None) -> bool:
    return bool(title) and bool(_ROLE.search(title))


_NON_DIGIT = re.compile(r"\D")


def result_count(page, title: str | None) -> bool:
    """'1 - 10 di 886 offerte', '260 results': a page of search results. A bare small count
    under a job's own title is a sidebar ("14 vacancies" at this company), not results."""
    for s in page.strings[:1500]:
        # Both of its shapes begin with a digit after any spaces: most lines are ruled out at once.
        m = _RESULT_COUNT.search(s) if len(s) < 60 and s.lstrip()[:1].isdecimal() else None
        if m:
            n = int(_NON_DIGIT.sub("", m.group(0).split()[0]) or 0)
            if "-" in m.group(0) or "–" in m.group(0) or (n >= 20 and not role_like(title)):
                return True
    return False


def repeated_sections(page) -> int:
    """How often the most repeated job section heading ('Requirements:', '岗位职责：') recurs:
    one posting has each once, a page of several jobs has them again and again."""
    counts: dict[str, int] = {}
    for s in page.strings[:6000]:
        if len(s) <= 30:
            f = labels.lfold(s).strip(" :：")
            if f and labels.is_section(f):
                counts[f] = counts.get(f, 0) + 1
    return max(counts.values(), default=0)


def job_lines(page) -> int:
    """Lines shaped like a job's header in a hiring thread: 'Acme | Senior Engineer | Remote | $150k'."""
    n = 0
    for s in page.strings[:8000]:
        if s.count("|") >= 2 and len(s) < 300 and any(role_like(part) for part in s.split("|")):
            n += 1
    return n


_NO_OPENINGS_STEMS = ("no ", "not ", "keine", "aucune", "nessuna", "暂无", "現在募集", "募集は終了")


def no_openings(page) -> bool:
    """A line (shorter than 200 characters) saying no position is open; lines never hold a
    newline and the pattern never crosses one, so the joined text is searched near its words."""
    text = "\n".join(page.strings[:3000])
    for m in find_near(_NO_OPENINGS, text, _NO_OPENINGS_STEMS):
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        if (end if end >= 0 else len(text)) - start < 200:
            return True
    return False


def decide(page, draft, site_kind, site_reason, jobs, found_state: bool, facts: dict) -> tuple[bool, str | None]:
    if site_kind is False:
        return False, site_reason
    # Each test below is a pure question about the page: the cheap conditions go first.
    if not jobs and verification(page):
        return False, VERIFICATION
    if not jobs and heuristics.looks_like_login(page):
        return False, LOGIN
    if len({fold(clean(j.get("title")) or "") for j in jobs}) > 2:
        return False, LISTING
    if expired(page, draft):
        return False, EXPIRED
    if site_kind:
        return True, None
    if len(jobs) <= 1 and not page.microdata_scopes:
        if not jobs and (result_count(page, draft.title)
                         or (draft.title and labels.generic_heading().match(labels.lfold(draft.title).strip()))):
            return False, LISTING
        if not jobs and (repeated_sections(page) >= 3 or job_lines(page) >= 3):
            return False, THREAD
        if not jobs and not facts.get("title") and len(page.text) < 20_000 and no_openings(page):
            return False, EXPIRED
    links = heuristics.job_links(page)
    listing_heading = heuristics.looks_like_listing(page, draft.title)
    if listing_heading and links >= 5:
        return False, LISTING
    if jobs or page.microdata_scopes:
        return True, None
    articles = [n for n in page.jsonld_nodes if structured.is_type(n, *structured.ARTICLE_TYPES)]
    if articles:
        return False, ARTICLE
    if listing_heading:
        return False, LISTING
    score = None
    if links >= 12 and not found_state:  # many job links: a list, unless one job clearly leads the page
        score = evidence(page, draft, found_state, facts) if role_like(draft.title) else 0
        if score < 7:
            return False, LISTING
    score = evidence(page, draft, found_state, facts) if score is None else score
    if score >= 5 and draft.title and (found_state or role_like(draft.title) or has_apply(page) or job_path(page)
                                       or {"locations", "employment_type", "salary", "title"} & set(facts)):
        return True, None
    if not page.h1s and not facts:
        return False, NOTHING if score < 3 else COMPANY
    return False, COMPANY if score >= 3 else NOTHING


_JOB_PATH = re.compile(r"/(jobs?|careers?|positions?|vacanc\w*|stellen\w*|offres?|empleo|o|j|jb|posting|opening|requisition|"
                       r"saiyo|recruit\w*|zhaopin|job[_-]?posting|vaga\w*|postdoc\w*)s?([/._-]|$)", re.I)


def job_path(page) -> bool:
    return bool(_JOB_PATH.search(page.path))


# The only scores decide() tells apart: below 3, below 5, below 7, and 7 or more (keep in
# step with its comparisons).
_SCORE_LEVELS = (3, 5, 7)


def evidence(page, draft, found_state: bool, facts: dict) -> int:
    """How strongly a page without JobPosting data still reads as one job. decide() only
    compares the score with _SCORE_LEVELS, so counting stops at the top one, and reading
    the whole text for a salary (the costliest signal, worth one point) happens only when
    that point would carry the score past a level."""
    score = 0
    if draft.title:
        score += 1
    if role_like(draft.title):
        score += 1
    if found_state:
        score += 2
    if job_path(page):
        score += 1
    job_facts = {k for k in facts if k in ("locations", "employment_type", "salary", "remote", "title", "valid_through")}
    score += min(len(job_facts), 3)
    if score >= _SCORE_LEVELS[-1]:
        return score
    score += min(job_words(draft.description_text or page.text), 4)
    if score >= _SCORE_LEVELS[-1]:
        return score  # a page that reads as one job is not asked for an apply button
    if has_apply(page):
        score += 1
    if score + 1 not in _SCORE_LEVELS:
        return score
    if draft.salary or draft.employment_type or salary.from_text((draft.description_text or page.text)[:20_000]):
        score += 1
    return score
