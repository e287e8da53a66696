"""The parse's own soup builder makes the tree bs4's stock lxml builder makes: same tags,
attributes (class-like ones split into lists), strings and string types."""
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from bs4.element import AttributeValueList, Tag

from jobloop.parsing.document import to_text
from jobloop.parsing.soup import build

FIXTURES = Path(__file__).parent / "fixtures" / "pages"

TRICKY = """<!DOCTYPE html><html lang="en" xmlns:og="http://ogp.me/ns#"><head>
<meta property="og:title" content="Data Engineer">
<link rel="stylesheet preload" href="/a.css"><!-- a comment -->
<script type="application/ld+json">{"@type": "JobPosting"}</script><style>p { color: red }</style>
</head><body class="  page   job-view ">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="#i"/></svg>
<math><mi>x</mi></math><a rel="nofollow noopener" rev="x" class="apply btn" href="/apply">Apply</a>
<table><tr><th headers="h1 h2">Pay</th><td headers="h3">€60k</td></tr></table>
<form accept-charset="utf-8 latin1"><iframe sandbox="allow-scripts allow-forms"></iframe></form>
<div {odd}name="1" data-x="a b" class="">Two   words<br/><pre>  kept
  as is </pre><textarea> raw <b> </textarea></div><p>unclosed<p>second
<![CDATA[ data ]]><?php echo 1 ?></body></html>"""


def shape(soup):
    out = []
    for node in soup.descendants:
        if isinstance(node, Tag):
            out.append((node.name, node.namespace, node.prefix, type(node.attrs),
                        [(key, type(key), value, type(value)) for key, value in node.attrs.items()]))
        else:
            out.append((type(node), str(node)))
    return out


def test_class_like_attributes_are_lists_and_others_stay_strings():
    body = build(TRICKY).body
    assert body["class"] == ["page", "job-view"] and isinstance(body["class"], AttributeValueList)
    link = build(TRICKY).find("a")
    assert link["rel"] == ["nofollow", "noopener"] and link["href"] == "/apply"
    assert build(TRICKY).find("th")["headers"] == ["h1", "h2"]
    assert build(TRICKY).find("div")["data-x"] == "a b"


@pytest.mark.parametrize("html", [TRICKY, "", "<p>only a fragment", "\ufeff<html><body>bom</body></html>"],
                         ids=["tricky", "empty", "fragment", "bom"])
def test_tree_matches_the_stock_builder(html):
    assert shape(build(html)) == shape(BeautifulSoup(html, "lxml"))
    assert build(html).decode() == BeautifulSoup(html, "lxml").decode()


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.html")), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_page_builds_the_stock_tree(path):
    html = to_text(path.read_bytes().decode("utf-8", errors="replace"))
    assert shape(build(html)) == shape(BeautifulSoup(html, "lxml"))


def test_pages_that_look_like_xml_or_an_address_say_nothing_on_stderr():
    import subprocess
    import sys

    code = ("from jobloop.parsing import parse\n"
            "parse('<?xml version=\"1.0\"?><html><body><h1>Data Engineer</h1></body></html>', 'https://x.example/1')\n"
            "parse('https://x.example/jobs/1', 'https://x.example/jobs/1')\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == "", run.stderr


def test_one_soup_is_built_at_a_time(monkeypatch):
    """Threads building soups at once pass the GIL back and forth at every tag lxml hands
    to bs4; they take turns instead (the build is short, and only one runs Python anyway)."""
    import threading
    import time

    from jobloop.parsing import soup

    active, most = [0], [0]
    feed = soup.HtmlBuilder.feed

    def watched(self, markup):
        active[0] += 1
        most[0] = max(most[0], active[0])
        time.sleep(0.02)  # long enough for the others to start theirs, were they let
        try:
            return feed(self, markup)
        finally:
            active[0] -= 1

    monkeypatch.setattr(soup.HtmlBuilder, "feed", watched)
    threads = [threading.Thread(target=build, args=(TRICKY,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert most[0] == 1


def test_one_builder_builds_page_after_page_as_the_stock_builder_does():
    """The builder and its lxml parser are kept from one page to the next: no page carries
    anything into the one after it."""
    from jobloop.parsing import soup

    pages = [TRICKY, "<p>only a fragment", TRICKY.replace("Data Engineer", "Nurse"), "", TRICKY]
    for html in pages:
        assert shape(build(html)) == shape(BeautifulSoup(html, "lxml"))
    assert soup._builder is not None and soup._builder._parser is not None  # kept, so reused


def _fail_at(monkeypatch, tag_name, times, error):
    """The next builds stop at `tag_name` (the first `times` times), on a new builder: lxml binds
    a builder's methods into its parser when it makes it."""
    from jobloop.parsing import soup

    start, left = soup.HtmlBuilder.start, [times]

    def failing(self, tag, attrib, nsmap={}):  # noqa: B006
        if tag.endswith(tag_name) and left[0]:
            left[0] -= 1
            raise error
        return start(self, tag, attrib, nsmap)

    monkeypatch.setattr(soup.HtmlBuilder, "start", failing)
    soup._builder = None


def test_a_page_that_fails_inside_an_svg_leaves_no_namespace_to_the_next(monkeypatch):
    from lxml import etree

    from jobloop.parsing import soup

    _fail_at(monkeypatch, "use", 10, etree.ParserError("refused"))
    with pytest.raises(Exception):
        build(TRICKY)  # stopped inside <svg xmlns:xlink=…>, on the text and the bytes tries
    kept = soup._builder
    page = "<html><body><p class='a b'>plain</p></body></html>"
    built, stock = build(page), BeautifulSoup(page, "lxml")
    assert soup._builder is kept and shape(built) == shape(stock)
    assert built.find("p")._namespaces == stock.find("p")._namespaces  # what select() resolves prefixes by
    soup._builder = None


def test_a_page_refused_once_and_read_as_bytes_leaves_no_half_fed_parser(monkeypatch):
    """bs4 reads a page lxml refused as text again as UTF-8 bytes, with a parser of its own;
    the text parser, stopped half way, starts the next page afresh."""
    from lxml import etree

    from jobloop.parsing import soup

    _fail_at(monkeypatch, "table", 1, etree.ParserError("refused"))
    assert build(TRICKY).find("td").get_text() == "€60k"  # the second try read it
    assert shape(build(TRICKY)) == shape(BeautifulSoup(TRICKY, "lxml"))
    soup._builder = None
