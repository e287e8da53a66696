"""LinkedIn: the public job view (/jobs/view/…), and the logged-in search/collections page
whose URL carries currentJobId: it shows one job in the details pane and lists others
beside it, so only the details pane is read."""
import re
from urllib.parse import parse_qs

from .. import fields
from ..text import clean
from ._common import fill, first_html, first_text

NAME = "linkedin"
HOSTS = ("linkedin.com",)

PANE = (".jobs-search__job-details--wrapper, .jobs-search__job-details, .job-view-layout, "
        ".jobs-details, .scaffold-layout__detail")


def _current_job(page) -> str | None:
    ids = parse_qs(page.query).get("currentJobId") or []
    return ids[0] if ids and ids[0].isdigit() else None


def kind(page):
    if page.path_matches(r"^/(login|uas/login|authwall|checkpoint|signup)") :
        return False, "a LinkedIn sign-in page"
    if page.path_matches(r"/jobs/view/") or _current_job(page):
        if page.path_matches(r"/jobs/view/externalApply"):
            return False, "a redirect to the employer's site"
        return True, None
    if page.path_matches(r"^/jobs/(search|collections)|^/jobs/?$"):
        return False, "a LinkedIn job search list"
    if page.path_matches(r"^/(company|school|in|feed|pulse|posts|learning|news)/"):
        return False, "a LinkedIn page that is not a job posting"
    return None, None


def extract(page, draft) -> None:
    src = "site:linkedin"
    panes = page.select(PANE)
    root = panes[0] if panes and _current_job(page) else None
    # Logged-in details pane.
    primary = first_text(page, ".job-details-jobs-unified-top-card__primary-description-container",
                         ".job-details-jobs-unified-top-card__tertiary-description-container",
                         ".jobs-unified-top-card__primary-description", root=root)
    loc, posted = None, None
    if primary:
        parts = [p.strip() for p in re.split(r"\s+·\s+", primary) if p.strip()]
        loc = parts[0] if parts and not fields.relative_date(parts[0], draft.now) else None
        posted = next((p for p in parts if fields.relative_date(p, draft.now)), None)
    prefs = [b.get_text(" ", strip=True) for b in page.select(
        ".job-details-fit-level-preferences button, .job-details-preferences-and-skills__pill, "
        ".job-details-jobs-unified-top-card__job-insight span", root=root)]
    fill(draft, src,
         title=first_text(page, ".job-details-jobs-unified-top-card__job-title", ".jobs-unified-top-card__job-title",
                          "h1.top-card-layout__title", "h1.topcard__title", "h2.top-card-layout__title", root=root),
         company=first_text(page, ".job-details-jobs-unified-top-card__company-name",
                            ".jobs-unified-top-card__company-name", "a.topcard__org-name-link",
                            ".topcard__org-name-link", "span.topcard__flavor", root=root),
         locations=loc or first_text(page, ".topcard__flavor--bullet", ".jobs-unified-top-card__bullet", root=root),
         remote=next((p for p in prefs if fields.remote_kind(p)), None),
         employment=next((p for p in prefs if fields.employment_type(p)), None),
         pay=next((p for p in prefs if re.search(r"[$€£]\s?\d", p)), None)
         or first_text(page, ".compensation__salary", ".salary.compensation__salary", root=root),
         posted=posted or first_text(page, ".posted-time-ago__text", root=root),
         description_html=first_html(page, "#job-details", ".jobs-description__content",
                                     ".show-more-less-html__markup", ".description__text", root=root),
         apply_url=_apply_url(page))
    # Public page: "Seniority level / Employment type / Job function / Industries".
    for item in page.select(".description__job-criteria-item", root=root):
        head = clean(item.select_one(".description__job-criteria-subheader").get_text(" ")
                     if item.select_one(".description__job-criteria-subheader") else "")
        value = clean(item.select_one(".description__job-criteria-text").get_text(" ")
                      if item.select_one(".description__job-criteria-text") else "")
        if head and value and re.search(r"employment|impiego|contrat|besch|empleo|dienst|contrato|zatrudn", head, re.I):
            draft.set("employment_type", fields.employment_type(value), src)


def _apply_url(page) -> str | None:
    for code in page.by_attr.get(("id", "applyUrl"), [])[:1]:
        m = re.search(r'"(https?://[^"]+)"', code.decode_contents())
        if m:
            return m[1].replace("&amp;", "&")
    return None
