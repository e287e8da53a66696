"""Teamtailor: <company>.teamtailor.com/jobs/<id>-<slug> and …/applications/new."""
import re

from ._common import fill, first_html

NAME = "teamtailor"
HOSTS = ("teamtailor.com",)


def detect(page) -> bool:
    return "teamtailor" in (page.meta.get("generator", "") + page.meta.get("og:image", "")).lower()


def kind(page):
    if page.path_matches(r"/jobs/\d+"):
        return True, None
    if page.path_matches(r"^/(jobs/?)?$"):
        return False, "a Teamtailor career site (list of openings)"
    return None, None


def extract(page, draft) -> None:
    src = "site:teamtailor"
    values = {}
    for dt in page.select("dl dt"):
        dd = dt.find_next_sibling("dd")
        if dd is not None:
            values.setdefault(dt.get_text(" ", strip=True).lower(), dd.get_text(" ", strip=True))
    base = page.url.split("?")[0].rstrip("/")
    base = re.sub(r"/applications/new$", "", base)
    fill(draft, src,
         company=page.meta_get("og:site_name"),
         locations=values.get("locations") or values.get("location"),
         remote=values.get("remote status") or values.get("remote"),
         employment=values.get("employment type"),
         description_html=first_html(page, "[data-controller=job-ad] .prose", ".job-ad-body", "div.prose"),
         apply_url=base if page.path_matches(r"/jobs/\d+") else None)
    if draft.locations == ["Multiple locations"]:
        draft.locations = []
