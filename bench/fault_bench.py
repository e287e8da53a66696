"""Load and fault test: no acknowledged capture lost, no row broken.

Against a real `jobloop serve` process on a temporary data dir:

1. load: N threads send distinct captures plus a burst of captures of one same URL,
   while `jobloop export` and `jobloop backup` run in a loop. Every export must import
   into a fresh data dir and every backup must pass SQLite's integrity check.
2. fault: another batch is sent and the server is killed with SIGKILL in the middle
   of it, then started again on the same data dir.

Then it reads the store and prints: captures sent, 2xx received, rows found,
duplicates, orphans, integrity. It exits non-zero unless every 2xx is stored exactly
once and nothing else is (a capture cut off by the kill may or may not have landed;
it is counted apart).

    .venv/bin/python bench/fault_bench.py [--captures 200] [--threads 10] [--same-url 20]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import figure, process_tree, report as report_rows  # noqa: E402  (the one table scripts/bench prints)

JOBLOOP = [sys.executable, "-m", "jobloop.cli"]
# A page of the shared corpus with a soup of about 14 ms (the corpus's pages take 0.5-55 ms).
REAL_PAGE = Path(os.environ.get("JOBLOOP_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus")) \
    / "pages" / "75_cv_library_opus.html"


def page(title: str, n: int) -> str:
    ld = json.dumps({"@context": "https://schema.org", "@type": "JobPosting", "title": title,
                     "hiringOrganization": {"@type": "Organization", "name": f"Company {n % 17}"},
                     "description": f"<p>{title}: Python, SQL and on-call for team {n}.</p>",
                     "datePosted": "2026-11-01"})
    return (f'<html><head><title>{title}</title><script type="application/ld+json">{ld}</script></head>'
            f"<body><h1>{title}</h1><p>Team {n}</p></body></html>")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, env: dict, threads: int = 8):
        self.data_dir, self.env, self.port, self.threads = data_dir, env, free_port(), threads
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Server":
        self.proc = subprocess.Popen([*JOBLOOP, "serve", "--port", str(self.port), "--data-dir", str(self.data_dir),
                                      "--threads", str(self.threads)],
                                     env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=2):
                    return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("jobloop serve exited: " + self.proc.stderr.read().decode())
                time.sleep(0.2)
        raise RuntimeError("jobloop serve did not answer")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)


@dataclass
class Sent:
    url: str
    status: int | None = None  # None: no answer (refused, reset by the kill)
    posting_id: int | None = None
    canonical_url: str | None = None


def send(server_url: str, token: str, sent: Sent, n: int, html: str | None = None) -> Sent:
    body = json.dumps({"url": sent.url, "html": html or page("Fault Tester", n)}).encode()
    req = urllib.request.Request(server_url + "/api/captures", data=body, headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=120) as res:
            data = json.loads(res.read())
            sent.status, sent.posting_id, sent.canonical_url = res.status, data["id"], data["canonical_url"]
    except urllib.error.HTTPError as err:
        sent.status = err.code
    except (OSError, ValueError):
        sent.status = None
    return sent


def jobloop(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([*JOBLOOP, *args], capture_output=True, text=True, env=env, timeout=300)


@dataclass
class Report:
    sent: int = 0
    ok: int = 0
    failed: int = 0  # an HTTP error answer: never acceptable
    cut_off: int = 0  # no answer because the server was killed
    cut_off_stored: int = 0
    rows: int = 0
    missing: list = field(default_factory=list)  # acknowledged but not stored
    unexpected: int = 0  # stored but never sent
    duplicates: int = 0
    orphans: int = 0
    integrity: str = ""
    foreign_keys_broken: int = 0
    exports: int = 0
    exports_imported: int = 0
    backups: int = 0
    backups_ok: int = 0
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return (self.failed == 0 and not self.missing and self.unexpected == 0 and self.duplicates == 0
                and self.orphans == 0 and self.integrity == "ok" and self.foreign_keys_broken == 0
                and self.exports == self.exports_imported and self.backups == self.backups_ok)

    def lines(self) -> list[str]:
        return [
            f"captures sent            {self.sent}",
            f"2xx received             {self.ok}",
            f"error answers (non-2xx)  {self.failed}",
            f"cut off by kill -9       {self.cut_off} (of which stored anyway: {self.cut_off_stored})",
            f"rows found (postings)    {self.rows}",
            f"acknowledged but missing {len(self.missing)}",
            f"stored but never sent    {self.unexpected}",
            f"duplicates               {self.duplicates}",
            f"orphans                  {self.orphans}",
            f"integrity_check          {self.integrity}; foreign_key_check: {self.foreign_keys_broken} broken",
            f"exports imported         {self.exports_imported} of {self.exports}",
            f"backups intact           {self.backups_ok} of {self.backups}",
            f"time                     {self.seconds:.1f} s",
            "PASS" if self.passed else "FAIL",
        ]


ORPHANS = """
SELECT (SELECT count(*) FROM event WHERE posting_id NOT IN (SELECT id FROM posting))
     + (SELECT count(*) FROM snapshot WHERE posting_id NOT IN (SELECT id FROM posting))
     + (SELECT count(*) FROM follow_up WHERE posting_id IS NOT NULL AND posting_id NOT IN (SELECT id FROM posting))
     + (SELECT count(*) FROM posting WHERE id NOT IN (SELECT posting_id FROM event WHERE kind = 'stage'))
"""


def run(*, captures: int = 200, threads: int = 10, same_url: int = 20, fault_captures: int = 60,
        workdir: Path | None = None, log=print) -> Report:
    started = time.monotonic()
    tmp = tempfile.TemporaryDirectory(prefix="jobloop-fault-") if workdir is None else None
    work = Path(tmp.name if tmp else workdir)
    data_dir = work / "data"
    env = {k: v for k, v in os.environ.items() if k != "JOBLOOP_DATA_DIR"}
    env["JOBLOOP_RUNTIME_DIR"] = str(work / "runtime")  # never the user's own runtime file
    report = Report()
    server = Server(data_dir, env).start()
    try:
        token = jobloop("token", "--data-dir", str(data_dir), env=env).stdout.strip()

        # 1. Load, with exports and backups taken while it runs.
        batch = [Sent(f"https://jobs.example.test/fault/load/{i}") for i in range(captures)]
        same = [Sent("https://jobs.example.test/fault/same-url") for _ in range(same_url)]
        jobs = batch[:]
        for i, s in enumerate(same):  # spread the same-URL burst through the batch
            jobs.insert(min(len(jobs), (i + 1) * max(1, len(jobs) // (len(same) + 1))), s)
        done = threading.Event()
        exports, backups = [], []

        def snapshots():
            n = 0
            while not done.is_set():
                n += 1
                out, copy = work / f"export-{n}.json", work / f"backup-{n}.sqlite3"
                if jobloop("export", "--data-dir", str(data_dir), "--out", str(out), env=env).returncode == 0:
                    exports.append(out)
                if jobloop("backup", "--data-dir", str(data_dir), str(copy), env=env).returncode == 0:
                    backups.append(copy)

        side = threading.Thread(target=snapshots)
        side.start()
        with ThreadPoolExecutor(threads) as pool:
            load = list(pool.map(lambda ij: send(server.url, token, ij[1], ij[0]), enumerate(jobs)))
        done.set()
        side.join()
        log(f"load: {len(load)} captures, {len(exports)} exports, {len(backups)} backups")
        report.exports, report.backups = len(exports), len(backups)
        for i, out in enumerate(exports):
            res = jobloop("import", str(out), "--data-dir", str(work / f"imported-{i}"), env=env)
            report.exports_imported += res.returncode == 0
            if res.returncode:
                log(f"export {out.name} did not import: {res.stderr.strip()}")
        for copy in backups:
            con = sqlite3.connect(copy)
            report.backups_ok += con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            con.close()

        # 2. Fault: kill -9 in the middle of a batch, then start again.
        fault = [Sent(f"https://jobs.example.test/fault/kill/{i}") for i in range(fault_captures)]
        answered = threading.Semaphore(0)

        def send_counted(item):
            send(server.url, token, item[1], 10_000 + item[0])
            answered.release()

        with ThreadPoolExecutor(threads) as pool:
            for item in enumerate(fault):
                pool.submit(send_counted, item)
            for _ in range(fault_captures // 2):
                answered.acquire()
            server.kill()
        log(f"fault: killed the server after {fault_captures // 2} of {fault_captures} answers")
        server = Server(data_dir, env).start()
        server.stop()

        # 3. What the store holds.
        everything = load + fault
        report.sent = len(everything)
        report.ok = sum(1 for s in everything if s.status and 200 <= s.status < 300)
        report.failed = sum(1 for s in everything if s.status is not None and not 200 <= s.status < 300)
        cut = [s for s in everything if s.status is None]
        report.cut_off = len(cut)
        con = sqlite3.connect(data_dir / "jobloop.sqlite3")
        try:
            report.integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
            report.foreign_keys_broken = len(con.execute("PRAGMA foreign_key_check").fetchall())
            stored = {url: pid for pid, url in con.execute("SELECT id, canonical_url FROM posting")}
            report.rows = len(stored)
            report.duplicates = con.execute(
                "SELECT count(*) - count(DISTINCT canonical_url) FROM posting").fetchone()[0]
            report.orphans = con.execute(ORPHANS).fetchone()[0]
        finally:
            con.close()
        acknowledged = {}
        for s in everything:
            if s.status and 200 <= s.status < 300:
                acknowledged.setdefault(s.canonical_url, set()).add(s.posting_id)
        # A URL acknowledged under two ids was stored twice, whatever the store holds now.
        report.duplicates += sum(len(ids) - 1 for ids in acknowledged.values())
        report.missing = [url for url, ids in acknowledged.items() if stored.get(url) not in ids]
        cut_urls = {s.url for s in cut}
        report.cut_off_stored = sum(1 for url in cut_urls if url in stored)
        report.unexpected = sum(1 for url in stored if url not in acknowledged and url not in cut_urls)
    finally:
        server.stop()
        report.seconds = time.monotonic() - started
        if tmp:
            tmp.cleanup()
    return report


def cpu_seconds(pid: int) -> float | None:
    """The CPU time a server and its parse workers have used (user + system), where /proc
    tells it."""
    try:
        total = 0
        for each in process_tree(pid):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def throughput(thread_counts=(1, 8), captures: int = 50, bursts: int = 9, log=print,
               html: str | None = None) -> dict[int, tuple[float, int, float | None]]:
    """Captures per second when `captures` are sent at once, for a fresh server per thread
    count, how many got an error answer in all, and the CPU milliseconds per capture of the
    server and its parse workers (median of the bursts; None where /proc is not there):
    {threads: (rate, errors, cpu)}.
    `html`: the page every capture sends (default: a small generated one).

    The servers run side by side and take their bursts in turns, so whatever else the
    machine does at a moment lands on both alike; the rate is the median
    of `bursts` bursts each (one burst lasts a third of a second). Every burst is of new
    addresses."""
    rates = {n: [] for n in thread_counts}
    cpu = {n: [] for n in thread_counts}
    errors = {n: 0 for n in thread_counts}
    with tempfile.TemporaryDirectory(prefix="jobloop-throughput-") as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k != "JOBLOOP_DATA_DIR"}
        servers, tokens = {}, {}
        try:
            for n in thread_counts:
                env_n = {**env, "JOBLOOP_RUNTIME_DIR": str(work / f"runtime-{n}")}
                servers[n] = Server(work / f"data-{n}", env_n, threads=n).start()
                tokens[n] = jobloop("token", "--data-dir", str(work / f"data-{n}"), env=env_n).stdout.strip()
                send(servers[n].url, tokens[n], Sent("https://jobs.example.test/warm"), 0)  # imports, caches
            for burst in range(bursts):
                # The order turns each round (1, 8, 8, 1, 1, 8 ...): neither server always
                # takes its burst right after the other's.
                for n in (thread_counts if burst % 2 == 0 else thread_counts[::-1]):
                    start = threading.Barrier(captures)
                    sent = [Sent(f"https://jobs.example.test/burst-{burst}/{i}") for i in range(captures)]

                    def together(i, n=n, start=start, sent=sent):
                        start.wait()
                        return send(servers[n].url, tokens[n], sent[i], i, html)

                    with ThreadPoolExecutor(captures) as pool:
                        used = cpu_seconds(servers[n].proc.pid)
                        began = time.perf_counter()
                        done = list(pool.map(together, range(captures)))
                        seconds = time.perf_counter() - began
                    after = cpu_seconds(servers[n].proc.pid)
                    rates[n].append(captures / seconds)
                    if used is not None and after is not None:
                        cpu[n].append((after - used) * 1000 / captures)
                    errors[n] += sum(1 for s in done if not (s.status and 200 <= s.status < 300))
        finally:
            for server in servers.values():
                server.stop()
    out = {}
    for n in thread_counts:
        out[n] = (statistics.median(rates[n]), errors[n], statistics.median(cpu[n]) if cpu[n] else None)
        log(f"{captures} captures at once, server with {n} thread(s): {out[n][0]:.1f}/s (median of {bursts} bursts:"
            f" {', '.join(f'{r:.0f}' for r in rates[n])}), {errors[n]} errors"
            + (f", server CPU {out[n][2]:.2f} ms a capture" if out[n][2] is not None else ""))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=200)
    parser.add_argument("--threads", type=int, default=10)
    parser.add_argument("--same-url", type=int, default=20)
    parser.add_argument("--fault-captures", type=int, default=60)
    args, _ = parser.parse_known_args(argv)  # scripts/bench passes every bench the same options
    report = run(captures=args.captures, threads=args.threads, same_url=args.same_url,
                 fault_captures=args.fault_captures)
    print(f"load: {args.captures} captures from {args.threads} threads + {args.same_url} of one URL,"
          " with exports and backups; then kill -9 mid-batch and restart")
    print("\n".join(report.lines()))
    rates = throughput((1, 8))
    (one, one_errors, one_cpu), (eight, eight_errors, eight_cpu) = rates[1], rates[8]
    # A real page as well: the small generated one builds its soup in a fraction of a
    # millisecond, which hides what parallel soup builds cost (parsing/soup.py).
    real = REAL_PAGE if REAL_PAGE.exists() else None
    real_rates = throughput((1, 8), bursts=5, html=real.read_text(errors="replace")) if real else None
    report_rows([
        figure("captures", "50 at once, a small generated page, 1 server thread", one, "/s", goal="0 errors",
               met=one_errors == 0),
        figure("captures", "50 at once, a small generated page, 8 server threads", eight, "/s",
               reference="1 thread", reference_value=one,
               goal="≥ 1× one thread, 0 errors", met=eight >= one and eight_errors == 0, summary=True),
        *([figure("captures", "server CPU a capture (with its parse workers'), 8 threads (median of the bursts)",
                  eight_cpu, "ms",
                  reference="1 thread", reference_value=one_cpu)] if one_cpu and eight_cpu else []),
        *([figure("captures", f"50 at once, a real page ({real.name}), 8 server threads", real_rates[8][0], "/s",
                  reference="1 thread", reference_value=real_rates[1][0],
                  goal="≥ 1× one thread, 0 errors", met=real_rates[8][0] >= real_rates[1][0]
                  and real_rates[8][1] + real_rates[1][1] == 0, summary=True),
           figure("captures", "server CPU a capture (with its parse workers'), a real page, 8 threads", real_rates[8][2] or 0, "ms",
                  reference="1 thread", reference_value=real_rates[1][2])] if real_rates else []),
        figure("captures", "fault test: acknowledged captures lost or duplicated",
               len(report.missing) + report.duplicates, "", goal="0", met=report.passed),
    ])
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
