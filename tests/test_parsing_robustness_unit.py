"""parse() never raises and stays bounded, whatever it is given; and it stays pure.

The checks call parse_strict, the parse without parse()'s safety net, so an internal
error in any extractor fails the test instead of hiding behind a "could not read" draft."""
from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from jobloop.parsing import parse
from jobloop.parsing.document import MAX_HTML_CHARS
from jobloop.parsing.page import parse_strict
from jobloop.parsing.draft import CONTRACT_FIELDS

PARSING = Path(__file__).resolve().parents[1] / "server" / "jobloop" / "parsing"


def _check(html, url):
    draft = parse_strict(html, url)
    out = draft.to_dict()
    assert set(CONTRACT_FIELDS) <= set(out)
    assert isinstance(out["locations"], list) and isinstance(out["skills"], list)
    assert out["remote"] in (None, "onsite", "hybrid", "remote")
    assert out["salary"] is None or set(out["salary"]) == {"min", "max", "currency", "period"}
    return draft


def test_empty_and_odd_inputs():
    for html in ("", None, b"", b"\x00\x01\x02\xff\xfe", "<", "<html><body></body></html>", "\x00" * 1000,
                 "<script type='application/ld+json'>{\"@type\": \"JobPosting\", \"title\": </script>",
                 "<script type='application/ld+json'>[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[</script>"):
        for url in ("", "not a url", "https://jobs.lever.co/x/abc", "http://[::1", "https://www.linkedin.com/jobs/view/1"):
            _check(html, url)


def test_deeply_nested_markup_and_json():
    nested_html = "<div>" * 50_000 + "Job" + "</div>" * 50_000
    _check(nested_html, "https://example.com/jobs/1")
    nested_json = '<script type="application/ld+json">' + '{"a":' * 20_000 + "1" + "}" * 20_000 + "</script>"
    _check(nested_json, "https://example.com/jobs/1")
    nested_state = "<script>window.__INITIAL_STATE__ = " + "[" * 30_000 + "]" * 30_000 + ";</script>"
    _check(nested_state, "https://example.com/jobs/1")


def test_twenty_megabytes_is_bounded():
    para = "<p>We need Python and SQL. Salary $100,000 - $120,000 per year.</p>"
    html = "<html><body><h1>Data Engineer</h1>" + para * (21 * 1024 * 1024 // len(para)) + "</body></html>"
    # Bounded by what it reads, not timed here (speed is bench/parse_bench.py's): the page is cut
    # at MAX_HTML_CHARS before the soup is built, so nothing past it reaches the draft.
    tail = "<p>Zzyzx-only-past-the-cut Haskell</p>"
    draft = _check(html + tail, "https://example.com/careers/jobs/42")
    assert "Zzyzx-only-past-the-cut" not in (draft.description_text or "") and "Haskell" not in draft.skills
    assert len(draft.description_text or "") <= MAX_HTML_CHARS


def test_binary_garbage_is_not_a_posting():
    draft = parse_strict(bytes(range(256)) * 4000, "https://example.com/jobs/1")
    assert draft.is_posting is False and draft.reason


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000), st.sampled_from([
    "https://job-boards.greenhouse.io/a/jobs/1", "https://jobs.lever.co/a/0d79c70e-7a49-4a4a-a72f-7ef25d62de41",
    "https://www.linkedin.com/jobs/search/?currentJobId=123", "https://au.indeed.com/viewjob?jk=abcdef12", "x", ""]))
def test_fuzz_text_never_raises(html, url):
    _check(html, url)


TAGS = st.sampled_from(["div", "h1", "script", "a", "dl", "dt", "dd", "main", "form", "span", "meta", "li", "code"])
ATTRS = st.sampled_from(['', ' class="job__location"', ' type="application/ld+json"', ' data-ui="job-title"',
                         ' itemprop="title"', ' itemscope itemtype="http://schema.org/JobPosting"', ' id="applyUrl"',
                         ' data-page="{&quot;props&quot;:{&quot;job&quot;:{&quot;title&quot;:1}}}"', ' href="/jobs/1"'])
TEXT = st.sampled_from(["Location", "Salary", "$120k–$150k", "Hybrid", "Full-time", '{"@type":"JobPosting","title":"X"',
                        "window.__appData = {", "3 days ago", "&amp;", "Apply now", "€45.000 – 65.000 brutto/Jahr", ""])


@st.composite
def markup(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        tag, attrs = draw(TAGS), draw(ATTRS)
        inner = draw(markup(depth + 1)) if depth < 4 and draw(st.booleans()) else draw(TEXT)
        parts.append(f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if draw(st.booleans()) else ""))
    return "".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup())
def test_fuzz_markup_never_raises(html):
    _check(html, "https://jobs.example.com/jobs/123")
    _check(html.encode("utf-8"), "https://job-boards.greenhouse.io/acme/jobs/9")


def test_parse_reports_an_internal_error_as_its_reason(monkeypatch):
    """The safety net itself: parse() turns a crash into a draft that names it, parse_strict raises."""
    from jobloop.parsing import page as page_module

    def broken(*_args, **_kwargs):
        raise IndexError("boom")

    monkeypatch.setattr(page_module.heuristics, "main_title", broken)
    html, url = "<html><body><h1>Data Engineer</h1></body></html>", "https://example.com/jobs/1"
    draft = parse(html, url)
    assert draft.is_posting is False and draft.reason == "could not read this page (IndexError)"
    try:
        parse_strict(html, url)
    except IndexError:
        pass
    else:
        raise AssertionError("parse_strict must let an internal error through")


def test_parsing_is_pure():
    """No web framework or database under parsing/: it is a function of (html, url, now)."""
    for path in PARSING.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                root = name.split(".")[0]
                assert root not in ("flask", "peewee", "flask_smorest", "playhouse", "sqlite3", "jobloop"), \
                    f"{path.name} imports {name}"
                if isinstance(node, ast.ImportFrom) and node.level >= 2:
                    assert path.parent.name == "sites" and node.level == 2, f"{path.name} reaches outside parsing/"


def test_selectors_ending_in_a_tag_search_under_the_indexed_part_only():
    """'.pay-range span' finds the spans under the indexed .pay-range elements, the same
    elements in the same order as soupsieve over the whole tree."""
    from jobloop.parsing.document import Page

    html = ("<div class='pay-range'><span>$1</span><b><span>$2</span></b></div><span>other</span>"
            "<ul class='job-details'><li>Full-time</li><li>Remote</li></ul><ol class='job-details'><li>x</li></ol>"
            "<dl data-automation-id='time'><dt>Type</dt><dd>Full time</dd></dl><div class='posting-categories'>"
            "<div>Berlin</div><div>Engineering<div>nested</div></div></div>")
    page = Page(html, "https://example.com/jobs/1")
    for selector in (".pay-range span", "ul.job-details li", ".job-details li", "[data-automation-id=time] dd",
                     ".posting-categories > div", ".missing span"):
        assert page._select_under_indexed(selector) is not None
        assert [id(el) for el in page.select(selector)] == [id(el) for el in page.soup.select(selector)], selector
    assert page._select_under_indexed("div span") is None  # nothing indexed to start from: the whole tree


def test_selectors_the_index_answers_whole_agree_with_soupsieve():
    """'.cls', 'tag.cls', '#id', '[data-x=v]' are answered from the index without matching each
    candidate: the same elements, in the same order, as soupsieve over the tree, inside a
    root too; what is not plain CSS still goes through soupsieve (and is no match)."""
    import soupsieve

    from jobloop.parsing.document import Page, _EXACT, _inside

    html = ("<main><h1 class='title Big'>A</h1><h2 class='title'>B</h2><div id='job-details'><p class='title'>C</p>"
            "<span data-testid='pay'>$1</span></div><span data-testid='pay-2'>$2</span><span data-testid='pay'>x</span>"
            "<h2>D</h2><div id='1x' class='1x'>E</div></main>")
    page = Page(html, "https://example.com/jobs/1")
    root = page.by_attr[("id", "job-details")][0]
    for selector in (".title", "h1.title", "h2.title", "p.title", ".big", ".Big", "#job-details", "div#job-details",
                     "[data-testid=pay]", "span[data-testid=pay]", "[data-testid]", "h2", "h1.missing", "#missing"):
        assert _EXACT.match(selector), selector
        assert [id(el) for el in page.select(selector)] == [id(el) for el in page.soup.select(selector)], selector
        # Under a root, as soupsieve matching each candidate inside it (the root itself included).
        compiled = soupsieve.compile(selector)
        expected = [el for el in page.soup.find_all(True) if compiled.match(el) and _inside(el, root)]
        assert [id(el) for el in page.select(selector, root)] == [id(el) for el in expected], selector
    for selector in (".1x", "#1x", ".title.big", "h1.title:first-child", "H1.title"):
        assert not _EXACT.match(selector), selector
    assert page.select("#1x") == [] and page.select(".1x") == []


def test_comment_and_cdata_ends_come_off_as_the_pattern_took_them():
    """loads_lenient reads the end of a script for "-->" and "//]]>" instead of running the
    pattern over all of it: the same text comes off for every ending."""
    import itertools
    import re

    from jobloop.parsing.structured import _comment_end_removed, loads_lenient

    pieces = ["x", "{}", ";", "-->", "--->", "]]>", "//]]>", "// \t]]>", "/ ]]>", "-->]]>", "]]>-->", "//", "\n"]
    for combo in itertools.product(pieces, repeat=3):
        text = "".join(combo).strip()
        assert _comment_end_removed(text) == re.sub(r"(-->|//\s*\]\]>|\]\]>)\s*$", "", text), text
    assert loads_lenient('<!-- {"a": 1} -->') == {"a": 1}
    assert loads_lenient('//<![CDATA[\n{"a": 1}\n// ]]>') == {"a": 1}
