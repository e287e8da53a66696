"""Remote mode (--allow-remote): without a signed-in session, nothing but the login page."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from factories import make_posting
from jobloop.app import create_app
from jobloop.cli import main
from jobloop.config import Config
from jobloop.models import Posting
from jobloop.security import current_token, password_path, set_password

HOST = "jobloop.home.arpa"
PASSWORD = "correct horse battery"


@pytest.fixture
def config(tmp_path, clock):
    return Config(data_dir=tmp_path / "data", database_url=None, testing=True, clock=clock, extra_hosts=(HOST,))


@pytest.fixture
def app(config):
    """Remote mode is set up when the app starts (allowed hosts, the proxy it believes):
    this module builds its own app rather than borrowing the suite's shared one."""
    return create_app(config)


@pytest.fixture
def remote(app, config):
    set_password(config.data_dir, PASSWORD)
    client = app.test_client()
    client.environ_base.update(HTTP_HOST=HOST, REMOTE_ADDR="192.168.1.23")
    return client


def csrf(client, path="/login"):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, password=PASSWORD):
    return client.post("/login", data={"csrf_token": csrf(client), "password": password, "next": "/"})


def tracker_paths(app, method):
    """Every tracker route, ids filled in with a posting that exists."""
    out = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods or rule.rule.startswith(("/api/", "/static/", "/login")):
            continue
        out.append(re.sub(r"<(?:int:)?([a-z_]+)>", lambda m: "1" if "id" in m.group(1) else "x", rule.rule))
    return sorted(set(out)) + ["/no-such-page", "/postings/999999"]


@pytest.mark.parametrize("host", [HOST, "127.0.0.1", "localhost"])
def test_without_a_session_every_page_is_the_login_page(app, remote, db, host):
    make_posting()
    gets = tracker_paths(app, "GET")
    assert len(gets) > 15
    for path in gets:
        res = remote.get(path, headers={"Host": host})
        if path.startswith("/calendar/"):
            assert res.status_code == 404  # its own secret guards it, and "x" is not it
            continue
        assert res.status_code == 303 and res.headers["Location"].startswith("/login"), path
    for path in tracker_paths(app, "POST"):
        res = remote.post(path, data={"csrf_token": csrf(remote), "title": "changed"}, headers={"Host": host})
        assert res.status_code == 303 and res.headers["Location"].startswith("/login"), path
    assert Posting.select().count() == 1 and Posting.get().title != "changed"
    page = remote.get("/login").get_data(as_text=True)
    assert "Sign in" in page and current_token(app.config["JOBLOOP"].data_dir) not in page


def test_signed_in_the_tracker_works_but_never_shows_the_token(app, remote, config):
    assert sign_in(remote, "wrong password").status_code == 401
    res = sign_in(remote)
    assert res.status_code == 303 and res.headers["Location"] == "/"
    assert remote.get("/").status_code == 200
    settings = remote.get("/settings").get_data(as_text=True)
    assert current_token(config.data_dir) not in settings and "jobloop token" in settings
    # A new password signs every session out.
    set_password(config.data_dir, "another password")
    assert remote.get("/").status_code == 303


def test_the_api_keeps_its_token_and_gives_nothing_to_a_session(app, remote, config):
    sign_in(remote)
    assert remote.get("/api/postings").status_code == 401
    assert remote.get("/api/postings", headers={"Authorization": f"Bearer {current_token(config.data_dir)}"}
                      ).status_code == 200


def test_sign_in_attempts_are_rate_limited(remote):
    for _ in range(5):
        assert sign_in(remote, "guess").status_code == 401
    locked = sign_in(remote)  # even the right password, while locked out
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    other = remote.application.test_client()
    other.environ_base.update(HTTP_HOST=HOST, REMOTE_ADDR="192.168.1.99")
    assert sign_in(other).status_code == 303  # another device is not locked out


def test_session_cookie_is_secure_behind_tls(app, config):
    set_password(config.data_dir, PASSWORD)
    proxied = app.test_client()  # Caddy on this machine: peer 127.0.0.1, says https
    proxied.environ_base.update(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="127.0.0.1")
    res = sign_in(proxied)
    assert res.status_code == 303 and "Secure" in res.headers["Set-Cookie"]
    plain = app.test_client()
    plain.environ_base.update(HTTP_HOST=HOST, REMOTE_ADDR="192.168.1.23", HTTP_X_FORWARDED_PROTO="https")
    assert "Secure" not in sign_in(plain).headers["Set-Cookie"]  # only a local proxy is believed


def test_no_password_set_means_no_way_in(app, config):
    client = app.test_client()
    client.environ_base.update(HTTP_HOST=HOST)
    assert client.get("/").status_code == 303
    res = client.get("/login")
    assert res.status_code == 503 and "jobloop password" in res.get_data(as_text=True)


def test_other_host_names_are_still_refused(remote):
    assert remote.get("/login", headers={"Host": "evil.example"}).status_code == 403


def test_loopback_only_mode_has_no_login(tmp_path):
    client = create_app(Config(data_dir=tmp_path / "local", database_url=None, testing=True)).test_client()
    assert client.get("/").status_code == 200
    assert client.get("/login").status_code == 303


def test_password_command_stores_a_scrypt_hash(tmp_path):
    data = tmp_path / "data"
    res = CliRunner().invoke(main, ["password", "--data-dir", str(data)], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert res.exit_code == 0, res.output
    stored = password_path(data).read_text()
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    assert password_path(data).stat().st_mode & 0o777 == 0o600
    short = CliRunner().invoke(main, ["password", "--data-dir", str(data)], input="short\nshort\n")
    assert short.exit_code != 0 and "8 characters" in short.output


def test_serve_allow_remote_needs_a_password_and_host_names(tmp_path):
    data = str(tmp_path / "data")
    res = CliRunner().invoke(main, ["serve", "--data-dir", data, "--host", "0.0.0.0", "--allow-remote",
                                    "--allow-host", HOST])
    assert res.exit_code != 0 and "jobloop password" in res.output
    res = CliRunner().invoke(main, ["serve", "--data-dir", data, "--host", "0.0.0.0", "--allow-remote"])
    assert res.exit_code != 0 and "--allow-host" in res.output


def test_sign_out_ends_the_session(remote):
    sign_in(remote)
    page = remote.get("/").get_data(as_text=True)
    assert "Sign out" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert remote.post("/logout", data={"csrf_token": token}).status_code == 303
    assert remote.get("/").status_code == 303
