"""Indeed: /viewjob?jk=… (and the search page's right pane when the URL names vjk=…).
Search results without a selected job are a list, not a posting."""
import re
from urllib.parse import parse_qs

from .. import fields
from ._common import fill, first_html, first_text

NAME = "indeed"
HOSTS = ("indeed.com", "indeed.co.uk", "indeed.de", "indeed.fr", "indeed.ca", "indeed.es", "indeed.it",
         "indeed.nl", "indeed.com.au", "indeed.co.in", "indeed.ch", "indeed.at", "indeed.be", "indeed.ie")


def kind(page):
    q = parse_qs(page.query)
    if page.path_matches(r"/(m/)?(viewjob|rc/clk|pagead/clk)") or q.get("jk") or q.get("vjk"):
        return True, None
    if page.path_matches(r"^/(jobs|q-|l-|m/jobs)|-jobs\.html$"):
        return False, "an Indeed search results list"
    if page.path_matches(r"^/cmp/"):
        return False, "an Indeed company page"
    return None, None


def extract(page, draft) -> None:
    src = "site:indeed"
    panes = page.select("#jobsearch-ViewjobPaneWrapper, .jobsearch-ViewJobLayout-jobDisplay, .jobsearch-JobComponent")
    root = panes[0] if panes else None
    loc = first_text(page, "[data-testid=inlineHeader-companyLocation]", "[data-testid=job-location]",
                     "[data-testid=jobsearch-JobInfoHeader-companyLocation]", ".jobsearch-JobInfoHeader-subtitle > div:last-child", root=root)
    remote = None
    if loc:
        m = re.search(r"\b(hybrid work|hybrid remote|remote|temporarily remote)\b", loc, re.I)
        if m:
            remote, loc = m[1], (loc[: m.start()] + loc[m.end():]).strip(" •·-")
    remote = remote or first_text(page, "[data-testid=jobsearch-JobInfoHeader-remote]", root=root)
    salary_type = first_text(page, "#salaryInfoAndJobType", "[data-testid=jobsearch-OtherJobDetailsContainer]", root=root) or ""
    fill(draft, src,
         title=re.sub(r"\s*-\s*job post$", "", first_text(page, "[data-testid=jobsearch-JobInfoHeader-title]",
                                                         "h1.jobsearch-JobInfoHeader-title", "h2.jobsearch-JobInfoHeader-title", root=root) or "", flags=re.I),
         company=first_text(page, "[data-testid=inlineHeader-companyName] a", "[data-testid=inlineHeader-companyName]",
                            "[data-company-name]", root=root),
         locations=loc,
         remote=remote,
         employment=next((p for p in re.split(r"\s+-\s+|,", salary_type) if fields.employment_type(p)), None),
         pay=salary_type if re.search(r"\d", salary_type) else None,
         description_html=first_html(page, "#jobDescriptionText", root=root))
    jk = (parse_qs(page.query).get("jk") or parse_qs(page.query).get("vjk") or [None])[0]
    if jk and re.fullmatch(r"[0-9a-f]{8,}", jk):
        draft.set("apply_url", f"https://{page.host or 'www.indeed.com'}/viewjob?jk={jk}", src)
