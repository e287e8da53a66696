"""The server's half of the round trip: it accepts everything its parser produces,
and a value sent back unchanged is not the user's."""
from __future__ import annotations

import json

from factories import job_page
from jobloop.parsing import PostingDraft
from jobloop.services.capture import MAX_LOCATION_CHARS, MAX_LOCATIONS, capped

URL = "https://boards.example-ats.test/acme/jobs/7"


def post(client, path, body, auth):
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=auth)


def test_parsed_lists_are_capped_to_what_the_api_accepts():
    long = [f"Office {i} " + "x" * 300 for i in range(70)] + ["  ", "Office 1 " + "x" * 300]
    draft = capped(PostingDraft(url=URL, canonical_url=URL, locations=long))
    assert len(draft.locations) == MAX_LOCATIONS
    assert all(0 < len(place) <= MAX_LOCATION_CHARS for place in draft.locations)
    assert len(set(draft.locations)) == len(draft.locations)


def test_many_locations_preview_and_echo_back_unchanged(client, auth):
    """A page with many "City, Region" locations: the preview lists them all, and a popup
    that sends every one of them back (as older popups did) is neither refused nor marked."""
    places = [{"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": f"City {i}, Region {i}"}}
              for i in range(30)]
    html = job_page(jobLocation=places)
    draft = post(client, "/api/parse", {"url": URL, "html": html}, auth).get_json()["draft"]
    assert len(draft["locations"]) >= 26 and all(", Region" in place for place in draft["locations"])
    echo = {"title": draft["title"], "company": draft["company"], "locations": draft["locations"], "remote": draft["remote"]}
    res = post(client, "/api/captures", {"url": URL, "html": html, "fields": echo}, auth)
    assert res.status_code == 201, res.get_json()
    posting = res.get_json()
    assert posting["locations"] == draft["locations"]
    assert posting["user_edited"] == []


def test_a_changed_field_is_the_users(client, auth):
    html = job_page(title="Engineer", location="Sunnyvale, CA")
    res = post(client, "/api/captures", {"url": URL, "html": html,
                                         "fields": {"title": "Engineer", "locations": ["Sunnyvale, CA", "Remote, US"]}}, auth)
    posting = res.get_json()
    assert posting["locations"] == ["Sunnyvale, CA", "Remote, US"]
    assert posting["user_edited"] == ["locations"]
