"""Each guard of DESIGN.md "Security" with a case that fails without it."""
from __future__ import annotations

import json

import pytest

from factories import job_page
from jobloop.models import Posting
from jobloop.security import rotate_token

EXT_ORIGIN = "chrome-extension://" + "abcdefghijklmnopabcdefghijklmnop"


def _path_for(rule) -> str:
    path = rule.rule
    for arg in rule.arguments:
        path = path.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "x")
    return path


def api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, _path_for(rule)


def test_every_api_route_but_health_needs_the_token(app, client):
    checked = 0
    for method, path in api_rules(app):
        res = client.open(path, method=method, data="{}", content_type="application/json")
        if path == "/api/health":
            assert res.status_code == 200
            continue
        if path.startswith("/api/pairings"):  # no token: pairing is how one is got; extension origins only
            assert res.status_code in (403, 422), (method, path)
            continue
        assert res.status_code == 401, (method, path)
        wrong = client.open(path, method=method, data="{}", content_type="application/json",
                            headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status_code == 401, (method, path)
        checked += 1
    assert checked >= 6


def test_rotated_token_replaces_the_old_one(client, auth, config):
    assert client.get("/api/postings", headers=auth).status_code == 200
    new = rotate_token(config.data_dir)
    assert client.get("/api/postings", headers=auth).status_code == 401
    assert client.get("/api/postings", headers={"Authorization": f"Bearer {new}"}).status_code == 200


def test_a_token_file_rewritten_in_place_takes_effect_at_once(client, config):
    """The server keeps the token it read until the file's stat changes: an editor writing
    the same file (same inode, same length) still changes it."""
    from jobloop.security import current_token, token_path

    old = current_token(config.data_dir)
    assert client.get("/api/postings", headers={"Authorization": f"Bearer {old}"}).status_code == 200
    new = "n" * len(old)
    with open(token_path(config.data_dir), "r+") as fh:  # in place: no new inode
        fh.write(new)
    assert client.get("/api/postings", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert client.get("/api/postings", headers={"Authorization": f"Bearer {new}"}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "192.168.1.5:8765", "attacker.test:8765"])
def test_non_loopback_host_is_refused(client, auth, host):
    res = client.get("/api/postings", headers={**auth, "Host": host})
    assert res.status_code == 403
    assert client.get("/", headers={"Host": host}).status_code == 403


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost", "LOCALHOST:1234", "[::1]:8765"])
def test_loopback_hosts_are_served(client, auth, host):
    assert client.get("/api/postings", headers={**auth, "Host": host}).status_code == 200


def test_cors_answers_extension_origins_only(client, auth):
    ok = client.get("/api/health", headers={"Origin": EXT_ORIGIN})
    assert ok.headers.get("Access-Control-Allow-Origin") == EXT_ORIGIN
    moz = "moz-extension://0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    assert client.get("/api/health", headers={"Origin": moz}).headers.get("Access-Control-Allow-Origin") == moz
    for origin in ("https://evil.example", "http://127.0.0.1:9999", "null"):
        res = client.get("/api/postings", headers={**auth, "Origin": origin})
        assert "Access-Control-Allow-Origin" not in res.headers, origin
    preflight = client.options("/api/captures", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    good = client.options("/api/captures", headers={
        "Origin": EXT_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert good.headers.get("Access-Control-Allow-Origin") == EXT_ORIGIN
    assert "authorization" in good.headers.get("Access-Control-Allow-Headers", "").lower()


def test_writes_accept_json_only(client, auth, db):
    body = json.dumps({"url": "https://jobs.example.test/1", "html": job_page()})
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        res = client.post("/api/captures", data=body, content_type=content_type, headers=auth)
        assert res.status_code == 415, content_type
        assert res.get_json()["error"]["code"] == "unsupported_media_type"
    assert Posting.select().count() == 0


def test_oversized_capture_gets_413_and_writes_nothing(client, auth, db, config):
    html = "<html><body>" + "x" * (config.capture_max_bytes + 10) + "</body></html>"
    res = client.post("/api/captures", data=json.dumps({"url": "https://jobs.example.test/1", "html": html}),
                      content_type="application/json", headers=auth)
    assert res.status_code == 413
    assert res.get_json()["error"]["code"] == "too_large"
    assert Posting.select().count() == 0


def test_other_routes_have_a_far_smaller_limit(client, auth, config):
    pid = client.post("/api/captures", data=json.dumps({"url": "https://jobs.example.test/1", "html": job_page()}),
                      content_type="application/json", headers=auth).get_json()["id"]
    note = "n" * (config.default_max_bytes + 1)
    res = client.post(f"/api/postings/{pid}/events", data=json.dumps({"kind": "note", "note": note}),
                      content_type="application/json", headers=auth)
    assert res.status_code == 413
    assert len(client.get(f"/api/postings/{pid}", headers=auth).get_json()["events"]) == 1


def test_token_file_is_private_and_long(config, app):
    path = config.data_dir / "token"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert len(path.read_text().strip()) >= 43  # 32 bytes, url-safe base64


def test_html_responses_carry_security_headers(client):
    res = client.get("/")
    csp = res.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert res.headers["Referrer-Policy"] == "no-referrer"
