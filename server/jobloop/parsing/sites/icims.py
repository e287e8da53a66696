"""iCIMS classic portals (careers-<co>.icims.com/jobs/<id>/<slug>/job) and Jibe career
sites that iCIMS hosts on company domains (/jobs/<id>, data in JSON-LD and page state).
Their JSON-LD fills gaps with "UNAVAILABLE" and 0–0 salaries: the normalizers drop them."""
import re

from ._common import fill, first_html, first_text

NAME = "icims"
HOSTS = ("icims.com", "jibeapply.com")


def detect(page) -> bool:
    if not page.path_matches(r"/jobs/\d+"):
        return False
    html = page.html[:300_000]
    return "jibecdn" in html or "_jibe" in html or "iCIMS_" in html


def kind(page):
    if page.path_matches(r"/jobs/\d+"):
        return True, None
    if page.path_matches(r"/jobs/?(search|intro)?/?$|/careers-home/?$"):
        return False, "a career site search page"
    return None, None


def extract(page, draft) -> None:
    src = "site:icims"
    values = {}
    for dt in page.select(".iCIMS_JobHeaderTag dt, .iCIMS_JobHeaderGroup dt"):
        dd = dt.find_next_sibling("dd")
        if dd is not None:
            values.setdefault(dt.get_text(" ", strip=True).lower(), dd.get_text(" ", strip=True))
    fill(draft, src,
         title=first_text(page, "h1.iCIMS_Header", ".iCIMS_Header h1"),
         locations=values.get("job locations") or values.get("location") or values.get("job location"),
         remote=values.get("remote") or values.get("remote type"),
         employment=values.get("type") or values.get("position type") or values.get("employment type"),
         posted=values.get("posted date") or values.get("date posted"),
         description_html=first_html(page, ".iCIMS_JobContent", ".iCIMS_InfoMsg_Job"))
    if draft.title is None:
        draft.set("title", re.sub(r"\s+in\s+[^|]+\|.*$", "", page.title_tag or "") or None, src)
