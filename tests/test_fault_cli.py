"""The load and fault test (bench/fault_bench.py), short: a real `jobloop serve`, threads
capturing distinct and identical URLs with exports and backups running, then kill -9
mid-batch and a restart. Every 2xx is stored exactly once; nothing else is."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "fault_bench.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("fault_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_no_acknowledged_capture_is_lost_under_load_and_kill(tmp_path):
    bench = load_bench()
    report = bench.run(captures=24, threads=4, same_url=6, fault_captures=16, workdir=tmp_path, log=lambda _: None)
    assert report.sent == 46 and report.failed == 0, report.lines()
    assert report.ok >= 30 + 8  # the whole load batch, and the half answered before the kill
    assert report.missing == [] and report.unexpected == 0 and report.duplicates == 0, report.lines()
    assert report.orphans == 0 and report.integrity == "ok" and report.foreign_keys_broken == 0
    assert report.exports >= 1 and report.exports_imported == report.exports
    assert report.backups >= 1 and report.backups_ok == report.backups
    assert report.rows == 24 + 1 + report.ok - 30 + report.cut_off_stored
