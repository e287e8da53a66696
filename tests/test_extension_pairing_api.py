"""One-click pairing, server side: only an extension origin, only after the user
confirmed on the tracker page (CSRF-protected), only with the secret, only once."""
from __future__ import annotations

import hashlib
import json
import re

import pytest

EXT = "chrome-extension://" + "a" * 32
SECRET = "s3cret-from-the-extension-0123456789"
CHALLENGE = hashlib.sha256(SECRET.encode()).hexdigest()


def post(client, path, body, origin=EXT, **headers):
    if origin:
        headers["Origin"] = origin
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)


def text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def start(client, origin=EXT):
    return post(client, "/api/pairings", {"challenge": CHALLENGE}, origin=origin)


def confirm(client, confirm_url):
    page = client.get(confirm_url)
    assert page.status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post(confirm_url, data={"csrf_token": csrf})


@pytest.mark.parametrize("origin", [None, "http://evil.example", "http://127.0.0.1:9999", "null"])
def test_only_an_extension_origin_may_ask(client, origin):
    res = start(client, origin=origin)
    assert res.status_code == 403
    assert res.get_json()["error"]["message"] == "pairing is only for the jobloop browser extension"


def test_the_token_comes_only_after_the_user_confirms_and_only_once(client, token, config):
    res = start(client)
    assert res.status_code == 201
    started = res.get_json()
    redeem = {"id": started["id"], "secret": SECRET}
    assert post(client, "/api/pairings/redeem", redeem).get_json() == {"status": "waiting"}

    page = client.get(started["confirm_url"]).get_data(as_text=True)
    assert started["code"] in page and "Pair Chrome with jobloop?" in page
    # A form post without the session's CSRF token, or from another site, confirms nothing.
    assert client.post(started["confirm_url"], data={}).status_code == 403
    assert client.post(started["confirm_url"], data={}, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert post(client, "/api/pairings/redeem", redeem).get_json() == {"status": "waiting"}

    done = confirm(client, started["confirm_url"])
    assert done.status_code == 200 and "now has its token" in done.get_data(as_text=True)
    # Wrong secret, or another extension: refused, and the right one still works after.
    assert post(client, "/api/pairings/redeem", {"id": started["id"], "secret": "x" * 30}).status_code == 404
    assert post(client, "/api/pairings/redeem", redeem, origin="moz-extension://" + "0" * 8 + "-0000-0000-0000-" + "0" * 12).status_code == 404
    assert post(client, "/api/pairings/redeem", redeem, origin="http://evil.example").status_code == 403
    got = post(client, "/api/pairings/redeem", redeem)
    assert got.get_json() == {"status": "paired", "token": token}
    assert post(client, "/api/pairings/redeem", redeem).status_code == 404  # once

    settings = text(client.get("/settings"))
    assert "Paired browsers" in settings and "<strong>Chrome</strong>: paired" in settings
    assert client.get(started["confirm_url"]).status_code == 404  # used up


def test_settings_say_when_no_browser_is_paired_and_when_one_last_called(client, auth):
    assert "No browser is paired yet" in client.get("/settings").get_data(as_text=True)
    # A call from a browser extension with the token (pasted, not paired in one click).
    client.get("/api/postings", headers={**auth, "Origin": "moz-extension://12345678-1234-1234-1234-123456789abc"})
    page = text(client.get("/settings"))
    assert "<strong>Firefox</strong>: paired by pasting the token, last called" in page
    # Scripts with the token are not browsers.
    client.get("/api/postings", headers={**auth, "User-Agent": "curl/8"})
    assert "Chrome" not in client.get("/settings").get_data(as_text=True).split("Paired browsers")[1].split("</section>")[0]


def test_expired_pairing_page_says_what_to_do(client):
    res = client.get("/pair/no-such-pairing")
    assert res.status_code == 404
    assert "click <strong>Pair with jobloop</strong> again" in res.get_data(as_text=True)
