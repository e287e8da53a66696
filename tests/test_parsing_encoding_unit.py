"""Bytes in, text out: byte-order mark, then the page's declared charset, then detection."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobloop.cli import main
from jobloop.parsing.encoding import decode, declared

ENCODING = Path(__file__).resolve().parent / "fixtures" / "pages" / "encoding"
TEXT = "Ingénieur confirmé — « qualité », 高级数据工程师"


@pytest.mark.parametrize("bom,codec", [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_byte_order_mark_wins(bom, codec):
    raw = bom + f'<meta charset="iso-8859-1"><p>{TEXT}</p>'.encode(codec)
    assert TEXT in decode(raw)


@pytest.mark.parametrize("meta,label", [
    ('<meta charset="gb2312">', "gb18030"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=GBK">', "gb18030"),
    ("<meta charset='ISO-8859-1'>", "cp1252"),  # browsers read latin-1 as windows-1252
    ('<META HTTP-EQUIV="content-type" CONTENT="text/html;charset=windows-1252">', "cp1252"),
    ('<meta charset="no-such-charset">', None),
])
def test_declared_charset(meta, label):
    assert declared(f"<html><head>{meta}</head>".encode("ascii")) == label


def test_windows_1252_punctuation_survives_a_latin_1_declaration():
    raw = '<meta charset="iso-8859-1"><p>Salaire : 45\u202fk€ – « CDI »</p>'.replace("\u202f", " ").encode("cp1252")
    assert "45 k€ – « CDI »" in decode(raw)


def test_undeclared_legacy_bytes_are_detected():
    zh = "<p>岗位职责：负责公司数据平台的设计与开发，维护数据仓库，优化数据处理流程。任职要求：计算机相关专业本科及以上学历。</p>"
    assert "数据平台的设计与开发" in decode(zh.encode("gbk"))
    fr = "<p>Vous développerez des outils numériques ; expérience réussie exigée, maîtrise de l'écrit, qualité.</p>"
    assert "développerez" in decode(fr.encode("cp1252"))


def test_declared_utf8_that_is_not_utf8_falls_back_to_detection():
    raw = '<meta charset="utf-8"><p>Société générale, expérience réussie, qualité reconnue, télétravail possible.</p>'.encode("cp1252")
    assert "Société" in decode(raw)


def test_garbage_never_raises():
    assert isinstance(decode(bytes(range(256)) * 100), str)


@pytest.mark.parametrize("name", ["gbk_declared", "gbk_undeclared", "cp1252_declared", "cp1252_undeclared"])
def test_parse_command_reads_legacy_charsets(name):
    spec = json.loads((ENCODING / f"{name}.json").read_text())
    result = CliRunner().invoke(main, ["parse", str(ENCODING / f"{name}.html"), "--url", spec["url"]])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["title"] == spec["expect"]["title"]
