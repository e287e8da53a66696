"""`jobloop parse` keeps its output contract; scripts/eval-corpus scores a page folder."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from jobloop.cli import main
from jobloop.parsing.draft import CONTRACT_FIELDS

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "fixtures" / "pages"


def test_parse_command_prints_the_contract():
    spec = json.loads((PAGES / "greenhouse" / "job_boards_app.json").read_text())
    result = CliRunner().invoke(main, ["parse", str(PAGES / "greenhouse" / "job_boards_app.html"), "--url", spec["url"]])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert list(out)[: len(CONTRACT_FIELDS)] == list(CONTRACT_FIELDS)
    assert out["source"] == "greenhouse" and out["title"] == "Staff Platform Engineer"
    assert out["salary"] == {"min": 165000.0, "max": 195000.0, "currency": "CAD", "period": "year"}
    assert out["field_sources"]["title"] == "site:greenhouse"


def _corpus(tmp_path: Path, truth_title: str) -> Path:
    (tmp_path / "pages").mkdir()
    shutil.copy(PAGES / "lever" / "apply_page.html", tmp_path / "pages" / "a.html")
    shutil.copy(PAGES / "generic" / "article.html", tmp_path / "pages" / "b.html")
    lever = json.loads((PAGES / "lever" / "apply_page.json").read_text())
    (tmp_path / "manifest.jsonl").write_text(
        json.dumps({"file": "pages/a.html", "url": lever["url"]}) + "\n"
        + json.dumps({"file": "pages/b.html", "url": "https://blog.example.com/2025/05/raise"}) + "\n")
    (tmp_path / "truth.jsonl").write_text(
        json.dumps({"file": "pages/a.html", "is_posting": True, "title": truth_title, "company": "Woodgrove",
                    "locations": ["Amsterdam"], "remote": "onsite", "employment_type": "Full time", "salary": None}) + "\n"
        + json.dumps({"file": "pages/b.html", "is_posting": False}) + "\n")
    return tmp_path


def _run(folder: Path, *options: str) -> list[str]:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "eval-corpus"), str(folder), *options],
                            capture_output=True, text=True, timeout=120, check=True)
    return result.stdout.strip().splitlines()


def test_eval_corpus_scores_fields_and_ends_with_overall(tmp_path):
    (tmp_path / "good").mkdir()
    lines = _run(_corpus(tmp_path / "good", "Senior Data Scientist"))
    assert lines[-1] == "overall field accuracy: 8/8 = 100.0%"
    assert any(line.startswith("title") and "1/1" in line for line in lines)


def test_eval_corpus_reports_a_miss(tmp_path):
    (tmp_path / "bad").mkdir()
    lines = _run(_corpus(tmp_path / "bad", "Chief Executive Officer"))
    assert any("MISS title" in line for line in lines)
    assert lines[-1] == "overall field accuracy: 7/8 = 87.5%"


def test_eval_corpus_leave_site_out_turns_off_the_pages_own_adapter(tmp_path):
    """The Lever apply tab is read by its adapter; without it the same page scores lower."""
    (tmp_path / "good").mkdir()
    folder = _corpus(tmp_path / "good", "Senior Data Scientist")
    assert _run(folder)[-1] == "overall field accuracy: 8/8 = 100.0%"
    lines = _run(folder, "--leave-site-out")
    assert any(line.startswith("pages/a.html") and "MISS" in line for line in lines)
    assert lines[-1] != "overall field accuracy: 8/8 = 100.0%"
