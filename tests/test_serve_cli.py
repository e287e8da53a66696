"""The real `jobloop` console script: serve on a free port, token, parse."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from factories import job_page

JOBLOOP = [sys.executable, "-m", "jobloop.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def store_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment of a `jobloop` process on the store under test (tests/stores.py)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["JOBLOOP_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run(*args, data_dir: Path, database_url: str | None = None, **kw):
    env = store_env(data_dir, database_url)
    return subprocess.run([*JOBLOOP, *args], capture_output=True, text=True, env=env, timeout=60, **kw)


def request(url, *, token=None, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def spawn_server(*args: str, env: dict[str, str]) -> tuple[str, subprocess.Popen]:
    """A real `jobloop serve` on a free port (extra `args` after it); returns (url, process)
    without waiting for it (wait_up does)."""
    port = free_port()
    proc = subprocess.Popen([*JOBLOOP, "serve", "--port", str(port), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return f"http://127.0.0.1:{port}", proc


def wait_up(base: str, proc: subprocess.Popen, timeout: float = 60) -> int:
    """Wait until the server answers /api/health (its status); fail with its output if it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return request(base + "/api/health")[0]
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None:
                pytest.fail("jobloop serve exited: " + proc.stdout.read())
            time.sleep(0.1)
    pytest.fail("jobloop serve did not come up")


def start_server(*args: str, env: dict[str, str]) -> tuple[str, subprocess.Popen]:
    base, proc = spawn_server(*args, env=env)
    wait_up(base, proc)
    return base, proc


@pytest.fixture
def server(tmp_path, database_url):
    base, proc = start_server(env=store_env(tmp_path / "data", database_url))
    yield base, tmp_path / "data", proc
    proc.terminate()
    proc.wait(timeout=10)


def test_serve_answers_health_and_captures_once(server):
    base, data_dir, _ = server
    assert request(base + "/api/health") == (200, {"app": "jobloop", "version": "0.1.0"})
    token = run("token", data_dir=data_dir).stdout.strip()
    page = {"url": "https://jobs.example.test/acme/123?utm_source=x", "html": job_page(title="QA Lead")}
    assert request(base + "/api/captures", token=token, body=page)[0] == 201
    assert request(base + "/api/captures", token=token, body=page)[0] == 200
    status, listing = request(base + "/api/postings", token=token)
    assert status == 200 and [p["title"] for p in listing["postings"]] == ["QA Lead"]
    assert request(base + "/api/postings", token="wrong")[0] == 401


def test_serve_prints_where_things_are(server):
    _, data_dir, proc = server
    proc.terminate()
    out = proc.communicate(timeout=10)[0]
    assert "http://127.0.0.1:" in out
    assert "jobloop token" in out
    assert str(data_dir) in out
    assert "Pair with jobloop" in out and "/settings#install" in out  # where pairing starts


def test_serve_refuses_a_public_host_without_allow_remote(tmp_path):
    res = run("serve", "--host", "0.0.0.0", "--port", str(free_port()), data_dir=tmp_path)
    assert res.returncode != 0
    assert "--allow-remote" in res.stderr


def test_token_is_stable_until_rotated(tmp_path):
    first = run("token", "--create", data_dir=tmp_path).stdout.strip()
    assert len(first) >= 43
    assert run("token", data_dir=tmp_path).stdout.strip() == first
    rotated = run("token", "--rotate", data_dir=tmp_path).stdout.strip()
    assert rotated != first
    assert run("token", data_dir=tmp_path).stdout.strip() == rotated


def test_parse_prints_the_contract(tmp_path):
    page = tmp_path / "job.html"
    page.write_text(job_page(title="Payroll Specialist", company="Umbrella", salary={
        "@type": "MonetaryAmount", "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "minValue": 45000, "maxValue": 52000, "unitText": "YEAR"}}))
    res = run("parse", str(page), "--url", "https://jobs.example.test/p/1", data_dir=tmp_path)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    for key in ("is_posting", "title", "company", "locations", "remote", "employment_type", "salary",
                "date_posted", "valid_through", "apply_url", "description_text", "skills", "source"):
        assert key in out
    assert out["title"] == "Payroll Specialist" and out["company"] == "Umbrella"
    assert out["salary"] == {"min": 45000, "max": 52000, "currency": "EUR", "period": "year"}
    assert out["date_posted"] == "2026-11-01"
