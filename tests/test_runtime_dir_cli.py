"""The runtime file that tells commands which data dir the running server uses: written and
read only in a dir that is this user's own, and found without a warning on stderr."""
from __future__ import annotations

import os
import shutil
import subprocess
import warnings

import pytest

from jobloop.config import private_runtime, runtime_dir
from test_serve_cli import JOBLOOP, start_server


def cli(*args, env):
    return subprocess.run([*JOBLOOP, *args], capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture
def env(tmp_path):
    """A new user's environment: an empty home, no data dir chosen."""
    home = tmp_path / "home"
    home.mkdir()
    out = {k: v for k, v in os.environ.items() if k not in ("JOBLOOP_DATA_DIR", "XDG_DATA_HOME")}
    out["HOME"] = str(home)
    return out


def test_no_warning_when_the_session_has_no_runtime_dir(monkeypatch):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.delenv("JOBLOOP_RUNTIME_DIR", raising=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = runtime_dir()
    assert found.name == "jobloop" and caught == []


def test_a_dir_others_can_write_is_not_private(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o700)
    assert private_runtime(mine / "jobloop") and private_runtime(mine)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    assert not private_runtime(shared) and not private_runtime(shared / "jobloop")
    link = tmp_path / "link"
    link.symlink_to(mine)
    assert not private_runtime(link)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_a_server_file_planted_in_a_shared_dir_is_ignored(tmp_path, env):
    """Someone who could write the runtime dir could point this user's commands at a store
    of their choosing. A server file in a dir others can write is neither written nor read."""
    data_dir = tmp_path / "served"
    own = tmp_path / "own-runtime"
    base, proc = start_server("--data-dir", str(data_dir), env={**env, "JOBLOOP_RUNTIME_DIR": str(own)})
    try:
        assert (own / "server.json").is_file()
        shared = tmp_path / "shared-runtime"
        shared.mkdir()
        shutil.copy(own / "server.json", shared / "server.json")  # names a real, running server
        shared.chmod(0o777)
        used = cli("token", env={**env, "JOBLOOP_RUNTIME_DIR": str(own)})
        assert used.returncode == 0 and f"Using {data_dir}" in used.stderr  # the user's own file works
        planted = cli("token", env={**env, "JOBLOOP_RUNTIME_DIR": str(shared)})
        assert f"Using {data_dir}" not in planted.stderr and planted.stdout.strip() != (data_dir / "token").read_text().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_writes_no_server_file_into_a_shared_dir(tmp_path, env):
    shared = tmp_path / "shared-runtime"
    shared.mkdir()
    shared.chmod(0o777)
    base, proc = start_server("--data-dir", str(tmp_path / "served"), env={**env, "JOBLOOP_RUNTIME_DIR": str(shared)})
    try:
        assert not (shared / "server.json").exists()
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert "RuntimeDirWarning" not in (err or "")
