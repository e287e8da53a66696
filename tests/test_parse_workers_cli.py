"""`jobloop serve` shares parses with a worker process when clips arrive together, stores what
the parser read, and leaves no process behind when it stops, however it stops."""
from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from jobloop.config import Config
from stores import query
from test_concurrency_cli import capture
from test_fault_cli import load_bench
from test_serve_cli import run, start_server, store_env

process_tree = load_bench().process_tree  # bench/figures.py's, which the benches count CPU and memory by
pytestmark = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from /proc")


def descendants(pid: int) -> set[int]:
    return set(process_tree(pid)) - {pid}


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def gone(pids: set[int], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not alive(pids)


def clip_together(base: str, token: str, count: int, batch: int = 0) -> list[int]:
    start = threading.Barrier(count)

    def one(i):
        start.wait()
        return capture(base, token, f"https://jobs.example.test/together/{batch}/{i}", f"Parsed Elsewhere {batch}.{i}")

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_clips_at_once_are_parsed_in_a_worker_and_it_ends_with_the_server(tmp_path, database_url, stop):
    env = store_env(tmp_path / "data", database_url)
    base, proc = start_server("--parse-workers", "1", env=env)
    try:
        token = run("token", data_dir=tmp_path / "data", database_url=database_url).stdout.strip()
        codes = clip_together(base, token, 24)
        workers = descendants(proc.pid)
        assert workers, "clips at once started no worker process"
        codes += clip_together(base, token, 24, batch=1)  # the worker now ready takes its share
        assert codes == [201] * 48, codes
    finally:
        proc.send_signal(stop)
        proc.wait(timeout=20)
    store = Config(data_dir=tmp_path / "data", database_url=database_url)
    titles = {title for (title,) in query(store, "SELECT title FROM posting")}
    assert titles == {f"Parsed Elsewhere {batch}.{i}" for batch in (0, 1) for i in range(24)}
    assert gone(workers), f"processes left after {stop.name}: {alive(workers)}"


def test_parse_workers_zero_starts_none(tmp_path, database_url):
    env = store_env(tmp_path / "data", database_url)
    base, proc = start_server("--parse-workers", "0", env=env)
    try:
        token = run("token", data_dir=tmp_path / "data", database_url=database_url).stdout.strip()
        assert clip_together(base, token, 16) == [201] * 16
        assert descendants(proc.pid) == set()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
