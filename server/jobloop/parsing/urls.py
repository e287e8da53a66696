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


def canonical_url(url: str) -> str:
    """Drop fragments and tracking parameters, lowercase the host, keep the job's id."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return (url or "").strip()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = parse_qsl(parts.query, keep_blank_values=False)

    # LinkedIn search and collection pages name the job in currentJobId.
    if host.endswith("linkedin.com"):
        job_id = dict(query).get("currentJobId")
        m = re.search(r"/jobs/view/(?:[^/]*?-)?(\d{6,})", parts.path)
        if job_id and job_id.isdigit():
            return f"https://www.linkedin.com/jobs/view/{job_id}/"
        if m:
            return f"https://www.linkedin.com/jobs/view/{m.group(1)}/"

    # Indeed: a search page with a job open (vjk) and the job's own page (jk) are one job.
    if re.search(r"(^|\.)indeed\.", host):
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


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
