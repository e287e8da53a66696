"""The job site a posting was found on, by readable name, from its URL's host."""
import pytest

from jobloop.parsing.job_site import registrable, site_name


@pytest.mark.parametrize("url, name", [
    ("https://www.linkedin.com/jobs/view/3812345678/", "LinkedIn"),
    ("https://de.linkedin.com/jobs/view/3812345678/", "LinkedIn"),
    ("https://www.indeed.com/viewjob?jk=abc123", "Indeed"),
    ("https://uk.indeed.com/viewjob?jk=abc123", "Indeed"),
    ("https://www.indeed.co.uk/viewjob?jk=abc123", "Indeed"),
    ("https://boards.greenhouse.io/acme/jobs/123", "Greenhouse"),
    ("https://job-boards.greenhouse.io/acme/jobs/123", "Greenhouse"),
    ("https://jobs.lever.co/acme/5ac1e2d4", "Lever"),
    ("https://acme.wd5.myworkdayjobs.com/en-US/careers/job/x", "Workday"),
    ("https://jobs.ashbyhq.com/acme/1", "Ashby"),
    ("https://careers-acme.icims.com/jobs/1/job", "iCIMS"),
    ("https://www.glassdoor.co.uk/job-listing/x?jl=1", "Glassdoor"),
    ("https://wellfound.com/jobs/123", "Wellfound"),
    ("https://news.ycombinator.com/item?id=1", "Hacker News"),
    # A company's own careers site: its registrable host, whatever the subdomain.
    ("https://careers.acme.com/jobs/42", "acme.com"),
    ("https://acme.com/careers", "acme.com"),
    ("https://jobs.acme.co.uk/42", "acme.co.uk"),
    ("https://www.acme.com.au/jobs", "acme.com.au"),
    ("HTTPS://Careers.ACME.com:8443/x", "acme.com"),
    # Look-alikes are not the job site: matched on a dot boundary only.
    ("https://evillinkedin.com/jobs/view/1", "evillinkedin.com"),
    ("https://linkedin.com.evil.example/jobs", "evil.example"),
    ("https://notlever.co/acme", "notlever.co"),
    ("https://evil.example\\@www.linkedin.com/jobs/view/1/", "evil.example"),
    ("https://someone@careers.acme.com/jobs/1", "acme.com"),
    ("http://127.0.0.1:5000/jobs/1", "127.0.0.1"),
    ("http://localhost/jobs", "localhost"),
    ("", ""),
    (None, ""),
    ("not a url", ""),
    ("https://[::1/", ""),
])
def test_site_name(url, name):
    assert site_name(url) == name


def test_registrable_keeps_country_second_level():
    assert registrable("a.b.example.org") == "example.org"
    assert registrable("jobs.example.co.jp") == "example.co.jp"
    assert registrable("jobs.example.io") == "example.io"
