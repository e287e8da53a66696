"""Canonical URLs: one job, one address, whatever link the user followed."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = {
    "gh_src", "gh_jid_src", "refid", "trackingid", "trk", "trkinfo", "lipi", "src", "source",
    "ref", "referrer", "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "lever-source",
    "lever-origin", "from", "tk", "vjtk", "advn", "adid", "sjdu", "acatk", "pub", "camk",
    "xkcb", "xpse", "xfps", "position", "pagenum", "eid", "originalsubdomain", "_hsenc", "_hsmi",
    "jobpipeline", "sid", "ebp", "siteid", "bid", "spa", "s", "currentjobid_src",
}
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "ga_")
# Indeed runs one site per country: indeed.com, indeed.co.uk, de.indeed.com, indeed.com.au...
_INDEED = re.compile(r"(?:[a-z0-9-]+\.)*indeed\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})")


def on_domain(host: str, domain: str) -> bool:
    """`host` is `domain` or one of its subdomains, on a dot boundary: evillinkedin.com and
    linkedin.com.evil.example are other people's sites and keep their own identity."""
    return host == domain or host.endswith("." + domain)


def canonical_url(url: str) -> str:
    """Drop fragments and tracking parameters, lowercase the host, keep the job's id."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return (url or "").strip()
    if "\\" in parts.netloc:
        # Browsers read https://evil.example\@www.linkedin.com/ as evil.example; Python as
        # linkedin.com. Such an address names no site rule's host: it stays as written.
        return (url or "").strip()
    try:
        port = parts.port
    except ValueError:  # a port out of range or not a number
        return (url or "").strip()
    name = (parts.hostname or "").lower().rstrip(".")
    host = name
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = parse_qsl(parts.query, keep_blank_values=False)

    # LinkedIn search and collection pages name the job in currentJobId.
    if on_domain(name, "linkedin.com"):
        job_id = dict(query).get("currentJobId")
        m = re.search(r"/jobs/view/(?:[^/]*?-)?(\d{6,})", parts.path)
        if job_id and re.fullmatch(r"[0-9]{1,20}", job_id):
            return f"https://www.linkedin.com/jobs/view/{job_id}/"
        if m:
            return f"https://www.linkedin.com/jobs/view/{m.group(1)}/"

    # Indeed: a search page with a job open (vjk) and the job's own page (jk) are one job.
    if _INDEED.fullmatch(name):
        q = dict(query)
        job_key = q.get("jk") or q.get("vjk")
        if job_key and re.fullmatch(r"[0-9a-f]{8,32}", job_key):
            return f"https://{host}/viewjob?jk={job_key}"

    kept = [
        (k, v) for k, v in query
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    scheme = (parts.scheme or "https").lower()
    return urlunsplit((scheme, host, path, urlencode(sorted(kept)), ""))

