"""Hostile input found by an attack run, each case kept as a regression example."""
from __future__ import annotations

import pytest

from factories import job_page
from jobloop.models import Posting
from test_parsing_urls_unit import LOOK_ALIKES

TRACKED = "https://www.linkedin.com/jobs/view/3999999999/"


def capture(client, auth, url, **page):
    return client.post("/api/captures", json={"url": url, "html": job_page(**page)}, headers=auth)


@pytest.mark.parametrize("url", LOOK_ALIKES)
def test_look_alike_capture_never_overwrites_a_tracked_posting(client, auth, db, url):
    tracked = capture(client, auth, TRACKED, title="Platform Engineer", company="Real Co")
    assert tracked.status_code == 201
    res = capture(client, auth, url, title="Phishing", company="Evil Co")
    assert res.status_code in (201, 422), res.get_json()
    assert res.get_json().get("id") != tracked.get_json()["id"]
    kept = Posting.get_by_id(tracked.get_json()["id"])
    assert (kept.title, kept.url) == ("Platform Engineer", TRACKED)
