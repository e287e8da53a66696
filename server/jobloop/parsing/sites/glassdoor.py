"""Glassdoor: /job-listing/…?jl=… is a posting; /Job/… search pages, company overviews,
reviews and salary pages are not."""
from ._common import fill, first_html, first_text

NAME = "glassdoor"
HOSTS = ("glassdoor.com", "glassdoor.co.uk", "glassdoor.de", "glassdoor.fr", "glassdoor.ca", "glassdoor.com.au",
         "glassdoor.co.in", "glassdoor.ie", "glassdoor.nl", "glassdoor.es", "glassdoor.it", "glassdoor.ch", "glassdoor.at",
         "glassdoor.be", "glassdoor.sg", "glassdoor.com.br", "glassdoor.com.mx")


def kind(page):
    if page.path_matches(r"/job-listing/|/partner/joblisting") or "jl=" in page.query and page.path_matches(r"/job-listing"):
        return True, None
    if page.path_matches(r"^/(Job|Jobs)/|SRCH|^/$"):
        return False, "a Glassdoor job search list"
    if page.path_matches(r"^/(Overview|Reviews|Salary|Salaries|Interview|Benefits|Photos|Community|blog|Explore)"):
        return False, "a Glassdoor company or content page"
    return None, None


def extract(page, draft) -> None:
    src = "site:glassdoor"
    fill(draft, src,
         title=first_text(page, "[data-test=job-title]", "h1[id^=jd-job-title]", "h1"),
         company=first_text(page, "[data-test=employer-name] h4", "[data-test=employer-name]", "[data-test=employerName]"),
         locations=first_text(page, "[data-test=location]"),
         pay=first_text(page, "[data-test=detailSalary]", "[data-test=salaryEstimate]"),
         description_html=first_html(page, "[class*=JobDetails_jobDescription]", "#JobDescriptionContainer", ".jobDescriptionContent"))
