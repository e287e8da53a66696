"""Site adapters, registered in one place. Each module declares NAME and HOSTS (domain
suffixes), and may define detect(page) for career sites on the company's own domain,
kind(page) -> (is_posting | None, reason) from the URL, and extract(page, draft)."""
from __future__ import annotations

from types import ModuleType

from . import (ashby, eightfold, generic, glassdoor, greenhouse, icims, indeed, lever, linkedin, smartrecruiters,
               teamtailor, workable, workday)

SITES: tuple[ModuleType, ...] = (
    linkedin, indeed, greenhouse, lever, workday, ashby, smartrecruiters, workable, teamtailor, glassdoor, icims,
    eightfold,
)


def site_for(page) -> ModuleType:
    for site in SITES:
        if page.host_is(*site.HOSTS):
            return site
    for site in SITES:
        detect = getattr(site, "detect", None)
        if detect and detect(page):
            return site
    return generic
