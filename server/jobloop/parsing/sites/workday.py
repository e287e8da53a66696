"""Workday: <tenant>.wdN.myworkdayjobs.com/…/job/<loc>/<slug>_<req>. Server HTML carries
JSON-LD; the rendered page labels its parts with data-automation-id."""
from ._common import fill, first_html, first_text

NAME = "workday"
HOSTS = ("myworkdayjobs.com", "myworkdaysite.com", "workday.com")


def kind(page):
    if page.path_matches(r"/job/"):
        return True, None
    return False, "a Workday career site search page (list of openings)"


def extract(page, draft) -> None:
    src = "site:workday"
    def dd(auto):
        return first_text(page, f"[data-automation-id={auto}] dd", f"[data-automation-id={auto}]")
    fill(draft, src,
         title=first_text(page, "[data-automation-id=jobPostingHeader]"),
         locations=dd("locations"),
         remote=dd("remoteType"),
         employment=dd("time"),
         posted=dd("postedOn"),
         description_html=first_html(page, "[data-automation-id=jobPostingDescription]"))
