"""Canonical URLs: site rules match a host or its subdomains on a dot boundary, nothing else."""
from __future__ import annotations

import pytest

from jobloop.parsing.urls import canonical_url

TRACKED = "https://www.linkedin.com/jobs/view/3999999999/"

LOOK_ALIKES = [
    "https://evillinkedin.com/x?currentJobId=3999999999",
    "https://evillinkedin.com/jobs/view/3999999999/",
    "https://linkedin.com.evil.example/jobs/view/3999999999/",
    "https://linkedin.com.evil.example/x?currentJobId=3999999999",
    "https://www.linkedin.co/jobs/view/3999999999/",
    "https://linkedin-com.evil.example/jobs/view/3999999999/",
    "https://xn--linkedn-ywa.com/jobs/view/3999999999/",        # punycode look-alike
    "https://xn--lnkedin-9za.com/x?currentJobId=3999999999",
    "https://linkedın.com/jobs/view/3999999999/",              # dotless i, as typed
    "https://evil.example\\@www.linkedin.com/jobs/view/3999999999/",  # browsers: host evil.example
    "https://www.linkedin.com@evil.example/jobs/view/3999999999/",    # userinfo, host evil.example
    "https://evil.example/jobs/view/3999999999/?u=www.linkedin.com",
    "https://www.linkedin.com:99999/jobs/view/3999999999/",    # no such port
]


@pytest.mark.parametrize("url", LOOK_ALIKES)
def test_look_alike_host_keeps_its_own_identity(url):
    assert canonical_url(url) != TRACKED


@pytest.mark.parametrize("url", [
    "https://www.linkedin.com/jobs/view/3999999999/",
    "https://linkedin.com/jobs/view/senior-engineer-at-acme-3999999999?trk=abc",
    "https://www.linkedin.com/jobs/search/?currentJobId=3999999999&keywords=python",
    "https://de.linkedin.com/jobs/view/3999999999",
    "https://WWW.LinkedIn.com./jobs/view/3999999999/",
])
def test_linkedin_itself_and_its_subdomains_map_onto_the_job(url):
    assert canonical_url(url) == TRACKED


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.indeed.com/jobs?q=python&vjk=0123456789abcdef", "https://www.indeed.com/viewjob?jk=0123456789abcdef"),
    ("https://de.indeed.com/viewjob?jk=0123456789abcdef&from=serp", "https://de.indeed.com/viewjob?jk=0123456789abcdef"),
    ("https://uk.indeed.co.uk/viewjob?jk=0123456789abcdef", "https://uk.indeed.co.uk/viewjob?jk=0123456789abcdef"),
])
def test_indeed_job_keys(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize("url", [
    "https://notindeed.com/jobs?q=python&vjk=0123456789abcdef",
    "https://indeed.com.evil.example/jobs?q=python&vjk=0123456789abcdef",
])
def test_indeed_rule_needs_an_indeed_host(url):
    # Only Indeed's own hosts have their search pages rewritten to the job's page.
    assert "/viewjob" not in canonical_url(url)
