"""Lever: jobs.lever.co/<company>/<id> and its /apply page (both are the posting)."""
import re

from ._common import fill, first_html, first_text

NAME = "lever"
HOSTS = ("lever.co",)


def kind(page):
    if page.path_matches(r"^/[\w.-]+/[0-9a-f-]{20,}"):
        return True, None
    if page.path_matches(r"^/[\w.-]+/?$"):
        return False, "a Lever job board (list of openings)"
    return None, None


def extract(page, draft) -> None:
    src = "site:lever"
    cats = {}
    for el in page.select(".posting-categories .posting-category, .posting-categories > div"):
        classes = " ".join(el.get("class") or [])
        value = el.get_text(" ", strip=True).strip(" /")
        for key in ("location", "commitment", "workplaceTypes", "department"):
            if key in classes and value:
                cats.setdefault(key, value)
    logo = page.select("a.main-header-logo img[alt]")
    company = re.sub(r"\s+logo$", "", logo[0].get("alt", ""), flags=re.I) if logo else None
    m = re.match(r"^/[\w.-]+/([0-9a-f-]{20,})", page.path)
    fill(draft, src,
         title=first_text(page, ".posting-headline h2", ".posting-header h2", ".posting-headline h1"),
         company=company,
         locations=cats.get("location"),
         remote=cats.get("workplaceTypes"),
         employment=cats.get("commitment"),
         pay=first_text(page, "[data-qa=salary-range]", ".posting-salary"),
         description_html=first_html(page, "[data-qa=job-description]", ".posting-page .section-wrapper .section.page-centered")
         or (f"<p>{page.meta_get('og:description')}</p>" if page.path.rstrip("/").endswith("/apply") and page.meta_get("og:description") else None),
         apply_url=(page.url.split("?")[0].rstrip("/") + ("" if page.path.rstrip("/").endswith("/apply") else "/apply")) if m else None)
