"""Greenhouse: classic boards (boards.greenhouse.io) and the job-boards app (Remix)."""
import re

from ._common import fill, first_html, first_text

NAME = "greenhouse"
HOSTS = ("greenhouse.io",)


def detect(page) -> bool:
    return ("job__header" in page.by_class or "app-title" in page.by_class) and "greenhouse" in page.html[:400_000]


def kind(page):
    if page.path_matches(r"/jobs/\d+") or "token=" in page.query or page.path_matches(r"/job_app"):
        return True, None
    if page.host_is(*HOSTS) and re.fullmatch(r"/[\w-]+/?", page.path):
        return False, "a Greenhouse job board (list of openings)"
    return None, None


def extract(page, draft) -> None:
    src = "site:greenhouse"
    company = first_text(page, "span.company-name", ".company-name")
    fill(draft, src,
         title=first_text(page, ".job__title h1", "h1.app-title", ".app-title", "h1.section-header"),
         company=re.sub(r"^at\s+", "", company or "", flags=re.I) or None,
         locations=first_text(page, ".job__location", "#header .location", "div.location"),
         pay=_pay(page),
         description_html=first_html(page, ".job__description", "#content"),
         apply_url=draft.canonical_url if page.path_matches(r"/jobs/\d+") else None)


def _pay(page):
    spans = page.select(".pay-range span, .pay-input span")
    text = " ".join(s.get_text(" ", strip=True) for s in spans if "divider" not in (s.get("class") or []))
    if text:
        return re.sub(r"(\d)\s+(?=[$€£]|[A-Z]{3}\b)", r"\1 - ", text, count=1)
    return None
