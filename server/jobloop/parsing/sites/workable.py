"""Workable: apply.workable.com/<company>/j/<id> (overview and /apply tab), jobs.workable.com."""
from ._common import fill, first_html, first_text

NAME = "workable"
HOSTS = ("workable.com",)


def kind(page):
    if page.path_matches(r"/j/[A-Z0-9]{6,}") or page.path_matches(r"^/view/"):
        return True, None
    if page.path_matches(r"^/[\w-]+/?$"):
        return False, "a Workable careers page (list of openings)"
    return None, None


def extract(page, draft) -> None:
    src = "site:workable"
    logo = page.select("[data-ui=company-logo] img[alt], [data-ui=header-logo] img[alt]")
    base = page.url.split("?")[0].split("#")[0].rstrip("/")
    if base.endswith("/apply"):
        base = base[: -len("/apply")]
    fill(draft, src,
         title=first_text(page, "[data-ui=job-title]", "h1"),
         company=logo[0].get("alt") if logo else None,
         locations=first_text(page, "[data-ui=job-location]"),
         remote=first_text(page, "[data-ui=job-workplace]", "[data-ui=job-remote]"),
         employment=first_text(page, "[data-ui=job-type]"),
         pay=first_text(page, "[data-ui=job-salary]", "[data-ui=salary]"),
         description_html=first_html(page, "[data-ui=job-description]", "[data-ui=job-requirements]"),
         apply_url=base + "/apply/" if page.path_matches(r"/j/") else None)
