"""The API decodes a JSON body once a request: the depth guard (security.py) and the view's
arguments read one decoded value, and a body the guard cannot decode still gets the
arguments' own clear error."""
from __future__ import annotations

import json

from factories import job_page

URL = "https://boards.example-ats.test/acme/jobs/42"


def test_a_clipped_page_is_decoded_once(app, client, auth, db, monkeypatch):
    decoded = []  # every json.loads (Flask's and webargs' both call it), by the text's length
    real_loads = json.loads
    monkeypatch.setattr(json, "loads", lambda s, **kw: decoded.append(len(s)) or real_loads(s, **kw))
    body = json.dumps({"url": URL, "html": job_page(title="Data Engineer", company="Globex")})
    res = client.post("/api/parse", data=body, content_type="application/json", headers=auth)
    assert res.status_code == 200, res.get_data(as_text=True)
    assert res.get_json()["draft"]["title"] == "Data Engineer"
    assert decoded.count(len(body)) == 1, decoded  # the depth guard's decode, reused by the arguments


def test_a_body_that_is_not_json_gets_the_arguments_error(client, auth, db):
    res = client.post("/api/parse", data="{not json", content_type="application/json", headers=auth)
    assert res.status_code == 400
    assert res.get_json()["error"]["message"]


def test_a_json_null_body_is_refused_as_missing_fields(client, auth, db):
    res = client.post("/api/parse", data="null", content_type="application/json", headers=auth)
    assert res.status_code in (400, 422)
    assert "error" in res.get_json()
