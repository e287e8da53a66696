"""Where a clipped page is parsed: in the server's own process, or in a worker process.

Parsing is pure Python and holds the GIL, so a server's threads parse one page at a time
however many cores the machine has: eight clips at once took as long as eight in a row.
`jobloop serve` therefore starts a pool of worker processes (one on a two-core machine) the
first time two parses meet. A parse runs here when no other parse is running here, which is
every parse of a user clipping one page at a time (no handing the page over, no wait); one
that comes while another runs here goes to a free worker; when neither is free it waits for
the first of the two to be.

Workers that parsed nothing for IDLE_SECONDS end (each holds a parser's memory, about 60 MB);
the next parses that meet start them again. A worker that dies (killed, out of memory) is
replaced, and the parse it had is done again in the new one; a page that ends two workers is
reported unreadable rather than parsed here, where it would end the server. parse() itself
never raises, so anything else the pool raises is the pool's failure, and the page is then
parsed here; workers that cannot start are not asked for again. Without a pool (tests in one
process, `--parse-workers 0`, a one-core machine) every parse runs here.
"""
from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

from ..parsing import PostingDraft, parse, unreadable

log = logging.getLogger(__name__)
_WARM_UP = ("<html><head><title>Engineer</title></head><body><h1>Engineer</h1></body></html>",
            "https://jobs.example/1")


def _end_with_the_server() -> None:
    """A worker's first step: end when the server does, however it ends. A worker left behind
    by a killed server would wait for pages forever: it holds both ends of its own task queue,
    so it never reads an end of file."""
    server = multiprocessing.parent_process()
    if server is not None:
        def watch() -> None:
            multiprocessing.connection.wait([server.sentinel])
            os._exit(0)
        threading.Thread(target=watch, name="jobloop-server-watch", daemon=True).start()


def _new_pool(count: int) -> ProcessPoolExecutor:
    # "spawn": a fork of a threaded server would copy locks other threads hold.
    return ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_end_with_the_server)


IDLE_SECONDS = 300.0


def default_count() -> int:
    """One worker per core beyond the one the server's threads use, at most two: a third
    would wait for a core anyway, and each costs the memory of a parser."""
    return max(0, min(2, (os.cpu_count() or 1) - 1))


class ParseWorkers:
    def __init__(self, count: int, idle_seconds: float = IDLE_SECONDS, parse_in_worker=parse):
        self.count, self.idle_seconds = count, idle_seconds
        self._parse = parse_in_worker  # what a worker runs: parse (a test gives one that fails)
        self._lock = threading.Condition()
        self._here_busy = False
        self._free = 0  # workers ready and idle; none until the pool has started
        self._pool: ProcessPoolExecutor | None = None
        self._generation = 0  # which pool a worker's warm-up belongs to
        self._last_used = 0.0

    def parse(self, html: str, url: str, now: datetime | None = None) -> PostingDraft:
        where = self._take()
        try:
            if where == "here":
                return parse(html, url, now=now)
            return self._elsewhere(html, url, now)
        finally:
            self._give_back(where)

    def _take(self) -> str:
        with self._lock:
            while True:
                if not self._here_busy:
                    self._here_busy = True
                    return "here"
                if self._free:
                    self._free -= 1
                    return "worker"
                if self._pool is None and self.count:
                    self._start()  # two parses met: from now on there are workers to share with
                    continue
                self._lock.wait()

    def _give_back(self, where: str) -> None:
        with self._lock:
            if where == "here":
                self._here_busy = False
            else:
                self._free += 1
                self._last_used = time.monotonic()
            self._lock.notify()

    def _start(self) -> None:
        self._generation += 1
        self._last_used = time.monotonic()
        try:
            self._pool = _new_pool(self.count)
            # The workers count as free once each has imported the parser (about half a
            # second): until then a parse waits for this process rather than for a worker.
            for _ in range(self.count):
                self._pool.submit(parse, *_WARM_UP).add_done_callback(
                    lambda future, generation=self._generation: self._warmed(future, generation))
        except Exception:  # noqa: BLE001 — no processes to be had (limits, a frozen build): parse here
            log.exception("parse workers could not start; every page is parsed in the server's process")
            pool, self._pool, self.count = self._pool, None, 0
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            return
        self._check_idle_in(self.idle_seconds)

    def _warmed(self, future: Future, generation: int) -> None:
        with self._lock:
            if generation == self._generation and self._pool is not None and future.exception() is None:
                self._free += 1
                self._lock.notify()

    def _check_idle_in(self, seconds: float) -> None:
        timer = threading.Timer(seconds, self._end_if_idle)
        timer.daemon = True
        timer.start()

    def _end_if_idle(self) -> None:
        with self._lock:
            if self._pool is None:
                return
            idle = time.monotonic() - self._last_used
            if self._free < self.count or idle < self.idle_seconds:  # at work, or used since
                self._check_idle_in(self.idle_seconds - idle if idle < self.idle_seconds else self.idle_seconds)
                return
            pool, self._pool, self._free = self._pool, None, 0
        pool.shutdown(wait=False, cancel_futures=True)

    def _elsewhere(self, html: str, url: str, now: datetime | None) -> PostingDraft:
        for _ in range(2):
            pool = self._pool
            if pool is None:  # closed while this parse waited
                return parse(html, url, now=now)
            try:
                return pool.submit(self._parse, html, url, now).result()
            except BrokenProcessPool:
                self._replace(pool)
            except Exception:  # noqa: BLE001 — the pool's failure (parse() never raises): parse here
                log.exception("a parse worker failed; parsing the page in the server's process")
                return parse(html, url, now=now)
        return unreadable(url, "the parser stopped on it twice")

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:
                broken.shutdown(wait=False, cancel_futures=True)
                # The new pool's workers start on their first page.
                self._pool = _new_pool(self.count)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


_workers: ParseWorkers | None = None


def start(count: int) -> None:
    """Let parses share the work with `count` worker processes (the server does this)."""
    global _workers
    _workers = ParseWorkers(count) if count > 0 else None


def stop() -> None:
    global _workers
    workers, _workers = _workers, None
    if workers is not None:
        workers.close()


def parse_page(html: str, url: str, now: datetime | None = None) -> PostingDraft:
    """parse(), run where there is a core free for it."""
    workers = _workers
    if workers is None:
        return parse(html, url, now=now)
    return workers.parse(html, url, now)
