"""The job site a posting was found on, by name, from its URL's host.

People read "LinkedIn" or "acme.com", not the parser's adapter name ("generic" for
every company's own careers page): the adapter says how a page was read, this says
where it was found.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from .sites import SITES

# Readable names of the sites the parser has an adapter for, by adapter NAME.
_ADAPTER_NAMES = {
    "linkedin": "LinkedIn", "indeed": "Indeed", "greenhouse": "Greenhouse", "lever": "Lever",
    "workday": "Workday", "ashby": "Ashby", "smartrecruiters": "SmartRecruiters", "workable": "Workable",
    "teamtailor": "Teamtailor", "glassdoor": "Glassdoor", "icims": "iCIMS", "eightfold": "Eightfold",
}
# Job boards and applicant-tracking systems read by the generic parser: still a job site,
# not the employer's own.
_OTHER_SITES = {
    "wellfound.com": "Wellfound", "angel.co": "Wellfound", "ziprecruiter.com": "ZipRecruiter",
    "monster.com": "Monster", "dice.com": "Dice", "stepstone.de": "StepStone", "xing.com": "XING",
    "welcometothejungle.com": "Welcome to the Jungle", "otta.com": "Otta", "builtin.com": "Built In",
    "remoteok.com": "Remote OK", "weworkremotely.com": "We Work Remotely", "jobvite.com": "Jobvite",
    "bamboohr.com": "BambooHR", "recruitee.com": "Recruitee", "personio.de": "Personio",
    "personio.com": "Personio", "breezy.hr": "Breezy HR", "applytojob.com": "JazzHR",
    "rippling.com": "Rippling", "news.ycombinator.com": "Hacker News", "workatastartup.com": "Y Combinator",
    "stackoverflow.com": "Stack Overflow", "simplyhired.com": "SimplyHired", "totaljobs.com": "Totaljobs",
    "reed.co.uk": "Reed", "seek.com.au": "SEEK", "successfactors.com": "SuccessFactors",
    "taleo.net": "Taleo", "oraclecloud.com": "Oracle Cloud",
}
_KNOWN: dict[str, str] = {
    **{host: _ADAPTER_NAMES.get(site.NAME, site.NAME) for site in SITES for host in site.HOSTS},
    **_OTHER_SITES,
}
# Second-level labels under a country code that are sold like top-level domains
# (acme.co.uk, acme.com.au): the registrable host keeps one more label for them.
_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc", "ne", "or", "gv"}


def host_of(url: str | None) -> str:
    """The URL's host name, lowercased, without port or trailing dot ("" when there is none)."""
    try:
        return (urlsplit((url or "").strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def registrable(host: str) -> str:
    """careers.acme.com -> acme.com, jobs.acme.co.uk -> acme.co.uk; an IP address as is."""
    labels = host.split(".")
    if len(labels) <= 2 or all(label.isdigit() for label in labels):
        return host
    keep = 3 if len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


@lru_cache(maxsize=4096)
def _name_for_host(host: str) -> str:
    # The host and each parent domain, longest first: a match is on a dot boundary
    # (urls.on_domain's rule), one dictionary look-up per label.
    labels = host.split(".")
    for i in range(len(labels)):
        name = _KNOWN.get(".".join(labels[i:]))
        if name:
            return name
    return registrable(host)


def site_name(url: str | None) -> str:
    """The readable name of the site at `url`: "LinkedIn", "Greenhouse", or a company's own
    registrable host ("acme.com"); "" when the URL has no host."""
    # Pages, insights and the table's filter name thousands of URLs on a few dozen hosts:
    # the part before the path is cut by hand and read once per distinct value.
    _, sep, rest = (url or "").strip().partition("://")
    if not sep:
        return ""
    for end in "/?#\\":  # a browser reads a backslash as a slash: evil.example\@linkedin.com is evil.example
        rest = rest.split(end, 1)[0]
    return _name_for_authority(rest)


@lru_cache(maxsize=4096)
def _name_for_authority(authority: str) -> str:
    host = host_of("//" + authority)
    return _name_for_host(host) if host else ""
