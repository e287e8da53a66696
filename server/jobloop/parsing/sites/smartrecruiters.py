"""SmartRecruiters: jobs.smartrecruiters.com/<Company>/<id>-<slug> (microdata-rich HTML)."""
import re
from urllib.parse import unquote

from ._common import fill, first_html, first_text

NAME = "smartrecruiters"
HOSTS = ("smartrecruiters.com",)


def kind(page):
    if page.path_matches(r"/\d{6,}"):
        return True, None
    if page.path_matches(r"^/[\w-]+/?$"):
        return False, "a SmartRecruiters careers page (list of openings)"
    return None, None


def extract(page, draft) -> None:
    src = "site:smartrecruiters"
    loc = page.select("spl-job-location[formattedaddress]")
    m = re.match(r"^/([^/]+)/\d", page.path)
    details = [li.get_text(" ", strip=True) for li in page.select(".job-details li, ul.job-details li")]
    org = page.select("[itemprop=hiringOrganization] [itemprop=name]")
    org_name = (org[0].get("content") or org[0].get_text(" ", strip=True)) if org else None
    logo = page.select(".header-logo img[alt]")
    # The URL names the company too: /FourthCoffee/… -> "Fourth Coffee".
    from_url = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", unquote(m[1]).replace("-", " ")) if m else None
    fill(draft, src,
         title=first_text(page, "h1.job-title", "h1[itemprop=title]"),
         company=org_name or (logo[0].get("alt") if logo else None) or from_url,
         locations=loc[0].get("formattedaddress") if loc else first_text(page, "[itemprop=jobLocation]"),
         remote=next((d for d in details if re.search(r"remote|hybrid|on-?site", d, re.I)), None),
         employment=first_text(page, "[itemprop=employmentType]"),
         description_html=first_html(page, "[itemprop=description]", ".job-sections"))
