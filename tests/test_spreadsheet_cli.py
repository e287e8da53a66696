"""`jobloop import FILE.csv`: the same spreadsheet import as the tracker's page, from the command line."""
from __future__ import annotations

import re
import sqlite3

import openpyxl

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


def test_list_and_undo_an_import_from_the_command_line(tmp_path):
    data_dir = tmp_path / "data"
    first, second = tmp_path / "first.csv", tmp_path / "second.xlsx"
    first.write_text("Title,Company,Status\nTester,Acme,Rejected\nWriter,Globex,Applied\n", encoding="utf-8")
    book = openpyxl.Workbook()
    book.active.append(["Job title", "Company"])
    book.active.append(["Painter", "Initech"])
    book.save(second)
    res = run("import", str(first), data_dir=data_dir)
    batch = re.search(r"jobloop import --undo (\w+)", res.stderr).group(1)
    assert run("import", str(second), data_dir=data_dir).returncode == 0
    listing = run("import", "--list", data_dir=data_dir)
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert [line.split()[-1] for line in lines] == ["second.xlsx", "first.csv"]
    assert lines[1].startswith(batch) and " 2 postings " in lines[1]
    undone = run("import", "--undo", batch, data_dir=data_dir)
    assert undone.returncode == 0 and f"Import {batch} undone: 2 postings removed." in undone.stdout
    assert stages(data_dir) == [("Painter", "saved")]
    with sqlite3.connect(data_dir / "jobloop.sqlite3") as db:  # nothing of the batch left behind
        assert db.execute("SELECT count(*) FROM follow_up WHERE posting_id IS NULL AND contact_id IS NULL"
                          ).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM reflection").fetchone() == (0,)
    again = run("import", "--undo", batch, data_dir=data_dir)
    assert again.returncode == 1 and "undone already" in again.stderr and "Traceback" not in again.stderr
    bad = run("import", "--undo", "../../x", data_dir=data_dir)
    assert bad.returncode == 1 and "not an import batch" in bad.stderr
    assert [line.split()[-1] for line in run("import", "--list", data_dir=data_dir).stdout.splitlines()] == \
        ["second.xlsx"]


def test_import_needs_one_thing_to_do(tmp_path):
    res = run("import", data_dir=tmp_path / "data")
    assert res.returncode == 2 and "give a FILE to import, or --undo BATCH, or --list" in res.stderr
