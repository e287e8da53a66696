"""Ashby: jobs.ashbyhq.com/<org>/<id>. window.__appData says the workplace type the page
shows ("Hybrid"), where JSON-LD often says TELECOMMUTE for the same job."""
import re

from .. import fields, salary
from ..text import clean

NAME = "ashby"
HOSTS = ("ashbyhq.com",)


def kind(page):
    if page.path_matches(r"^/[^/]+/[0-9a-f-]{30,}"):
        return True, None
    if page.path_matches(r"^/[^/]+/?$"):
        return False, "an Ashby job board (list of openings)"
    return None, None


def extract(page, draft) -> None:
    src = "site:ashby"
    for blob in page.app_blobs:
        if not isinstance(blob, dict) or not isinstance(blob.get("posting"), dict):
            continue
        post, org = blob["posting"], blob.get("organization") or {}
        draft.set("title", clean(post.get("title")), src)
        draft.set("company", clean(org.get("name")) if isinstance(org, dict) else None, src)
        locs = [post.get("locationName")] + [
            (x.get("locationName") if isinstance(x, dict) else x) for x in post.get("secondaryLocations") or []]
        draft.set("locations", fields.split_locations([l for l in locs if l]), src)
        draft.set("remote", fields.remote_kind(post.get("workplaceType")), src)
        et = post.get("employmentType")
        draft.set("employment_type", fields.employment_type(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", et) if isinstance(et, str) else None), src)
        pay = post.get("scrapeableCompensationSalarySummary") or post.get("compensationTierSummary")
        draft.set("salary", salary.from_text(clean(pay) or "", want_context=False), src)
        draft.set("date_posted", fields.iso_date(post.get("publishedDate") or post.get("updatedAt")), src)
        if isinstance(post.get("descriptionHtml"), str):
            draft.set_description(post["descriptionHtml"], src)
        return
