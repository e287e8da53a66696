"""`jobloop import FILE.csv`: the same spreadsheet import as the tracker's page, from the command line."""
from __future__ import annotations

import sqlite3

from test_serve_cli import run


def stages(data_dir) -> list[tuple[str, str]]:
    with sqlite3.connect(data_dir / "jobloop.sqlite3") as db:
        return db.execute("SELECT title, stage FROM posting ORDER BY title").fetchall()


def test_import_a_csv_into_a_new_data_dir_then_again(tmp_path):
    sheet = tmp_path / "apps.csv"
    sheet.write_text("Position,Employer,Status,Applied on\nTester,Acme,Phone screen,2026-11-02\n"
                     "Writer,Globex,No response,\n,,,\nPainter,,Rejected,tomorrow-ish\n", encoding="utf-8")
    data_dir = tmp_path / "data"
    res = run("import", str(sheet), data_dir=data_dir)
    assert res.returncode == 0, res.stderr
    assert "2 rows became postings" in res.stdout and "row 5: " in res.stdout and "not a date" in res.stdout
    assert "Position -> Job title" in res.stderr and "UTF-8" in res.stderr
    assert stages(data_dir) == [("Tester", "screening"), ("Writer", "ghosted")]
    again = run("import", str(sheet), data_dir=data_dir)
    assert "0 rows became postings" in again.stdout and "2 already tracked" in again.stdout
    assert stages(data_dir) == [("Tester", "screening"), ("Writer", "ghosted")]


def test_ambiguous_dates_name_the_option(tmp_path):
    sheet = tmp_path / "apps.csv"
    sheet.write_text("Title,Date applied\nA,03/04/2026\n", encoding="utf-8")
    res = run("import", str(sheet), data_dir=tmp_path / "data")
    assert res.returncode == 1 and "--dates day-first" in res.stderr
    res = run("import", "--dates", "day-first", str(sheet), data_dir=tmp_path / "data")
    assert res.returncode == 0 and "1 row became a posting" in res.stdout


def test_a_binary_file_is_refused_in_words(tmp_path):
    sheet = tmp_path / "photo.csv"
    sheet.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    res = run("import", str(sheet), data_dir=tmp_path / "data")
    assert res.returncode == 1 and "binary" in res.stderr and "Traceback" not in res.stderr
